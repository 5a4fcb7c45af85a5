package org.gridshare.parts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The anvil binary from npm is not where we look for it. */
public final class AnvilNotInstalledException extends IOException {
    private final List<Path> searched;

    AnvilNotInstalledException(List<Path> searched, String hint) {
        super("anvil binary not found; looked at " + searched + ". " + hint);
        this.searched = List.copyOf(searched);
    }

    /** The paths that were checked, in order. */
    public List<Path> searched() {
        return searched;
    }
}
