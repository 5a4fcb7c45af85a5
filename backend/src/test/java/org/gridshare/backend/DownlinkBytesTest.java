package org.gridshare.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gridshare.backend.ack.AckPublisher;
import org.gridshare.backend.market.clearing.ClearingRecord;
import org.gridshare.backend.market.orders.AcceptedOrder;
import org.gridshare.backend.market.orders.OrderIntake;
import org.gridshare.backend.market.orders.OrderVerdict;
import org.gridshare.backend.market.settlement.BatchPlan;
import org.gridshare.backend.market.settlement.SettlementJob;
import org.gridshare.backend.market.statements.StatementIntake;
import org.gridshare.backend.market.statements.StatementVerdict;
import org.gridshare.backend.market.statements.VerifiedStatement;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.downlink.Ack;
import org.gridshare.protocol.downlink.Downlink;
import org.junit.jupiter.api.Test;

/**
 * The backend builds each downlink message from its own records exactly as it does when it publishes,
 * and gets the bytes of the golden files in docs/protocol/downlink: what reaches a device is what
 * docs/protocol.md specifies.
 */
class DownlinkBytesTest {
    private static final String ACCOUNT = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    private static final String METER = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
    private static final String DIGEST = "0xc8511c1fdc773103631adb629aa3f586559eedfa886cc2f7a1b5c3a77b884918";
    private static final String TX = "0x1784c1e25a0264b69b19c20c66b08eb437b25ea8d27e8d7f77bac6110876a801";
    private static final String ZONE_ID = "0x" + "00".repeat(32);
    private static final long START = 1_764_000_900_000L;

    private static String golden(String name) throws IOException {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("protocol").resolve("pom.xml"))) {
                String s = Files.readString(d.resolve("docs/protocol/downlink").resolve(name), StandardCharsets.UTF_8);
                return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
            }
        }
        throw new IllegalStateException("not inside the gridshare tree");
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void acks_as_the_ack_publisher_builds_them() throws IOException {
        // no rejection in the round: the publisher passes null, and the field is left out
        assertEquals(golden("ack.json"), utf8(Downlink.encode(new Ack(METER, 41L, null))));
        Rejection gap =
                Rejection.of(RejectReason.SEQ_GAP, "seq 43 after 41: expected 42", METER, 43L, null, new byte[0], 1L);
        Rejection forged = Rejection.of(RejectReason.BAD_SIGNATURE, null, METER, 44L, null, new byte[0], 2L);
        assertEquals(
                golden("ack-with-rejections.json"),
                utf8(Downlink.encode(
                        new Ack(METER, 41L, List.of(AckPublisher.rejected(gap), AckPublisher.rejected(forged))))));
    }

    @Test
    void order_verdicts_and_fills_as_the_order_intake_builds_them() throws IOException {
        AcceptedOrder order = new AcceptedOrder(
                ACCOUNT,
                "zone-a",
                ZONE_ID,
                START,
                1,
                5000,
                130,
                7,
                START + 60_000,
                DIGEST,
                START - 90_000,
                "{}",
                "650");
        assertEquals(golden("order-verdict-accepted.json"), utf8(OrderIntake.acceptedVerdict(order)));
        assertEquals(
                golden("order-verdict-rejected.json"),
                utf8(OrderIntake.rejectedVerdict(new OrderVerdict.Rejected(
                        RejectReason.GATE_CLOSED,
                        "arrived 1764000895000, gate closed at 1764000840000",
                        "zone-a",
                        ACCOUNT,
                        DIGEST,
                        START))));
        assertEquals(
                golden("order-verdict-rejected-undecodable.json"),
                utf8(OrderIntake.rejectedVerdict(new OrderVerdict.Rejected(
                        RejectReason.MALFORMED_JSON,
                        "MALFORMED_JSON: expected one JSON object",
                        "zone-a",
                        ACCOUNT,
                        null,
                        null))));
        ClearingRecord.Entry entry =
                new ClearingRecord.Entry(ACCOUNT, "zone-a", DIGEST, 1, 5000, 120, 7, START - 90_000, 1200, null, "{}");
        ClearingRecord clearing = new ClearingRecord(
                "zone-a",
                ZONE_ID,
                START,
                900,
                START - 60_000,
                START - 30_000,
                "midpoint",
                80,
                200,
                true,
                130,
                1200,
                List.of(entry));
        assertEquals(golden("fill.json"), utf8(OrderIntake.fill(clearing, entry)));
    }

    @Test
    void settlements_as_the_settlement_job_builds_them() throws IOException {
        BatchPlan.Part part =
                new BatchPlan.Part(ACCOUNT, "zone-a", METER, DIGEST, 0, 1200, 1000, 1000, BigInteger.valueOf(-156_000));
        assertEquals(golden("settlement-negative-net.json"), utf8(SettlementJob.settlement(START, part, TX, 17)));
    }

    @Test
    void statement_verdicts_as_the_statement_intake_builds_them() throws IOException {
        VerifiedStatement s = new VerifiedStatement(
                METER, ACCOUNT, "zone-a", ZONE_ID, START, 900, 1000, 0, DIGEST, START + 901_000, START + 901_500, "{}");
        assertEquals(golden("statement-verdict-accepted.json"), utf8(StatementIntake.acceptedVerdict(s)));
        assertEquals(
                golden("statement-verdict-rejected.json"),
                utf8(StatementIntake.rejectedVerdict(new StatementVerdict.Rejected(
                        RejectReason.STATEMENT_RANGE_INVALID,
                        "import end 900 is below import start 1000",
                        "zone-a",
                        METER,
                        START))));
        assertEquals(
                golden("statement-verdict-rejected-undecodable.json"),
                utf8(StatementIntake.rejectedVerdict(new StatementVerdict.Rejected(
                        RejectReason.BAD_FIELD,
                        "BAD_FIELD in field 'readingsRoot': expected a 0x-hex string",
                        "zone-a",
                        METER,
                        null))));
    }
}
