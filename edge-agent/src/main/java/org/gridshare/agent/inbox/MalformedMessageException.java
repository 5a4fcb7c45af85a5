package org.gridshare.agent.inbox;

/**
 * A message from the backend that does not match the wire contract: names the field and what is
 * wrong with it. The message is kept with this reason, never guessed at.
 */
public final class MalformedMessageException extends Exception {
    private final String field;

    public MalformedMessageException(String field, String problem) {
        super((field.isEmpty() ? "message" : "field " + field) + ": " + problem);
        this.field = field;
    }

    /** The offending field, empty for the whole message. */
    public String field() {
        return field;
    }
}
