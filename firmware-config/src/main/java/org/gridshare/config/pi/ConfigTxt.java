package org.gridshare.config.pi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The settings of a Raspberry Pi {@code config.txt}, {@code include}d files followed, each with the
 * conditional section ({@code [pi4]}, {@code [cm4]}, ...) it stands in. Lines before any section and
 * under {@code [all]} apply to every board; {@code [none]} to none.
 */
final class ConfigTxt {

    private static final int MAX_INCLUDE_DEPTH = 8;

    /** One {@code key=value} line, where it was written and under which section. */
    record Setting(String key, String value, String section, Path file, int line) {
        boolean unconditional() {
            return section.equals("all");
        }

        String where() {
            return file + ":" + line + (unconditional() ? "" : " (under [" + section + "])");
        }
    }

    private final List<Setting> settings;

    private ConfigTxt(List<Setting> settings) {
        this.settings = List.copyOf(settings);
    }

    static ConfigTxt read(Path file) throws IOException {
        List<Setting> out = new ArrayList<>();
        read(file, "all", out, 0);
        return new ConfigTxt(out);
    }

    private static String read(Path file, String section, List<Setting> out, int depth) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String current = section;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            int hash = l.indexOf('#');
            if (hash >= 0) {
                l = l.substring(0, hash).strip();
            }
            if (l.isEmpty()) {
                continue;
            }
            if (l.startsWith("[") && l.endsWith("]")) {
                current = l.substring(1, l.length() - 1).strip().toLowerCase(java.util.Locale.ROOT);
            } else if (l.startsWith("include ") && depth < MAX_INCLUDE_DEPTH) {
                Path included =
                        file.resolveSibling(l.substring("include ".length()).strip());
                // the firmware skips a missing include silently; so do we
                if (Files.isReadable(included)) {
                    current = read(included, current, out, depth + 1);
                }
            } else {
                int eq = l.indexOf('=');
                if (eq > 0) {
                    out.add(new Setting(
                            l.substring(0, eq).strip(), l.substring(eq + 1).strip(), current, file, i + 1));
                }
            }
        }
        return current;
    }

    /** The last setting of {@code key} that applies to every board, if any. */
    Optional<Setting> last(String key) {
        Setting found = null;
        for (Setting s : settings) {
            if (s.key().equals(key) && s.unconditional()) {
                found = s;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Every setting of {@code key}, in file order, conditional ones included (not {@code [none]}). */
    List<Setting> all(String key) {
        return settings.stream()
                .filter(s -> s.key().equals(key) && !s.section().equals("none"))
                .toList();
    }
}
