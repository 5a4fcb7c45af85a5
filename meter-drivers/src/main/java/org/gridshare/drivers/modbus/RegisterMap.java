package org.gridshare.drivers.modbus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A meter's Modbus register map as data (one CSV per model under this package's resources): register
 * address, value type, word order, the OBIS code the value means and its unit. Interpreted by
 * {@link RegisterDecoder}; no per-meter code.
 */
public record RegisterMap(String model, List<Entry> entries) {

    /** How the registers of one value are laid out. */
    public enum Type {
        FLOAT32(2),
        INT16(1),
        UINT16(1),
        INT32(2),
        UINT32(2);

        final int words;

        Type(int words) {
            this.words = words;
        }
    }

    /** One value: {@code words} registers from {@code address}; {@code highWordFirst} is the word order. */
    public record Entry(int address, Type type, boolean highWordFirst, String obis, String unit) {}

    public RegisterMap {
        entries = List.copyOf(entries);
    }

    /** Eastron SDM120 single-phase meter. */
    public static RegisterMap sdm120() {
        return load("sdm120");
    }

    /** Eastron SDM630 three-phase meter. */
    public static RegisterMap sdm630() {
        return load("sdm630");
    }

    /** Loads {@code <model>.csv} from this package's resources. */
    public static RegisterMap load(String model) {
        List<Entry> entries = new ArrayList<>();
        try (InputStream in = RegisterMap.class.getResourceAsStream(model + ".csv")) {
            if (in == null) {
                throw new IllegalArgumentException("no register map for '" + model + "'");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(";", -1);
                entries.add(new Entry(
                        Integer.decode(f[0]),
                        Type.valueOf(f[1].toUpperCase(Locale.ROOT)),
                        f[2].equals("big"),
                        f[3],
                        f[4].isEmpty() ? null : f[4]));
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return new RegisterMap(model, entries);
    }

    /** Lowest address used. */
    public int firstAddress() {
        return entries.stream().mapToInt(Entry::address).min().orElse(0);
    }

    /** One past the highest register used. */
    public int endAddress() {
        return entries.stream()
                .mapToInt(e -> e.address() + e.type().words)
                .max()
                .orElse(0);
    }
}
