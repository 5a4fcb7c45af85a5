package org.gridshare.backend.market.orders;

import java.util.Comparator;

/** One book: a zone (on-chain id, 0x hex) and an interval start. Also the Kafka key of its records. */
public record BookKey(String zoneId, long intervalStartMs) implements Comparable<BookKey> {
    private static final Comparator<BookKey> ORDER =
            Comparator.comparingLong(BookKey::intervalStartMs).thenComparing(BookKey::zoneId);

    /** {@code zoneId:intervalStartMs}, the key of clearing and settlement records. */
    public String kafkaKey() {
        return zoneId + ":" + intervalStartMs;
    }

    @Override
    public int compareTo(BookKey o) {
        return ORDER.compare(this, o);
    }
}
