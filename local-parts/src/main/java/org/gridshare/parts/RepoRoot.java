package org.gridshare.parts;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds the gridshare checkout: the directory holding {@code mvnw} and {@code market-contracts/}. */
public final class RepoRoot {
    private RepoRoot() {}

    /**
     * Walks up from the working directory, then from where this class was loaded (a module's
     * {@code target/classes} or an installed jar under the checkout).
     *
     * @throws IllegalStateException naming the start points when no checkout encloses either
     */
    public static Path find() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of(System.getProperty("user.dir")).toAbsolutePath());
        codeSource().ifPresent(starts::add);
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                if (isRoot(dir)) {
                    return dir;
                }
            }
        }
        throw new IllegalStateException(
                "no gridshare checkout (a directory with mvnw and market-contracts/) above " + starts);
    }

    static boolean isRoot(Path dir) {
        return Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("market-contracts"));
    }

    private static Optional<Path> codeSource() {
        try {
            var source = RepoRoot.class.getProtectionDomain().getCodeSource();
            return source == null
                    ? Optional.empty()
                    : Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath());
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
