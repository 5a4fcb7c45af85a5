package org.gridshare.drivers.obis;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.PhaseReading;

/**
 * Derives the normalized electricity totals from OBIS values as sent. The mapping is data (the tables
 * below), shared by every protocol that speaks OBIS: DSMR, SML and IEC 62056-21.
 *
 * <p>Only electricity codes (A = 1) count, any channel B; the first occurrence of a code in frame order
 * wins. Values are converted exactly; a fraction finer than one milli-unit is cut toward zero (as a
 * register display cuts digits). A unit that is not an energy/power/voltage/current unit on such a
 * register is an {@link DecodeException.Kind#UNSUPPORTED} error, a negative cumulative register an
 * {@link DecodeException.Kind#IMPOSSIBLE_VALUE}: never a guessed conversion.
 */
public final class ElectricityRegisters {

    /** What a register measures, with its accepted units and their factor to the milli-unit. */
    private enum Quantity {
        ENERGY(Map.of("kWh", 1_000_000L, "Wh", 1_000L, "MWh", 1_000_000_000L)),
        POWER(Map.of("kW", 1_000_000L, "W", 1_000L, "MW", 1_000_000_000L)),
        VOLTAGE(Map.of("V", 1_000L, "kV", 1_000_000L)),
        CURRENT(Map.of("A", 1_000L, "mA", 1L));

        // every constant passes Map.of(...), which cannot be modified
        @SuppressWarnings("ImmutableEnumChecker")
        final Map<String, Long> factors;

        Quantity(Map<String, Long> factors) {
            this.factors = factors;
        }
    }

    /** C.D.E of the per-phase registers: voltage, current, import power, export power, signed power. */
    private static final int[][] PHASE_C = {{32, 31, 21, 22, 36}, {52, 51, 41, 42, 56}, {72, 71, 61, 62, 76}};

    private final List<Map.Entry<ObisCode, ObisValue>> values;

    private ElectricityRegisters(List<Map.Entry<ObisCode, ObisValue>> values) {
        this.values = values;
    }

    /** Reads the registers out of an OBIS map keyed {@code A-B:C.D.E}; other keys are ignored. */
    public static ElectricityRegisters of(Map<String, ObisValue> obis) {
        List<Map.Entry<ObisCode, ObisValue>> list = new ArrayList<>();
        for (Map.Entry<String, ObisValue> e : obis.entrySet()) {
            // keys with *F are stored (historical) values, never the current register
            ObisCode code = e.getKey().indexOf('*') >= 0 ? null : ObisCode.parse(e.getKey());
            if (code != null && code.a() == 1) {
                list.add(Map.entry(code, e.getValue()));
            }
        }
        return new ElectricityRegisters(list);
    }

    /** Sum of import tariffs 1.8.1..1.8.9, else 1.8.0, else null. */
    public Long importMilliWh() throws DecodeException {
        return cumulative(1);
    }

    /** Sum of export tariffs 2.8.1..2.8.9, else 2.8.0, else null. */
    public Long exportMilliWh() throws DecodeException {
        return cumulative(2);
    }

    /** 1.7.0 minus 2.7.0 (either alone when only one is sent), else the signed sum 16.7.0, else null. */
    public Long powerMilliW() throws DecodeException {
        Long in = milli(1, 7, 0, Quantity.POWER, false);
        Long out = milli(2, 7, 0, Quantity.POWER, false);
        if (in != null || out != null) {
            return Math.subtractExact(in == null ? 0 : in, out == null ? 0 : out);
        }
        return milli(16, 7, 0, Quantity.POWER, true);
    }

    /** Phases 1..3 that have at least one value. */
    public List<PhaseReading> phases() throws DecodeException {
        List<PhaseReading> out = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            int[] c = PHASE_C[p];
            Long imp = milli(c[2], 7, 0, Quantity.POWER, false);
            Long exp = milli(c[3], 7, 0, Quantity.POWER, false);
            if (imp == null && exp == null) {
                Long signed = milli(c[4], 7, 0, Quantity.POWER, true);
                if (signed != null) {
                    imp = Math.max(signed, 0);
                    exp = Math.max(-signed, 0);
                }
            }
            PhaseReading r = new PhaseReading(
                    p + 1,
                    milli(c[0], 7, 0, Quantity.VOLTAGE, false),
                    milli(c[1], 7, 0, Quantity.CURRENT, true),
                    imp,
                    exp);
            if (!r.isEmpty()) {
                out.add(r);
            }
        }
        return out;
    }

    private Long cumulative(int c) throws DecodeException {
        Long sum = null;
        for (int tariff = 1; tariff <= 9; tariff++) {
            Long v = milli(c, 8, tariff, Quantity.ENERGY, false);
            if (v != null) {
                sum = sum == null ? v : Math.addExact(sum, v);
            }
        }
        return sum != null ? sum : milli(c, 8, 0, Quantity.ENERGY, false);
    }

    private Long milli(int c, int d, int e, Quantity q, boolean signed) throws DecodeException {
        for (Map.Entry<ObisCode, ObisValue> entry : values) {
            if (entry.getKey().is(c, d, e)) {
                return convert(entry.getKey().toString(), entry.getValue(), q, signed);
            }
        }
        return null;
    }

    private static Long convert(String code, ObisValue v, Quantity q, boolean signed) throws DecodeException {
        BigDecimal number = v.decimal()
                .orElseThrow(() -> new DecodeException(
                        DecodeException.Kind.MALFORMED,
                        "value '" + v.value() + "' is not a decimal number",
                        code,
                        null,
                        -1));
        Long factor = v.unit() == null ? null : q.factors.get(v.unit());
        if (factor == null) {
            throw new DecodeException(
                    DecodeException.Kind.UNSUPPORTED,
                    "unit '" + v.unit() + "' is not one of " + q.factors.keySet() + " for a "
                            + q.name().toLowerCase(java.util.Locale.ROOT) + " register",
                    code,
                    null,
                    -1);
        }
        if (!signed && number.signum() < 0) {
            throw new DecodeException(
                    DecodeException.Kind.IMPOSSIBLE_VALUE,
                    "negative value " + v.value() + " " + v.unit(),
                    code,
                    null,
                    -1);
        }
        try {
            return number.multiply(BigDecimal.valueOf(factor))
                    .setScale(0, RoundingMode.DOWN)
                    .longValueExact();
        } catch (ArithmeticException ex) {
            throw new DecodeException(
                    DecodeException.Kind.IMPOSSIBLE_VALUE,
                    "value " + v.value() + " " + v.unit() + " overflows",
                    code,
                    null,
                    -1);
        }
    }
}
