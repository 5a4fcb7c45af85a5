package org.gridshare.config.pi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Raspberry Pi set-up a box needs, as data: the {@code config.txt} lines for a meter on the GPIO
 * UART and the udev rule for USB serial adapters. Both files live in {@code firmware-config/os/pi} (what
 * the Debian package and an installer copy) and are read here from the class path, so the checks and
 * the installed files cannot drift apart.
 */
public final class PiSetup {

    private static final Pattern ADAPTER =
            Pattern.compile("ATTRS\\{idVendor\\}==\"([0-9a-f]{4})\", ATTRS\\{idProduct\\}==\"([0-9a-f]{4})\","
                    + " ENV\\{GRIDSHARE_METER_CHIP\\}=\"([a-z0-9]+)\"");

    /** A USB serial adapter the udev rule knows, by its USB vendor and product id. */
    public record UsbSerialAdapter(String vendorId, String productId, String chip) {}

    private PiSetup() {}

    /** The {@code config.txt} snippet, comments included, as shipped in {@code os/pi/config.txt}. */
    public static String configTxt() {
        return resource("config.txt");
    }

    /** The snippet's settings without comments and blank lines, e.g. {@code enable_uart=1}. */
    public static List<String> configTxtLines() {
        List<String> lines = new ArrayList<>();
        for (String line : configTxt().lines().toList()) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                lines.add(l);
            }
        }
        return List.copyOf(lines);
    }

    /** The udev rule, as shipped in {@code os/pi/99-gridshare-meter.rules}. */
    public static String udevRule() {
        return resource(PiPaths.UDEV_RULE_NAME);
    }

    /** The adapters the udev rule matches, in the rule's order. */
    public static List<UsbSerialAdapter> adapters() {
        List<UsbSerialAdapter> out = new ArrayList<>();
        Matcher m = ADAPTER.matcher(udevRule());
        while (m.find()) {
            out.add(new UsbSerialAdapter(m.group(1), m.group(2), m.group(3)));
        }
        return List.copyOf(out);
    }

    private static String resource(String name) {
        try (InputStream in = PiSetup.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("org/gridshare/config/pi/" + name + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
