package org.gridshare.protocol.keys;

import java.io.IOException;
import java.nio.file.Path;

/** A key file does not hold exactly one valid hex private key. The message never contains key material. */
public final class KeyFileFormatException extends IOException {
    private final Path file;

    public KeyFileFormatException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
