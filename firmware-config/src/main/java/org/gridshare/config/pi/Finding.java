package org.gridshare.config.pi;

/**
 * One result of {@link PiSetupCheck}, in plain words for the installer.
 *
 * @param severity whether it blocks commissioning
 * @param check a short stable name of the check ({@code uart}, {@code bluetooth}, {@code console},
 *     {@code group}, {@code port}, {@code udev}, {@code config.txt}), for provision to group and test by
 * @param message what was found, naming the file or device
 * @param fix what to do about it, or empty when nothing needs doing
 */
public record Finding(Severity severity, String check, String message, String fix) {

    /** How much a finding matters to commissioning. */
    public enum Severity {
        /** the meter cannot be read until this is fixed */
        BLOCKER,
        /** works now, but will break or mislead later */
        WARNING,
        /** checked and right */
        OK
    }

    static Finding ok(String check, String message) {
        return new Finding(Severity.OK, check, message, "");
    }

    static Finding blocker(String check, String message, String fix) {
        return new Finding(Severity.BLOCKER, check, message, fix);
    }

    static Finding warning(String check, String message, String fix) {
        return new Finding(Severity.WARNING, check, message, fix);
    }

    @Override
    public String toString() {
        return severity + " " + check + ": " + message + (fix.isEmpty() ? "" : " — " + fix);
    }
}
