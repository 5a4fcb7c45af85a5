package org.gridshare.drivers.ble;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, private {@code dbus-daemon} (Debian package {@code dbus-daemon}) with the session bus policy,
 * listening on a socket in a temporary directory: tests export BlueZ's objects on it and run the real
 * bluez-dbus / dbus-java client against it.
 */
public final class PrivateDbusDaemon implements AutoCloseable {

    public final String address;
    private final Process process;
    private final Path dir;

    private PrivateDbusDaemon(Process process, String address, Path dir) {
        this.process = process;
        this.address = address;
        this.dir = dir;
    }

    /** The dbus-daemon executable; fails under CI (which installs it), skips elsewhere. */
    static String requireDbusDaemon() {
        for (String d : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin")
                .split(File.pathSeparator)) {
            File f = new File(d, "dbus-daemon");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        String message = "dbus-daemon is not installed; install it with: apt-get install dbus-daemon";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " -- CI installs it, so its absence here is an error");
        }
        Assumptions.abort(message + " -- skipping the D-Bus case");
        return null;
    }

    /** Starts the daemon and waits (bounded) for the address it prints. */
    public static PrivateDbusDaemon start() throws IOException {
        String exe = requireDbusDaemon();
        Path dir = Files.createTempDirectory("gridshare-dbus");
        String listen = "unix:path=" + dir.resolve("bus");
        Process p = new ProcessBuilder(
                        exe, "--session", "--nofork", "--nopidfile", "--address=" + listen, "--print-address=1")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> printed = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return out.readLine();
                    } catch (IOException ex) {
                        return null;
                    }
                },
                r -> Thread.ofVirtual().start(r));
        String address;
        try {
            address = printed.get(10, TimeUnit.SECONDS);
        } catch (Exception ex) {
            address = null;
        }
        if (address == null || !address.startsWith("unix:")) {
            p.destroyForcibly();
            throw new IOException("dbus-daemon did not print its address (got " + address + ")");
        }
        return new PrivateDbusDaemon(p, address.strip(), dir);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // still remove the socket directory below
            process.destroyForcibly();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
