package org.gridshare.backend.market.settlement;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.gridshare.backend.market.chain.Tariffs;
import org.gridshare.backend.market.clearing.ClearingRecord;
import org.gridshare.backend.market.statements.VerifiedStatement;
import org.gridshare.contracts.SettlementBatch;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.protocol.wire.WireFormatException;

/**
 * Builds the settlement batch of a cleared book as the contract requires it: participants are the
 * accounts with a fill above 0 (buys and sells balance by construction of the clearing), ascending by
 * account, each with its signed order and one verified statement of the same interval from a meter
 * registered to the account in the batch's zone (the lowest meter address when it has several). When
 * any participant has no statement the batch is held: a batch with a made-up or missing delivery is
 * never submitted. Pure.
 */
public final class BatchBuilder {
    private BatchBuilder() {}

    /**
     * Plans the settlement batch of one matched book.
     *
     * @param statements the latest verified statement per meter for this interval (any zone, any account)
     * @param tariffs the contract's tariffs now (the grid fee enters the buyers' nets)
     */
    public static BatchPlan plan(ClearingRecord c, Collection<VerifiedStatement> statements, Tariffs tariffs) {
        if (!c.matched() || c.matchedMilliWh() == 0) {
            throw new IllegalArgumentException("book " + c.key() + " matched nothing: there is no batch");
        }
        List<ClearingRecord.Entry> filled = new ArrayList<>();
        for (ClearingRecord.Entry e : c.orders()) {
            if (e.filledMilliWh() > 0) {
                filled.add(e);
            }
        }
        filled.sort(Comparator.comparing(ClearingRecord.Entry::account));
        List<String> missing = new ArrayList<>();
        List<SettlementBatch.Participant> participants = new ArrayList<>();
        List<BatchPlan.Part> parts = new ArrayList<>();
        StringBuilder fingerprint = new StringBuilder();
        for (ClearingRecord.Entry e : filled) {
            Optional<VerifiedStatement> st = statements.stream()
                    .filter(s -> s.account().equals(e.account())
                            && s.zoneId().equals(c.zoneId())
                            && s.intervalStartMs() == c.intervalStartMs()
                            && s.intervalSeconds() == c.intervalSeconds())
                    .min(Comparator.comparing(VerifiedStatement::meter));
            if (st.isEmpty()) {
                missing.add(e.account());
                continue;
            }
            VerifiedStatement s = st.get();
            Signed<Order> order = decodeOrder(e);
            Signed<IntervalStatement> statement = decodeStatement(s);
            participants.add(new SettlementBatch.Participant(order, statement, e.filledMilliWh()));
            boolean sell = e.side() == Order.SELL;
            long metered = sell ? s.exportMilliWh() : s.importMilliWh();
            parts.add(new BatchPlan.Part(
                    e.account(),
                    e.zone(),
                    s.meter(),
                    e.orderDigest(),
                    e.side(),
                    e.filledMilliWh(),
                    metered,
                    NetAmounts.delivered(e.filledMilliWh(), metered),
                    NetAmounts.net(sell, e.filledMilliWh(), metered, c.clearingPricePerKWh(), tariffs)));
            fingerprint.append(s.statementDigest()).append(',');
        }
        if (!missing.isEmpty()) {
            return new BatchPlan.Held(List.copyOf(missing));
        }
        SettlementBatch batch = new SettlementBatch(
                Bytes32.fromHex(c.zoneId()),
                c.intervalStartMs(),
                c.intervalSeconds(),
                c.clearingPricePerKWh(),
                participants);
        return new BatchPlan.Ready(batch, List.copyOf(parts), fingerprint.toString());
    }

    private static Signed<Order> decodeOrder(ClearingRecord.Entry e) {
        try {
            return JsonWire.decodeOrder(e.signedOrder().getBytes(StandardCharsets.UTF_8));
        } catch (WireFormatException x) {
            throw new IllegalStateException("clearing record holds an undecodable order " + e.orderDigest(), x);
        }
    }

    private static Signed<IntervalStatement> decodeStatement(VerifiedStatement s) {
        try {
            return JsonWire.decodeStatement(s.signedStatement().getBytes(StandardCharsets.UTF_8));
        } catch (WireFormatException x) {
            throw new IllegalStateException("verified record holds an undecodable statement " + s.statementDigest(), x);
        }
    }
}
