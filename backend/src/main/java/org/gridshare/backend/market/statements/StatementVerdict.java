package org.gridshare.backend.market.statements;

import org.gridshare.protocol.RejectReason;

/** What the verifier decided about one statement. */
public sealed interface StatementVerdict {
    record Accepted(VerifiedStatement statement) implements StatementVerdict {}

    /**
     * A statement turned away, with what was known of it.
     *
     * @param zone the topic's zone and {@code meter} its device segment (null when the topic is malformed)
     * @param intervalStartMs the statement's interval when it could be decoded, else null
     */
    record Rejected(RejectReason reason, String detail, String zone, String meter, Long intervalStartMs)
            implements StatementVerdict {}
}
