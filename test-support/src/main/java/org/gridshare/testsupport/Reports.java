package org.gridshare.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Where benchmarks, harnesses and fault tests leave their figures: {@code <module>/target/reports/}, one file per
 * figure, so {@code docs/benchmarks.md} can name the file each table is read from. A report replaces the previous
 * run's file of the same name (the file is the last run's figure, not a history).
 *
 * <p>The module is the one whose build holds the calling class: {@code target/reports} beside the {@code
 * target/test-classes} (or {@code target/classes}) it was loaded from. It is found from the caller, not from the
 * working directory, because {@code exec:java} and a reactor build run with the repository root as working
 * directory; and not from a class literal, so a harness that is renamed keeps writing to the same place.
 */
public final class Reports {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private Reports() {}

    /** The report directory of the caller's module; it is created by the first report written. */
    public static Path directory() {
        return of(WALKER.getCallerClass()).path();
    }

    /** The path of report {@code fileName}, its directory created, for tools that write the file themselves (JMH). */
    public static Path file(String fileName) {
        return of(WALKER.getCallerClass()).file(fileName);
    }

    /** Replaces report {@code fileName} with {@code text}; returns its path. */
    public static Path write(String fileName, String text) {
        return of(WALKER.getCallerClass()).write(fileName, text);
    }

    /** Adds {@code text} at the end of report {@code fileName} (created when absent); returns its path. */
    public static Path append(String fileName, String text) {
        return of(WALKER.getCallerClass()).append(fileName, text);
    }

    /**
     * Prints a formatted line on standard output, as the harnesses always did, and replaces report {@code fileName}
     * with it. Formats with {@link Locale#ROOT} so a figure reads the same on every machine.
     */
    public static String printf(String fileName, String format, Object... args) {
        return of(WALKER.getCallerClass()).printf(fileName, format, args);
    }

    /** Like {@link #printf} but adds the line to report {@code fileName} (one line per measured part or run). */
    public static String appendf(String fileName, String format, Object... args) {
        return of(WALKER.getCallerClass()).appendf(fileName, format, args);
    }

    /** Reports in a directory the caller chooses (tests of this class, or a harness told where to write). */
    public static Directory in(Path directory) {
        return new Directory(directory);
    }

    /** The reports of the module whose build holds {@code owner}. */
    public static Directory of(Class<?> owner) {
        return new Directory(targetOf(owner).resolve("reports"));
    }

    /** One report directory. */
    public record Directory(Path path) {
        /** The path of report {@code fileName}, the directory created. */
        public Path file(String fileName) {
            try {
                Files.createDirectories(path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the report directory " + path, e);
            }
            Path file = path.resolve(fileName).normalize();
            if (!path.normalize().equals(file.getParent())) {
                throw new IllegalArgumentException("report name " + fileName + " must be a plain file name in " + path);
            }
            return file;
        }

        /** Replaces report {@code fileName} with {@code text}. */
        public Path write(String fileName, String text) {
            Path file = file(fileName);
            try {
                Files.writeString(file, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write report " + file, e);
            }
            return file;
        }

        /** Adds {@code text} at the end of report {@code fileName}. */
        public Path append(String fileName, String text) {
            Path file = file(fileName);
            try {
                Files.writeString(
                        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to report " + file, e);
            }
            return file;
        }

        /** Prints the formatted text ({@link Locale#ROOT}) and replaces report {@code fileName} with it. */
        @SuppressWarnings("AnnotateFormatMethod") // tests call it with literal formats; no annotations jar here
        public String printf(String fileName, String format, Object... args) {
            String text = String.format(Locale.ROOT, format, args);
            System.out.print(text);
            write(fileName, text);
            return text;
        }

        /** Prints the formatted text ({@link Locale#ROOT}) and adds it to report {@code fileName}. */
        @SuppressWarnings("AnnotateFormatMethod") // tests call it with literal formats; no annotations jar here
        public String appendf(String fileName, String format, Object... args) {
            String text = String.format(Locale.ROOT, format, args);
            System.out.print(text);
            append(fileName, text);
            return text;
        }
    }

    private static Path targetOf(Class<?> owner) {
        var source = owner.getProtectionDomain().getCodeSource();
        if (source != null) {
            try {
                Path classes = Path.of(source.getLocation().toURI());
                Path target = classes.getParent();
                if (Files.isDirectory(classes)
                        && target != null
                        && target.getFileName().toString().equals("target")) {
                    return target;
                }
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a file location (a jar in a remote repository, a custom loader): fall back below
            }
        }
        // Surefire and Failsafe set basedir to the module directory; a plain JVM has only its working directory
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .resolve("target");
    }
}
