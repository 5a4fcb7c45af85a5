package org.gridshare.protocol.downlink;

import java.util.Objects;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.RejectReason;

/**
 * The backend's verdict on one order ({@code "type":"order"}): accepted into its book, or rejected
 * with the reason's name, code and detail (docs/protocol.md, "Order verdict").
 *
 * @param orderDigest the order's digest; null only when rejected and the payload could not be decoded
 * @param intervalStartMs the order's interval; null exactly when {@code orderDigest} is
 * @param reason the reject reason's name (null when accepted)
 * @param code the reject reason's numeric code (0 when accepted)
 * @param detail what was wrong, for people (null when accepted; may be null when rejected)
 */
public record OrderVerdict(
        Bytes32 orderDigest, Long intervalStartMs, boolean accepted, String reason, int code, String detail)
        implements FillsMessage {
    public OrderVerdict {
        if ((orderDigest == null) != (intervalStartMs == null)) {
            throw new IllegalArgumentException("orderDigest and intervalStartMs are given together or not at all");
        }
        if (accepted) {
            if (orderDigest == null || reason != null || code != 0 || detail != null) {
                throw new IllegalArgumentException("an accepted verdict names its order and has no reason");
            }
        } else {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The order entered its book. */
    public static OrderVerdict accepted(Bytes32 orderDigest, long intervalStartMs) {
        return new OrderVerdict(orderDigest, intervalStartMs, true, null, 0, null);
    }

    /** The order is refused; {@code orderDigest} and {@code intervalStartMs} null when it did not decode. */
    public static OrderVerdict rejected(Bytes32 orderDigest, Long intervalStartMs, RejectReason reason, String detail) {
        return new OrderVerdict(orderDigest, intervalStartMs, false, reason.name(), reason.code(), detail);
    }
}
