package org.gridshare.protocol.keys;

import java.io.IOException;
import java.nio.file.Path;

/** A key file is accessible by group or others (or its permissions cannot be checked): refused. */
public final class InsecureKeyFileException extends IOException {
    private final Path file;

    public InsecureKeyFileException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
