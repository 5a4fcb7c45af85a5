package org.gridshare.config.pi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks a box's set-up for its meter and says, in plain words, what blocks reading it: the GPIO UART
 * not enabled in {@code config.txt}, Bluetooth holding the PL011 UART, the kernel console on the meter's
 * line, the agent's user outside {@code dialout} or {@code gpio}, a port named by plug order or not
 * there, the udev rule missing. Reads files only (never changes anything), so provision can run it
 * first and an image can be checked before it is flashed. Every finding names the file or device.
 */
public final class PiSetupCheck {

    /** Overlays that give the PL011 to the GPIO pins ({@code pi3-} names are the pre-2020 aliases). */
    private static final List<String> PL011_OVERLAYS =
            List.of("disable-bt", "miniuart-bt", "pi3-disable-bt", "pi3-miniuart-bt");

    /** Boards whose PL011 goes to Bluetooth unless an overlay says otherwise. */
    private static final List<String> BLUETOOTH_ON_PL011 = List.of(
            "Raspberry Pi 3",
            "Raspberry Pi 4",
            "Raspberry Pi 400",
            "Raspberry Pi Zero W",
            "Raspberry Pi Zero 2",
            "Raspberry Pi Compute Module 4");

    private PiSetupCheck() {}

    /**
     * Runs every check that applies to the meter's connection.
     *
     * @param paths where the system's files are
     * @param user the user the agent runs as (the package's {@code gridshare})
     * @param port the meter's serial port as configured ({@code meter.port}), or null for meters without
     *     one (Modbus TCP, BTHome, S0)
     * @param gpioPulses whether the meter is read from GPIO pins (S0 pulses)
     * @return the findings, blockers first
     */
    public static List<Finding> check(PiPaths paths, String user, String port, boolean gpioPulses) {
        List<Finding> out = new ArrayList<>();
        if (port != null) {
            if (isGpioUart(port)) {
                checkUart(paths, port, out);
            } else {
                checkUsb(paths, port, out);
            }
            checkGroup(paths, user, "dialout", "the serial line " + port, out);
        }
        if (gpioPulses) {
            checkGroup(paths, user, "gpio", "the GPIO chips (/dev/gpiochip*)", out);
        }
        out.sort((a, b) -> a.severity().compareTo(b.severity()));
        return List.copyOf(out);
    }

    /** Whether any finding blocks commissioning. */
    public static boolean blocks(List<Finding> findings) {
        return findings.stream().anyMatch(f -> f.severity() == Finding.Severity.BLOCKER);
    }

    static boolean isGpioUart(String port) {
        return port.equals("/dev/serial0") || port.startsWith("/dev/ttyAMA") || port.equals("/dev/ttyS0");
    }

