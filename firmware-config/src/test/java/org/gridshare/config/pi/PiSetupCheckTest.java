package org.gridshare.config.pi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.gridshare.config.pi.Finding.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PiSetupCheckTest {

    @TempDir
    Path root;

    private PiPaths paths;

    /** A Pi 4 with the shipped config.txt lines, no serial console, gridshare in dialout and gpio. */
    private void box(String model, String configTxt, String cmdline, String group) throws IOException {
        Files.createDirectories(root.resolve("boot/firmware"));
        Files.createDirectories(root.resolve("proc/device-tree"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("dev/serial/by-id"));
        Files.writeString(root.resolve("boot/firmware/config.txt"), configTxt);
        Files.writeString(root.resolve("boot/firmware/cmdline.txt"), cmdline);
        Files.writeString(root.resolve("proc/device-tree/model"), model + "\0");
        Files.writeString(root.resolve("etc/group"), group);
        paths = PiPaths.of(root);
    }

    private static final String GROUPS = "root:x:0:\ndialout:x:20:gridshare\ngpio:x:997:gridshare,pi\n";
    private static final String CMDLINE =
            "console=tty1 root=PARTUUID=1234-02 rootfstype=ext4 fsck.repair=yes rootwait\n";

    private static Finding only(List<Finding> findings, String check) {
        List<Finding> f = findings.stream().filter(x -> x.check().equals(check)).toList();
        assertEquals(1, f.size(), findings.toString());
        return f.get(0);
    }

    @Test
    void shipped_config_txt_lines_on_a_pi4_leave_nothing_blocking() throws IOException {
        box("Raspberry Pi 4 Model B Rev 1.4", "arm_64bit=1\n" + PiSetup.configTxt(), CMDLINE, GROUPS);
        List<Finding> findings = PiSetupCheck.check(paths, "gridshare", "/dev/serial0", false);
        assertFalse(PiSetupCheck.blocks(findings), findings.toString());
        assertEquals(Severity.OK, only(findings, "uart").severity());
        assertEquals(Severity.OK, only(findings, "bluetooth").severity());
        assertEquals(Severity.OK, only(findings, "console").severity());
        assertEquals(Severity.OK, only(findings, "group").severity());
    }

    @Test
    void uart_not_enabled_blocks_and_says_which_lines_to_add() throws IOException {
        box("Raspberry Pi 4 Model B Rev 1.4", "dtparam=audio=on\n", CMDLINE, GROUPS);
        List<Finding> findings = PiSetupCheck.check(paths, "gridshare", "/dev/serial0", false);
        Finding uart = only(findings, "uart");
        assertEquals(Severity.BLOCKER, uart.severity());
        assertTrue(uart.message().contains("has no enable_uart=1"), uart.message());
        assertTrue(uart.fix().contains("enable_uart=1, dtoverlay=disable-bt"), uart.fix());
        assertEquals(Severity.BLOCKER, only(findings, "bluetooth").severity());
        assertEquals(findings.get(0).severity(), Severity.BLOCKER, "blockers come first");
    }

    @Test
    void uart_switched_off_or_enabled_for_one_board_only_blocks() throws IOException {
        box(
                "Raspberry Pi 3 Model B Rev 1.2",
                "enable_uart=1\n[pi4]\nenable_uart=0\n[all]\nenable_uart=0\n",
                CMDLINE,
                GROUPS);
        Finding off = only(PiSetupCheck.check(paths, "gridshare", "/dev/serial0", false), "uart");
        assertEquals(Severity.BLOCKER, off.severity());
        assertTrue(off.message().contains("enable_uart=0 at " + paths.configTxt() + ":5"), off.message());

        Files.writeString(paths.configTxt(), "[pi4]\nenable_uart=1\ndtoverlay=disable-bt\n");
        List<Finding> findings = PiSetupCheck.check(paths, "gridshare", "/dev/serial0", false);
        assertTrue(only(findings, "uart").message().contains("only for some boards"), findings.toString());
        assertEquals(Severity.BLOCKER, only(findings, "bluetooth").severity(), "the overlay under [pi4] only");
    }

    @Test
    void settings_in_an_included_file_count() throws IOException {
        box("Raspberry Pi Zero 2 W Rev 1.0", "include extra.txt\n", CMDLINE, GROUPS);
        Files.writeString(
                paths.configTxt().resolveSibling("extra.txt"), "enable_uart=1\ndtoverlay=miniuart-bt,krnbt=on\n");
        List<Finding> findings = PiSetupCheck.check(paths, "gridshare", "/dev/serial0", false);
        assertFalse(PiSetupCheck.blocks(findings), findings.toString());
    }

    @Test
    void bluetooth_check_applies_only_to_boards_that_share_the_pl011() throws IOException {
        box("Raspberry Pi 5 Model B Rev 1.0", "enable_uart=1\n", CMDLINE, GROUPS);
        Finding bt = only(PiSetupCheck.check(paths, "gridshare", "/dev/ttyAMA0", false), "bluetooth");
        assertEquals(Severity.OK, bt.severity());
        assertTrue(bt.message().startsWith("Raspberry Pi 5"), bt.message());

        Files.delete(paths.model());
        assertEquals(
                Severity.BLOCKER,
                only(PiSetupCheck.check(paths, "gridshare", "/dev/ttyAMA0", false), "bluetooth")
                        .severity(),
                "an unknown board is checked");
    }

    @Test
    void mini_uart_port_and_serial_console_block() throws IOException {
        box(
                "Raspberry Pi 4 Model B Rev 1.4",
                PiSetup.configTxt(),
                "console=serial0,115200 console=tty1 root=PARTUUID=1234-02 rootwait\n",
                GROUPS);
        List<Finding> findings = PiSetupCheck.check(paths, "gridshare", "/dev/ttyS0", false);
        Finding console = only(findings, "console");
        assertEquals(Severity.BLOCKER, console.severity());
        assertTrue(console.fix().startsWith("remove console=serial0,115200 from"), console.fix());
        assertEquals(Severity.BLOCKER, only(findings, "port").severity());
    }

    @Test
    void missing_config_txt_is_a_blocker_naming_the_file() throws IOException {
        box("Raspberry Pi 4 Model B Rev 1.4", "", CMDLINE, GROUPS);
        Files.delete(paths.configTxt());
        Finding f = only(PiSetupCheck.check(PiPaths.of(root), "gridshare", "/dev/serial0", false), "config.txt");
        assertEquals(Severity.BLOCKER, f.severity());
        assertTrue(f.message().contains("boot/config.txt"), f.message());
    }

    @Test
    void user_outside_dialout_or_gpio_or_a_missing_group_blocks() throws IOException {
        box("Raspberry Pi 4 Model B Rev 1.4", PiSetup.configTxt(), CMDLINE, "dialout:x:20:pi\n");
        List<Finding> findings = PiSetupCheck.check(paths, "gridshare", "/dev/serial0", true);
        List<Finding> groups =
                findings.stream().filter(f -> f.check().equals("group")).toList();
        assertEquals(2, groups.size(), findings.toString());
        assertEquals(
                "gridshare is not in group dialout, so the agent cannot open the serial line /dev/serial0",
                groups.get(0).message());
        assertTrue(groups.get(0).fix().startsWith("usermod -aG dialout gridshare"));
        assertTrue(
                groups.get(1).message().startsWith("group gpio does not exist"),
                groups.get(1).message());
    }

    @Test
    void usb_port_by_plug_order_is_a_warning_naming_its_stable_name() throws IOException {
        box("Raspberry Pi 4 Model B Rev 1.4", "", CMDLINE, GROUPS);
        Files.createFile(root.resolve("dev/ttyUSB0"));
        String byId = "usb-FTDI_FT232R_USB_UART_A10KZP45-if00-port0";
        Files.createSymbolicLink(root.resolve("dev/serial/by-id").resolve(byId), Path.of("../../ttyUSB0"));
        List<Finding> findings = PiSetupCheck.check(paths, "gridshare", "/dev/ttyUSB0", false);
        Finding port = only(findings, "port");
        assertEquals(Severity.WARNING, port.severity());
        assertEquals("set meter.port: /dev/serial/by-id/" + byId, port.fix());
        assertEquals(Severity.WARNING, only(findings, "udev").severity());
        assertFalse(findings.stream().anyMatch(f -> f.check().equals("uart")), "no config.txt check for USB");

        assertEquals(
                Severity.OK,
                only(PiSetupCheck.check(paths, "gridshare", "/dev/serial/by-id/" + byId, false), "port")
                        .severity());
        Files.createDirectories(root.resolve("usr/lib/udev/rules.d"));
        Files.writeString(root.resolve("usr/lib/udev/rules.d").resolve(PiPaths.UDEV_RULE_NAME), PiSetup.udevRule());
        assertEquals(
                Severity.OK,
                only(PiSetupCheck.check(paths, "gridshare", "/dev/ttyUSB0", false), "udev")
                        .severity());
    }

    @Test
    void absent_usb_port_blocks_and_lists_what_is_connected() throws IOException {
        box("Raspberry Pi 4 Model B Rev 1.4", "", CMDLINE, GROUPS);
        Finding none = only(PiSetupCheck.check(paths, "gridshare", "/dev/serial/by-id/usb-x", false), "port");
        assertEquals(Severity.BLOCKER, none.severity());
        assertTrue(none.message().endsWith("no USB serial adapter is connected (/dev/serial/by-id is empty)"));
        Files.createSymbolicLink(
                root.resolve("dev/serial/by-id/usb-1a86_USB_Serial-if00-port0"), Path.of("../../ttyUSB1"));
        Finding other = only(PiSetupCheck.check(paths, "gridshare", "/dev/ttyUSB0", false), "port");
        assertTrue(
                other.message().endsWith("connected: /dev/serial/by-id/usb-1a86_USB_Serial-if00-port0"),
                other.message());
    }

    @Test
    void meters_without_a_serial_line_or_gpio_need_no_checks() throws IOException {
        box("Raspberry Pi 4 Model B Rev 1.4", "", CMDLINE, GROUPS);
        assertEquals(List.of(), PiSetupCheck.check(paths, "gridshare", null, false));
    }

    @Test
    void udev_rule_names_the_four_common_chips_and_every_line_is_well_formed() {
        List<String> chips = PiSetup.adapters().stream()
                .map(PiSetup.UsbSerialAdapter::chip)
                .distinct()
                .toList();
        assertTrue(chips.containsAll(List.of("ftdi", "cp210x", "pl2303", "ch340")), chips.toString());
        assertTrue(PiSetup.adapters().contains(new PiSetup.UsbSerialAdapter("0403", "6001", "ftdi")));
        assertTrue(PiSetup.adapters().contains(new PiSetup.UsbSerialAdapter("10c4", "ea60", "cp210x")));
        assertTrue(PiSetup.adapters().contains(new PiSetup.UsbSerialAdapter("067b", "2303", "pl2303")));
        assertTrue(PiSetup.adapters().contains(new PiSetup.UsbSerialAdapter("1a86", "7523", "ch340")));
        // udev(7): comma-separated KEY op "value" pairs; an unknown operator or a stray quote drops the line
        Pattern pair = Pattern.compile("[A-Z_]+(\\{[A-Za-z_]+\\})?(==|!=|=|\\+=|-=|:=)\"[^\"]*\"");
        for (String line : PiSetup.udevRule().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            for (String p : line.split(", ")) {
                assertTrue(pair.matcher(p).matches(), "'" + p + "' in: " + line);
            }
        }
        assertTrue(PiSetup.udevRule().contains("GROUP=\"dialout\", MODE=\"0660\""));
    }
}
