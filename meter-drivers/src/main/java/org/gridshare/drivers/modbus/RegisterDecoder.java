package org.gridshare.drivers.modbus;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.StatusFlag;
import org.gridshare.drivers.obis.ElectricityRegisters;

/**
 * Pure: register words (address to 16-bit value) plus a {@link RegisterMap} give a reading. A float32
 * value is written as the shortest decimal that identifies it ({@link Float#toString}), i.e. what the
 * meter's display shows, never through a double; NaN and infinities are IMPOSSIBLE_VALUE.
 */
public final class RegisterDecoder {

    private RegisterDecoder() {}

    /**
     * Decodes the registers of one poll into a reading.
     *
     * @param words register address to unsigned 16-bit value, for every register the map uses
     * @param meterId the id the installer configured (Modbus has no standard id register), or null
     */
    public static NormalizedReading decode(RegisterMap map, Map<Integer, Integer> words, String meterId)
            throws DecodeException {
        Map<String, ObisValue> obis = new LinkedHashMap<>();
        for (RegisterMap.Entry e : map.entries()) {
            long raw = 0;
            for (int i = 0; i < e.type().words; i++) {
                int address = e.address() + (e.highWordFirst() ? i : e.type().words - 1 - i);
                Integer w = words.get(address);
                if (w == null) {
                    throw new DecodeException(
                            Kind.TRUNCATED,
                            String.format("register 0x%04X not read", address),
                            e.obis(),
                            null,
                            address);
                }
                if (w < 0 || w > 0xFFFF) {
                    throw new DecodeException(
                            Kind.MALFORMED, "register value " + w + " is not 16 bits", e.obis(), null, address);
                }
                raw = (raw << 16) | w;
            }
            obis.put(e.obis(), new ObisValue(text(e, raw), e.unit()));
        }
        Set<StatusFlag> status = EnumSet.of(StatusFlag.CLOCK_UNSYNCHRONISED);
        ElectricityRegisters registers = ElectricityRegisters.of(obis);
        return new NormalizedReading(
                "modbus",
                map.model(),
                meterId,
                null,
                registers.importMilliWh(),
                registers.exportMilliWh(),
                registers.powerMilliW(),
                registers.phases(),
                obis,
                status,
                List.of(),
                List.of(),
                null);
    }

    private static String text(RegisterMap.Entry e, long raw) throws DecodeException {
        return switch (e.type()) {
            case FLOAT32 -> {
                float f = Float.intBitsToFloat((int) raw);
                if (Float.isNaN(f) || Float.isInfinite(f)) {
                    throw new DecodeException(
                            Kind.IMPOSSIBLE_VALUE, "float register holds " + f, e.obis(), null, e.address());
                }
                yield new BigDecimal(Float.toString(f)).toPlainString();
            }
            case INT16 -> Long.toString((short) raw);
            case UINT16, UINT32 -> Long.toString(raw);
            case INT32 -> Integer.toString((int) raw);
        };
    }
}