    private static void checkUart(PiPaths paths, String port, List<Finding> out) {
        ConfigTxt config;
        try {
            config = ConfigTxt.read(paths.configTxt());
        } catch (IOException e) {
            out.add(Finding.blocker(
                    "config.txt",
                    "cannot read " + paths.configTxt() + " (" + e.getMessage() + "): the GPIO UART cannot be checked",
                    "check the boot partition is mounted, or give the path of config.txt"));
            return;
        }
        String snippet = String.join(", ", PiSetup.configTxtLines());
        Optional<ConfigTxt.Setting> uart = config.last("enable_uart");
        if (uart.isPresent() && uart.get().value().equals("1")) {
            out.add(Finding.ok("uart", "the GPIO UART is enabled (" + uart.get().where() + ")"));
        } else if (uart.isPresent()) {
            out.add(Finding.blocker(
                    "uart",
                    "the GPIO UART is switched off: enable_uart=" + uart.get().value() + " at "
                            + uart.get().where(),
                    "set enable_uart=1 in " + paths.configTxt() + " and reboot"));
        } else {
            List<ConfigTxt.Setting> conditional = config.all("enable_uart");
            out.add(Finding.blocker(
                    "uart",
                    conditional.isEmpty()
                            ? "the GPIO UART is not enabled: " + paths.configTxt() + " has no enable_uart=1"
                            : "enable_uart is set only for some boards: "
                                    + conditional.get(0).where(),
                    "add under [all] in " + paths.configTxt() + ": " + snippet + "; then reboot"));
        }
        String model = model(paths);
        if (model != null && BLUETOOTH_ON_PL011.stream().noneMatch(model::startsWith)) {
            out.add(Finding.ok("bluetooth", model + " does not give its PL011 UART to Bluetooth"));
        } else if (hasPl011Overlay(config)) {
            out.add(Finding.ok(
                    "bluetooth", "Bluetooth is off the PL011 UART (dtoverlay in " + paths.configTxt() + ")"));
        } else {
            out.add(Finding.blocker(
                    "bluetooth",
                    (model == null ? "this board" : model)
                            + " gives its PL011 UART to Bluetooth, so " + port
                            + " is the mini UART, whose baud rate drifts with the core clock and garbles telegrams",
                    "add dtoverlay=disable-bt (or dtoverlay=miniuart-bt to keep Bluetooth) under [all] in "
                            + paths.configTxt() + ", run systemctl disable hciuart, and reboot"));
        }
        if (port.equals("/dev/ttyS0")) {
            out.add(Finding.blocker(
                    "port",
                    "/dev/ttyS0 is the mini UART: its baud rate is not stable, and the agent's unit allows only"
                            + " /dev/ttyAMA*, /dev/ttyUSB* and /dev/ttyACM*",
                    "use /dev/serial0 with dtoverlay=disable-bt, which puts the PL011 (/dev/ttyAMA0) on the pins"));
        }
        checkConsole(paths, out);
    }

    private static boolean hasPl011Overlay(ConfigTxt config) {
        for (ConfigTxt.Setting s : config.all("dtoverlay")) {
            String name = s.value().split(",", 2)[0].strip();
            if (s.unconditional() && PL011_OVERLAYS.contains(name)) {
                return true;
            }
        }
        return false;
    }

