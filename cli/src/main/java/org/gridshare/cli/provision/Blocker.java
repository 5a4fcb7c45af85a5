package org.gridshare.cli.provision;

/**
 * One thing that stops a box from being commissioned, in plain words for the installer: {@code code} is
 * stable (scripts and the docs' table use it), {@code message} says what was seen and what to do.
 */
public record Blocker(Code code, String message) {

    /** Why commissioning cannot go on (docs/operations.md lists what to do for each). */
    public enum Code {
        /** No serial adapter under /dev/serial/by-id and no --port. */
        NO_SERIAL_PORT,
        /** The port exists but this user may not open it (not in the dialout group). */
        PORT_PERMISSION,
        /** The port could not be opened (unplugged, busy). */
        PORT_UNUSABLE,
        /** Not one byte arrived at any setting: the P1 port is closed by the grid operator, or the cable is wrong. */
        NO_BYTES,
        /** Bytes arrived but no frame passed its checksum: wrong cable, inverted signal, noise. */
        NO_VALID_FRAME,
        /** A Luxembourg Smarty meter sends encrypted frames: the grid operator's key is needed. */
        KEY_NEEDED,
        /** An IEC 62056-21 meter that answers only on request (modes A-C): not checked live by provision. */
        READOUT_NOT_SUPPORTED,
        /** Fewer checksum-valid frames than asked for arrived in time. */
        TOO_FEW_FRAMES,
        /** A frame has no import register, or one beyond what any household meter counts. */
        IMPLAUSIBLE_REGISTER,
        /** A register went down between two frames. */
        REGISTER_DECREASED,
        /** The frames name no meter id, or not the same one. */
        METER_ID,
        /** The import or export register moved against the sign of the live power reading. */
        DIRECTION_REVERSED,
        /** The box was provisioned before (a meter key or an outbox exists in the data directory). */
        ALREADY_PROVISIONED,
        /** The agent configuration file exists already. */
        CONFIG_EXISTS,
        /** A Pi set-up check failed (UART, groups, udev). */
        PI_SETUP,
        /** Writing the keys, the configuration or the record failed; everything written was removed. */
        WRITE_FAILED
    }
}
