package org.gridshare.drivers.sunspec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A SunSpec information model as data (one CSV per layout under this package's resources): the point
 * offsets, types, scale-factor points, units and the OBIS code a point means. Interpreted by
 * {@link SunSpecDecoder}; no per-model code.
 *
 * @param layout the resource name ({@code inverter-int}, {@code meter-int}, ...)
 * @param ids the model ids sharing this layout
 * @param points in offset order, offsets counted from the register after the model's ID and L
 */
public record SunSpecModel(String layout, Set<Integer> ids, List<Point> points) {

    /** Point types of the SunSpec information model, with their "not implemented" value. */
    public enum Type {
        UINT16(1),
        INT16(1),
        ACC16(1),
        ENUM16(1),
        BITFIELD16(1),
        SUNSSF(1),
        PAD(1),
        UINT32(2),
        INT32(2),
        ACC32(2),
        ENUM32(2),
        BITFIELD32(2),
        FLOAT32(2),
        STRING(0);

        final int words;

        Type(int words) {
            this.words = words;
        }
    }

    /**
     * One point.
     *
     * @param words registers it occupies
     * @param scaleFactor name of the sunssf point that scales it, or null
     * @param obis OBIS code of a positive (or any) value, or null when it has none
     * @param obisNegative OBIS code of a negative value with the sign turned, or null
     */
    public record Point(
            int offset,
            String name,
            Type type,
            int words,
            String scaleFactor,
            String units,
            String obis,
            String obisNegative) {}

    /** Every layout this module knows. */
    public static final List<SunSpecModel> KNOWN =
            List.of(load("common"), load("inverter-int"), load("inverter-float"), load("meter-int"));

    public SunSpecModel {
        ids = Set.copyOf(ids);
        points = List.copyOf(points);
    }

    /** The layout of model {@code id}, if known. */
    public static Optional<SunSpecModel> forId(int id) {
        return KNOWN.stream().filter(m -> m.ids().contains(id)).findFirst();
    }

    /** Registers the points cover. */
    public int length() {
        return points.stream().mapToInt(p -> p.offset() + p.words()).max().orElse(0);
    }

    /** Loads {@code <layout>.csv} from this package's resources. */
    public static SunSpecModel load(String layout) {
        List<Point> points = new ArrayList<>();
        Set<Integer> ids = Set.of();
        try (InputStream in = SunSpecModel.class.getResourceAsStream(layout + ".csv")) {
            if (in == null) {
                throw new IllegalArgumentException("no SunSpec layout '" + layout + "'");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("# models;")) {
                    ids = Arrays.stream(line.substring(9).split(","))
                            .map(String::trim)
                            .map(Integer::valueOf)
                            .collect(Collectors.toSet());
                }
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(";", -1);
                String[] t = f[2].split(":", -1);
                Type type = Type.valueOf(t[0].toUpperCase(Locale.ROOT));
                int words = type == Type.STRING ? Integer.parseInt(t[1]) : type.words;
                String[] obis = f[5].isEmpty() ? new String[] {null, null} : (f[5] + "|").split("\\|", -1);
                points.add(new Point(
                        Integer.parseInt(f[0]), f[1], type, words, blank(f[3]), blank(f[4]), obis[0], blank(obis[1])));
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        if (ids.isEmpty()) {
            throw new IllegalStateException("SunSpec layout '" + layout + "' names no model ids");
        }
        return new SunSpecModel(layout, ids, points);
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