    private static void checkConsole(PiPaths paths, List<Finding> out) {
        if (!Files.isReadable(paths.cmdlineTxt())) {
            out.add(Finding.warning(
                    "console",
                    "cannot read " + paths.cmdlineTxt() + ": whether the kernel console uses the UART is unknown",
                    "make sure cmdline.txt has no console=serial0,... entry"));
            return;
        }
        String cmdline;
        try {
            cmdline =
                    Files.readString(paths.cmdlineTxt(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            out.add(Finding.warning("console", "cannot read " + paths.cmdlineTxt() + ": " + e.getMessage(), ""));
            return;
        }
        List<String> serialConsoles = Arrays.stream(cmdline.split("\\s+"))
                .filter(a -> a.startsWith("console=serial")
                        || a.startsWith("console=ttyAMA")
                        || a.startsWith("console=ttyS"))
                .toList();
        if (serialConsoles.isEmpty()) {
            out.add(Finding.ok("console", "the kernel console is not on the UART (" + paths.cmdlineTxt() + ")"));
        } else {
            out.add(
                    Finding.blocker(
                            "console",
                            "the kernel writes its console and a login prompt to the meter's line: "
                                    + String.join(" ", serialConsoles) + " in " + paths.cmdlineTxt(),
                            "remove " + String.join(" ", serialConsoles) + " from " + paths.cmdlineTxt()
                                    + " (raspi-config: Interface Options > Serial Port: login shell No, hardware Yes), reboot"));
        }
    }

    private static void checkUsb(PiPaths paths, String port, List<Finding> out) {
        Path byId = paths.dev().resolve("serial/by-id");
        Map<String, String> adapters = byIdNames(byId);
        String kernelName = kernelName(port);
        if (kernelName != null) {
            List<String> stable = adapters.entrySet().stream()
                    .filter(e -> e.getValue().equals(kernelName))
                    .map(e -> "/dev/serial/by-id/" + e.getKey())
                    .toList();
            if (!Files.exists(paths.dev().resolve(kernelName))) {
                out.add(Finding.blocker(
                        "port", port + " is not there" + connected(adapters), "plug the cable in, or name its port"));
            } else {
                out.add(Finding.warning(
                        "port",
                        port + " is numbered in plug order and can change at the next boot",
                        stable.isEmpty()
                                ? "name the port by /dev/gridshare/... (the udev rule) or /dev/serial/by-path/..."
                                : "set meter.port: " + stable.get(0)));
            }
        } else if (!Files.exists(resolve(paths, port))) {
            out.add(Finding.blocker(
                    "port", port + " is not there" + connected(adapters), "plug the cable in, or name its port"));
        } else {
            out.add(Finding.ok("port", port + " is present, by a name that stays"));
        }
        if (paths.udevRuleFiles().stream().anyMatch(Files::isRegularFile)) {
            out.add(Finding.ok("udev", "the udev rule " + PiPaths.UDEV_RULE_NAME + " is installed"));
        } else {
            out.add(Finding.warning(
                    "udev",
                    "the udev rule " + PiPaths.UDEV_RULE_NAME + " is not installed: the adapter gets no /dev/gridshare/"
                            + " name and keeps the distribution's group and mode",
                    "install firmware-config/os/pi/" + PiPaths.UDEV_RULE_NAME
                            + " to /etc/udev/rules.d/ (the Debian package does), then udevadm control --reload"
                            + " && udevadm trigger --subsystem-match=tty"));
        }
    }

    /** A path under /dev in the checked tree (the paths may point into an image). */
    private static Path resolve(PiPaths paths, String port) {
        return port.startsWith("/dev/") ? paths.dev().resolve(port.substring("/dev/".length())) : Path.of(port);
    }

    private static String kernelName(String port) {
        return port.matches("/dev/tty(USB|ACM)\\d+") ? port.substring("/dev/".length()) : null;
    }

    private static String connected(Map<String, String> adapters) {
        return adapters.isEmpty()
                ? "; no USB serial adapter is connected (/dev/serial/by-id is empty)"
                : "; connected: "
                        + String.join(
                                ", ",
                                adapters.keySet().stream()
                                        .map(n -> "/dev/serial/by-id/" + n)
                                        .toList());
    }

    /** by-id link name → the kernel name it points to (ttyUSB0). */
    private static Map<String, String> byIdNames(Path byId) {
        TreeMap<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(byId)) {
            return out;
        }
        try (DirectoryStream<Path> links = Files.newDirectoryStream(byId)) {
            for (Path link : links) {
                String target = Files.isSymbolicLink(link)
                        ? Files.readSymbolicLink(link).getFileName().toString()
                        : link.getFileName().toString();
                out.put(link.getFileName().toString(), target);
            }
        } catch (IOException e) {
            // an unreadable directory shows as no adapters; the port finding then says what is missing
            return out;
        }
        return out;
    }

    private static void checkGroup(PiPaths paths, String user, String group, String what, List<Finding> out) {
        List<String> lines;
        try {
            lines = Files.readAllLines(paths.groupFile(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            out.add(Finding.blocker(
                    "group",
                    "cannot read " + paths.groupFile() + ": whether " + user + " may use " + what + " is unknown",
                    ""));
            return;
        }
        for (String line : lines) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && f[0].equals(group)) {
                if (Arrays.asList(f[3].split(",")).contains(user)) {
                    out.add(Finding.ok("group", user + " is in group " + group + " (" + what + ")"));
                } else {
                    out.add(Finding.blocker(
                            "group",
                            user + " is not in group " + group + ", so the agent cannot open " + what,
                            "usermod -aG " + group + " " + user + " (the package's sysusers.d entry does this), then"
                                    + " restart the agent"));
                }
                return;
            }
        }
        out.add(Finding.blocker(
                "group",
                "group " + group + " does not exist in " + paths.groupFile() + ", so " + what
                        + " has no group to share",
                "install the gridshare-agent package (its sysusers.d entry creates gpio) or groupadd --system "
                        + group));
    }

    private static String model(PiPaths paths) {
        try {
            // the device tree string ends with a NUL
            return Files.readString(paths.model(), StandardCharsets.US_ASCII)
                    .replace("\0", "")
                    .strip();
        } catch (IOException e) {
            return null;
        }
    }
}
