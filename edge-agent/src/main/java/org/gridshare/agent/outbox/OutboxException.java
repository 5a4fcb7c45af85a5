package org.gridshare.agent.outbox;

import java.io.IOException;
import java.nio.file.Path;

/** The outbox database could not be opened, read or written; names the file and the operation. */
public final class OutboxException extends IOException {
    public OutboxException(Path file, String operation, Throwable cause) {
        super("outbox " + file + ": " + operation + " failed: " + cause.getMessage(), cause);
    }

    public OutboxException(Path file, String problem) {
        super("outbox " + file + ": " + problem);
    }
}
