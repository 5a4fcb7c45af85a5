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
 */
public final class Reports {
    private final Path directory;

    private Reports(Path directory) {
        this.directory = directory;
    }

    /**
     * The reports of the module whose build holds {@code owner}: {@code target/reports} beside the {@code
     * target/test-classes} (or {@code target/classes}) it was loaded from. Found from the class, not the working
     * directory, because {@code exec:java} and a reactor build run with the repository root as working directory.
     */
    public static Reports of(Class<?> owner) {
        return new Reports(targetOf(owner).resolve("reports"));
    }

    /** Reports in {@code directory} (tests of this class, or a harness told where to write). */
    public static Reports in(Path directory) {
        return new Reports(directory);
    }

    /** The directory the reports go to; it is created by the first report written. */
    public Path directory() {
        return directory;
    }

    /** The path of report {@code fileName}, its directory created, for tools that write the file themselves (JMH). */
    public Path file(String fileName) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the report directory " + directory, e);
        }
        Path file = directory.resolve(fileName).normalize();
        if (!directory.equals(file.getParent())) {
            throw new IllegalArgumentException(
                    "report name " + fileName + " must be a plain file name in " + directory);
        }
        return file;
    }

    /** Replaces report {@code fileName} with {@code text}; returns its path. */
    public Path write(String fileName, String text) {
        Path file = file(fileName);
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + file, e);
        }
        return file;
    }

    /** Adds {@code text} at the end of report {@code fileName} (created when absent); returns its path. */
    public Path append(String fileName, String text) {
        Path file = file(fileName);
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to report " + file, e);
        }
        return file;
    }

    /**
     * Prints a formatted line on standard output, as the harnesses always did, and replaces report {@code fileName}
     * with it. Formats with {@link Locale#ROOT} so a figure reads the same on every machine.
     */
    public String printf(String fileName, String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        System.out.print(text);
        write(fileName, text);
        return text;
    }

    /** Like {@link #printf} but adds the line to report {@code fileName} (one line per measured part or run). */
    public String appendf(String fileName, String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        System.out.print(text);
        append(fileName, text);
        return text;
    }

    /** {@code Reports.of(owner).printf(...)}: one call, so a harness's print statement keeps its shape. */
    public static String printf(Class<?> owner, String fileName, String format, Object... args) {
        return of(owner).printf(fileName, format, args);
    }

    /** {@code Reports.of(owner).appendf(...)}. */
    public static String appendf(Class<?> owner, String fileName, String format, Object... args) {
        return of(owner).appendf(fileName, format, args);
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
