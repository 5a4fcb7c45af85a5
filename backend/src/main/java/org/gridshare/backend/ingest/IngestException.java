package org.gridshare.backend.ingest;

/** The bridge could not connect, subscribe or hand a message to Kafka; says which broker and topic. */
public class IngestException extends RuntimeException {
    private final String where;

    public IngestException(String where, String message, Throwable cause) {
        super(where + ": " + message, cause);
        this.where = where;
    }

    /** The broker URI or MQTT topic concerned. */
    public String where() {
        return where;
    }
}
