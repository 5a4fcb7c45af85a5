package org.gridshare.drivers.dsmr;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/**
 * DSMR time stamps {@code YYMMDDhhmmssX}: local time of the Netherlands, Belgium or Luxembourg, with
 * X = S (summer, UTC+2) or W (winter, UTC+1). Without X the offset is unknown and no instant is made.
 */
final class DsmrTimestamp {

    private static final Pattern FORMAT = Pattern.compile("\\d{12}[SW]?");

    private DsmrTimestamp() {}

    /** The instant, or null when the text has no S/W marker. Throws for an impossible date. */
    static OffsetDateTime parse(String text) throws DateTimeException {
        if (!FORMAT.matcher(text).matches()) {
            throw new DateTimeException("not YYMMDDhhmmss[S|W]: '" + text + "'");
        }
        LocalDateTime local = LocalDateTime.of(
                2000 + Integer.parseInt(text.substring(0, 2)),
                Integer.parseInt(text.substring(2, 4)),
                Integer.parseInt(text.substring(4, 6)),
                Integer.parseInt(text.substring(6, 8)),
                Integer.parseInt(text.substring(8, 10)),
                Integer.parseInt(text.substring(10, 12)));
        if (text.length() == 12) {
            return null;
        }
        return local.atOffset(text.charAt(12) == 'S' ? ZoneOffset.ofHours(2) : ZoneOffset.ofHours(1));
    }

    /**
     * Like {@link #parse} but null instead of an exception, for log and M-Bus entries that may hold filler
     * dates: meters send {@code 700101...} (the Unix epoch) for "never captured", which is not 2070.
     */
    static OffsetDateTime parseOrNull(String text) {
        if (text.length() >= 2 && text.charAt(0) >= '7') {
            return null;
        }
        try {
            return parse(text);
        } catch (DateTimeException ex) {
            return null;
        }
    }
}
