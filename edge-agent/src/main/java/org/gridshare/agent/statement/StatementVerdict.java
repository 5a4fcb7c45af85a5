package org.gridshare.agent.statement;

import com.fasterxml.jackson.databind.JsonNode;
import org.gridshare.agent.inbox.JsonFields;
import org.gridshare.agent.inbox.MalformedMessageException;

/**
 * The backend's verdict on one interval statement, from {@code gridshare/v1/{zone}/{meter}/statement-acks}:
 * {@code {"intervalStartMs":N,"status":"accepted"}} or
 * {@code {"intervalStartMs":N,"status":"rejected","reason":"NAME","code":N,"detail":"…"}}.
 * Unknown fields are ignored.
 */
public record StatementVerdict(long intervalStartMs, boolean accepted, String reason, int code, String detail) {

    /** Parses one verdict. */
    public static StatementVerdict parse(byte[] json) throws MalformedMessageException {
        JsonNode n = JsonFields.object(json);
        long start = JsonFields.nonNegative(n, "intervalStartMs");
        String status = JsonFields.text(n, "status");
        return switch (status) {
            case "accepted" -> new StatementVerdict(start, true, null, 0, null);
            case "rejected" ->
                new StatementVerdict(
                        start,
                        false,
                        JsonFields.text(n, "reason"),
                        JsonFields.optionalInt(n, "code"),
                        JsonFields.optionalText(n, "detail"));
            default ->
                throw new MalformedMessageException(
                        "status", "neither accepted nor rejected: " + JsonFields.abbreviate(status));
        };
    }
}
