package org.gridshare.backend.market.orders;

import org.gridshare.protocol.RejectReason;

/** What the validator decided about one order. */
public sealed interface OrderVerdict {
    /**
     * The order enters its book.
     *
     * @param again true when this exact order was accepted before (a re-delivery): nothing changes
     */
    record Accepted(AcceptedOrder order, boolean again) implements OrderVerdict {}

    /**
     * The order is refused.
     *
     * @param zone the topic's zone (null when the topic is malformed: then nobody can be told)
     * @param account the topic's account segment (null likewise)
     * @param digest the order's digest when it could be decoded, else null
     * @param intervalStartMs the order's interval when decoded, else null
     */
    record Rejected(
            RejectReason reason, String detail, String zone, String account, String digest, Long intervalStartMs)
            implements OrderVerdict {}
}
