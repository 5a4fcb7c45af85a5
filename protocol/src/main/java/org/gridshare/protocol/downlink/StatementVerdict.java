package org.gridshare.protocol.downlink;

import java.util.Objects;
import org.gridshare.protocol.RejectReason;

/**
 * The backend's verdict on one interval statement, on {@code gridshare/v1/{zone}/{meter}/statement-acks}
 * (docs/protocol.md, "Statement verdict").
 *
 * @param intervalStartMs the statement's interval; null only when rejected and the payload could not be decoded
 * @param reason the reject reason's name (null when accepted)
 * @param code the reject reason's numeric code (0 when accepted)
 * @param detail what was wrong, for people (null when accepted; may be null when rejected)
 */
public record StatementVerdict(Long intervalStartMs, boolean accepted, String reason, int code, String detail) {
    public StatementVerdict {
        if (accepted) {
            if (intervalStartMs == null || reason != null || code != 0 || detail != null) {
                throw new IllegalArgumentException("an accepted verdict names its interval and has no reason");
            }
        } else {
            Objects.requireNonNull(reason, "reason");
        }
    }

    public static StatementVerdict accepted(long intervalStartMs) {
        return new StatementVerdict(intervalStartMs, true, null, 0, null);
    }

    /** {@code intervalStartMs} null when the statement did not decode. */
    public static StatementVerdict rejected(Long intervalStartMs, RejectReason reason, String detail) {
        return new StatementVerdict(intervalStartMs, false, reason.name(), reason.code(), detail);
    }
}
