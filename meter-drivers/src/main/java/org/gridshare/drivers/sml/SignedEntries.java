package org.gridshare.drivers.sml;

import java.math.BigInteger;
import java.util.Optional;
import org.gridshare.drivers.MeterAuthenticity;
import org.openmuc.jsml.structures.ASNObject;
import org.openmuc.jsml.structures.OctetString;
import org.openmuc.jsml.structures.SmlBoolean;
import org.openmuc.jsml.structures.SmlListEntry;
import org.openmuc.jsml.structures.SmlTime;
import org.openmuc.jsml.structures.SmlTimestampLocal;
import org.openmuc.jsml.structures.Unsigned32;

/** SML list entries that carry a {@code valSignature}, with every field the meter may have signed, as sent. */
final class SignedEntries {

    private SignedEntries() {}

    static Optional<MeterAuthenticity.SignedValue> signed(SmlListEntry e, String code) {
        if (e.getValueSignature() == null || e.getValueSignature().getValue() == null) {
            return Optional.empty();
        }
        ASNObject status = e.getStatus() == null ? null : e.getStatus().getChoice();
        BigInteger statusWord = status == null ? null : SmlDecoder.integerOf(status);
        Integer unit = e.getUnit() == null ? null : e.getUnit().getVal();
        Integer scaler = e.getScaler() == null ? null : e.getScaler().getIntVal();
        ASNObject v = e.getValue() == null ? null : e.getValue().getChoice();
        String value;
        BigInteger integer = v == null ? null : SmlDecoder.integerOf(v);
        if (integer != null) {
            value = integer.toString();
        } else if (v instanceof OctetString s) {
            value = SmlDecoder.hex(s.getValue());
        } else if (v instanceof SmlBoolean b) {
            value = Boolean.toString(b.getVal());
        } else {
            value = null;
        }
        return Optional.of(new MeterAuthenticity.SignedValue(
                code,
                statusWord == null ? null : statusWord.toString(),
                time(e.getValTime()),
                unit,
                scaler,
                value,
                SmlDecoder.hex(e.getValueSignature().getValue())));
    }

    /** As sent: {@code secIndex:N}, {@code timestamp:N} or {@code timestampLocal:N,localOffsetMin,seasonOffsetMin}. */
    private static String time(SmlTime t) {
        if (t == null || t.getTag() == null) {
            return null;
        }
        if (t.getChoice() instanceof SmlTimestampLocal local && local.getTimestamp() != null) {
            return "timestampLocal:" + local.getTimestamp().getLongValue() + ","
                    + (local.getLocalOffset() == null
                            ? ""
                            : local.getLocalOffset().getVal()) + ","
                    + (local.getSeasonTimeOffset() == null
                            ? ""
                            : local.getSeasonTimeOffset().getVal());
        }
        if (!(t.getChoice() instanceof Unsigned32 u)) {
            return null;
        }
        return switch (t.getTag().getVal()) {
            case SmlTime.SECINDEX -> "secIndex:" + u.getLongValue();
            case SmlTime.TIMESTAMP -> "timestamp:" + u.getLongValue();
            default -> null;
        };
    }
}
