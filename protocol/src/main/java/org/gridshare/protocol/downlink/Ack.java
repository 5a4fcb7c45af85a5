package org.gridshare.protocol.downlink;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.gridshare.protocol.RejectReason;

/**
 * The end-to-end acknowledgement on {@code gridshare/v1/{zone}/{meter}/acks} (docs/protocol.md, "Ack"):
 * {@code acceptedThrough} is the meter's highest verified seq (the verifier accepts seqs only in order,
 * so every lower seq is settled too; null when the backend does not know it yet), and {@code rejected}
 * lists the readings refused since the last ack, in the order they were refused (empty: none).
 *
 * @param meter the meter as the backend keys it (lowercase 0x address)
 */
public record Ack(String meter, Long acceptedThrough, List<Rejected> rejected) {
    public Ack {
        // The downlink records check only their shape (what must be present); ranges are the decoder's
        // job, so the backend never fails to answer about a message that carried an out-of-range value.
        Objects.requireNonNull(meter, "meter");
        rejected = rejected == null ? List.of() : List.copyOf(rejected);
    }

    /**
     * One refused reading: its seq and the backend's reason, as name and numeric code (see
     * {@link RejectReason}), with a human-readable detail (may be null).
     */
    public record Rejected(long seq, String reason, int code, String detail) {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }

        /** The reason, when this version knows its name (a newer backend may send others). */
        public Optional<RejectReason> knownReason() {
            return RejectReason.named(reason);
        }
    }
}
