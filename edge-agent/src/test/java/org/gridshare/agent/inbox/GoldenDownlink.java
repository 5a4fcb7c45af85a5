package org.gridshare.agent.inbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The golden downlink messages of docs/protocol/downlink, as the backend sends them (without the file's final newline). */
public final class GoldenDownlink {
    private GoldenDownlink() {}

    public static byte[] bytes(String name) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("protocol").resolve("pom.xml"))) {
                try {
                    byte[] b = Files.readAllBytes(
                            d.resolve("docs/protocol/downlink").resolve(name));
                    return b.length > 0 && b[b.length - 1] == '\n' ? Arrays.copyOf(b, b.length - 1) : b;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException(
                "not inside the gridshare tree: " + Path.of("").toAbsolutePath());
    }
}
