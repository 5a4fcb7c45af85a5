package org.gridshare.drivers.sunspec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.StatusFlag;
import org.gridshare.drivers.obis.ElectricityRegisters;
import org.gridshare.drivers.sunspec.SunSpecModel.Point;

/**
 * Pure: a model's register words give its points. Integer points are scaled by their scale-factor point
 * exactly ({@code raw × 10^sf} as a {@link BigDecimal}); float32 points are written as the shortest decimal
 * that identifies the float. SunSpec's "not implemented" values (int16 0x8000, uint16/enum16/bitfield16
 * 0xFFFF, acc16/acc32 0, int32 0x80000000, uint32/bitfield32 0xFFFFFFFF, sunssf 0x8000, float32 NaN,
 * an all-NUL string) make a point absent, and so does a point whose scale factor is not implemented:
 * never a value.
 */
public final class SunSpecDecoder {

    /** The scale factors the SunSpec specification allows. */
    static final int MIN_SF = -10;

    static final int MAX_SF = 10;

    private SunSpecDecoder() {}

    /**
     * Decodes one SunSpec model's registers.
     *
     * @param address register of {@code words[0]} (the model's first point), for error messages
     * @param words the model's registers after ID and L (its L registers)
     */
    public static SunSpecBlock decode(SunSpecModel model, int modelId, int address, int[] words)
            throws DecodeException {
        List<String> absent = new ArrayList<>();
        Map<String, Integer> scaleFactors = new HashMap<>();
        for (Point p : model.points()) {
            if (p.type() == SunSpecModel.Type.SUNSSF && p.offset() < words.length) {
                int sf = (short) word(words, p, 0, address);
                if ((sf & 0xFFFF) != 0x8000) {
                    if (sf < MIN_SF || sf > MAX_SF) {
                        throw new DecodeException(
                                Kind.IMPOSSIBLE_VALUE,
                                "scale factor " + sf + " outside " + MIN_SF + ".." + MAX_SF,
                                p.name(),
                                null,
                                address + p.offset());
                    }
                    scaleFactors.put(p.name(), sf);
                }
            }
        }
        Map<String, SunSpecBlock.Value> values = new LinkedHashMap<>();
        for (Point p : model.points()) {
            if (p.type() == SunSpecModel.Type.SUNSSF || p.type() == SunSpecModel.Type.PAD) {
                continue;
            }
            if (p.offset() + p.words() > words.length) {
                absent.add(p.name()); // the device's model is shorter (an older revision): not there
                continue;
            }
            SunSpecBlock.Value v = value(p, words, address, scaleFactors);
            if (v == null) {
                absent.add(p.name());
            } else {
                values.put(p.name(), v);
            }
        }
        return new SunSpecBlock(modelId, address, values, absent);
    }

    private static SunSpecBlock.Value value(Point p, int[] words, int address, Map<String, Integer> scaleFactors)
            throws DecodeException {
        if (p.type() == SunSpecModel.Type.STRING) {
            byte[] b = new byte[p.words() * 2];
            for (int i = 0; i < p.words(); i++) {
                int w = word(words, p, i, address);
                b[2 * i] = (byte) (w >>> 8);
                b[2 * i + 1] = (byte) w;
            }
            String s = new String(b, StandardCharsets.UTF_8);
            int nul = s.indexOf('\0');
            s = (nul >= 0 ? s.substring(0, nul) : s).strip();
            return s.isEmpty() ? null : new SunSpecBlock.Value(null, s, p.units());
        }
        long raw = 0;
        for (int i = 0; i < p.words(); i++) {
            raw = (raw << 16) | word(words, p, i, address);
        }
        if (notImplemented(p.type(), raw)) {
            return null;
        }
        if (p.type() == SunSpecModel.Type.FLOAT32) {
            float f = Float.intBitsToFloat((int) raw);
            if (Float.isInfinite(f)) {
                throw new DecodeException(
                        Kind.IMPOSSIBLE_VALUE, "float point holds " + f, p.name(), null, address + p.offset());
            }
            return new SunSpecBlock.Value(new BigDecimal(Float.toString(f)), null, p.units());
        }
        long signed = switch (p.type()) {
            case INT16 -> (short) raw;
            case INT32 -> (int) raw;
            default -> raw;
        };
        if (p.scaleFactor() == null) {
            return new SunSpecBlock.Value(BigDecimal.valueOf(signed), null, p.units());
        }
        Integer sf = scaleFactors.get(p.scaleFactor());
        if (sf == null) {
            return null; // a value without its scale factor has no meaning
        }
        return new SunSpecBlock.Value(new BigDecimal(BigInteger.valueOf(signed), -sf), null, p.units());
    }

    static boolean notImplemented(SunSpecModel.Type type, long raw) {
        return switch (type) {
            case INT16, SUNSSF -> raw == 0x8000L;
            case UINT16, ENUM16, BITFIELD16 -> raw == 0xFFFFL;
            case ACC16, ACC32 -> raw == 0L;
            case INT32 -> raw == 0x8000_0000L;
            case UINT32, ENUM32, BITFIELD32 -> raw == 0xFFFF_FFFFL;
            case FLOAT32 -> Float.isNaN(Float.intBitsToFloat((int) raw));
            case PAD, STRING -> false;
        };
    }

    private static int word(int[] words, Point p, int i, int address) throws DecodeException {
        int w = words[p.offset() + i];
        if (w < 0 || w > 0xFFFF) {
            throw new DecodeException(
                    Kind.MALFORMED,
                    "register value " + w + " is not 16 bits",
                    p.name(),
                    null,
                    address + p.offset() + i);
        }
        return w;
    }

    /**
     * The normalized reading of an inverter (101–103, 111–113) or meter (201–204) model: points with an
     * OBIS code, as decimals; meter id from the common model's serial number.
     *
     * @param common the device's model 1, or null
     */
    public static NormalizedReading toReading(SunSpecBlock common, SunSpecBlock measurement) throws DecodeException {
        SunSpecModel model = SunSpecModel.forId(measurement.modelId())
                .orElseThrow(() -> new DecodeException(
                        Kind.UNSUPPORTED,
                        "unknown SunSpec model " + measurement.modelId(),
                        null,
                        null,
                        measurement.address()));
        Map<String, ObisValue> obis = new LinkedHashMap<>();
        for (Point p : model.points()) {
            SunSpecBlock.Value v = measurement.get(p.name());
            if (v == null || p.obis() == null || v.number() == null) {
                continue;
            }
            if (v.number().signum() < 0 && p.obisNegative() != null) {
                obis.put(p.obisNegative(), new ObisValue(v.number().negate().toPlainString(), p.units()));
            } else {
                obis.put(p.obis(), new ObisValue(v.number().toPlainString(), p.units()));
            }
        }
        ElectricityRegisters registers = ElectricityRegisters.of(obis);
        String serial = common == null || common.get("SN") == null
                ? null
                : common.get("SN").text();
        return new NormalizedReading(
                "sunspec",
                "model " + measurement.modelId(),
                serial,
                null,
                registers.importMilliWh(),
                registers.exportMilliWh(),
                registers.powerMilliW(),
                registers.phases(),
                obis,
                EnumSet.of(StatusFlag.CLOCK_UNSYNCHRONISED),
                List.of(),
                List.of(),
                null);
    }
}
