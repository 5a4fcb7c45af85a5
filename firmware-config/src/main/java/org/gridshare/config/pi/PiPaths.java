package org.gridshare.config.pi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where {@link PiSetupCheck} looks: a live system ({@link #of(Path)} with {@code /}) or a copy of one
 * (an SD card image mounted elsewhere, a test directory).
 *
 * @param configTxt the firmware's {@code config.txt}
 * @param cmdlineTxt the kernel command line file beside it
 * @param model the board's model string ({@code /proc/device-tree/model}); may be absent off a Pi
 * @param groupFile {@code /etc/group}
 * @param dev the device directory ({@code /dev}), holding {@code serial/by-id} and the ports
 * @param udevRuleFiles where gridshare's udev rule may be installed, in udev's order of precedence
 */
public record PiPaths(Path configTxt, Path cmdlineTxt, Path model, Path groupFile, Path dev, List<Path> udevRuleFiles) {

    /** The installed rule's file name (the Debian package puts it in /usr/lib/udev/rules.d). */
    public static final String UDEV_RULE_NAME = "99-gridshare-meter.rules";

    public PiPaths {
        udevRuleFiles = List.copyOf(udevRuleFiles);
    }

    /**
     * The usual places under {@code root}: {@code boot/firmware/config.txt} (Raspberry Pi OS bookworm and
     * later) when it exists, else {@code boot/config.txt}.
     */
    public static PiPaths of(Path root) {
        Path boot = Files.exists(root.resolve("boot/firmware/config.txt"))
                ? root.resolve("boot/firmware")
                : root.resolve("boot");
        return new PiPaths(
                boot.resolve("config.txt"),
                boot.resolve("cmdline.txt"),
                root.resolve("proc/device-tree/model"),
                root.resolve("etc/group"),
                root.resolve("dev"),
                List.of(
                        root.resolve("etc/udev/rules.d").resolve(UDEV_RULE_NAME),
                        root.resolve("usr/lib/udev/rules.d").resolve(UDEV_RULE_NAME),
                        root.resolve("lib/udev/rules.d").resolve(UDEV_RULE_NAME)));
    }
}
