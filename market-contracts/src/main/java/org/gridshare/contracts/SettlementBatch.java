package org.gridshare.contracts;

import java.util.List;
import java.util.Objects;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Signed;

/**
 * One cleared (interval, zone) as the market contract settles it: the clearing price and, per
 * household, its signed order, its meter's signed interval statement and the fill the clearing gave
 * it. The constructor checks what the contract would otherwise reject for a reason the caller can
 * name here: every order and statement must be for this batch's zone and interval.
 *
 * @param zone grid zone id
 * @param intervalStartMs interval start, Unix ms UTC
 * @param intervalSeconds interval length in seconds (the statements' {@code intervalSeconds})
 * @param clearingPricePerKWh uniform price, token base units per kWh
 * @param participants one per household, any order (the client sorts by account)
 */
public record SettlementBatch(
        Bytes32 zone,
        long intervalStartMs,
        long intervalSeconds,
        long clearingPricePerKWh,
        List<Participant> participants) {

    /** One household's part of a batch. */
    public record Participant(Signed<Order> order, Signed<IntervalStatement> statement, long fillMilliWh) {
        public Participant {
            Objects.requireNonNull(order, "order");
            Objects.requireNonNull(statement, "statement");
            if (fillMilliWh < 0) {
                throw new IllegalArgumentException("fillMilliWh must be non-negative, got " + fillMilliWh);
            }
        }
    }

    public SettlementBatch {
        Objects.requireNonNull(zone, "zone");
        participants = List.copyOf(participants);
        if (participants.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one participant");
        }
        for (int i = 0; i < participants.size(); i++) {
            Order o = participants.get(i).order().message();
            IntervalStatement s = participants.get(i).statement().message();
            if (!o.zone().equals(zone)) {
                throw new IllegalArgumentException(
                        "participants[" + i + "].order.zone " + o.zone() + " is not the batch zone " + zone);
            }
            if (o.intervalStartMs() != intervalStartMs) {
                throw new IllegalArgumentException("participants[" + i + "].order.intervalStartMs "
                        + Long.toUnsignedString(o.intervalStartMs()) + " is not the batch interval " + intervalStartMs);
            }
            if (s.intervalStartMs() != intervalStartMs) {
                throw new IllegalArgumentException("participants[" + i + "].statement.intervalStartMs "
                        + Long.toUnsignedString(s.intervalStartMs()) + " is not the batch interval " + intervalStartMs);
            }
            if (s.intervalSeconds() != intervalSeconds) {
                throw new IllegalArgumentException("participants[" + i + "].statement.intervalSeconds "
                        + s.intervalSeconds() + " is not the batch's " + intervalSeconds);
            }
        }
    }
}
