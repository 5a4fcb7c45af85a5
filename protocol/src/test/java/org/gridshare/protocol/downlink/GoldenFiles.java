package org.gridshare.protocol.downlink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** The committed golden downlink messages, {@code docs/protocol/downlink/*.json}, found from the project root or a module. */
final class GoldenFiles {
    static final Path DIR = locate();

    private GoldenFiles() {}

    private static Path locate() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("protocol").resolve("pom.xml"))) {
                return d.resolve("docs").resolve("protocol").resolve("downlink");
            }
        }
        throw new IllegalStateException(
                "not inside the gridshare tree: " + Path.of("").toAbsolutePath());
    }

    /** Every golden file name. */
    static List<String> names() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The message bytes: the file without its final newline (kept for editors, not part of the message). */
    static byte[] bytes(String name) {
        try {
            byte[] b = Files.readAllBytes(DIR.resolve(name));
            return b.length > 0 && b[b.length - 1] == '\n' ? Arrays.copyOf(b, b.length - 1) : b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
