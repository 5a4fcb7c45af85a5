package org.gridshare.agent.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.gridshare.agent.inbox.GoldenDownlink;
import org.gridshare.agent.meter.Measurement;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Secp256k1Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The golden acks of docs/protocol/downlink, fed to the drain exactly as the uplink hands them over. */
class AckGoldenTest {
    private static final Eip712Domain READINGS =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_764_000_000_000L), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Outbox outboxWith44Readings() throws Exception {
        Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 1000);
        ReadingSigner signer = new ReadingSigner(Secp256k1Signer.generate(), READINGS, outbox, clock);
        for (int i = 1; i <= 44; i++) {
            outbox.append(signer.signDeferred(new Measurement(i, 0, 0, 0)));
        }
        outbox.commit();
        return outbox;
    }

    @Test
    void the_cumulative_ack_settles_every_reading_through_accepted_through() throws Exception {
        try (Outbox outbox = outboxWith44Readings()) {
            OutboxDrain drain = new OutboxDrain(
                    outbox, null, Address.fromHex("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"), 8, 10_000, clock);
            drain.onAck(GoldenDownlink.bytes("ack.json"));
            outbox.commit(); // the meter loop's next commit applies what the ack settled
            assertEquals(41, outbox.ackedThrough());
            assertEquals(0, drain.rejectedCount());
        }
    }

    @Test
    void a_gap_is_re_sent_and_a_final_reason_is_kept_with_the_reading() throws Exception {
        try (Outbox outbox = outboxWith44Readings()) {
            OutboxDrain drain = new OutboxDrain(
                    outbox, null, Address.fromHex("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"), 8, 10_000, clock);
            drain.onAck(GoldenDownlink.bytes("ack-with-rejections.json"));
            outbox.commit(); // the meter loop's next commit applies what the ack settled
            assertEquals(41, outbox.ackedThrough());
            // SEQ_GAP (seq 43) only asks for a re-send from the acked seq; BAD_SIGNATURE (seq 44) is final
            assertEquals(1, drain.rejectedCount());
            List<RejectedReading> kept = outbox.rejected();
            assertEquals(1, kept.size());
            assertEquals(44, kept.get(0).seq());
            assertEquals("BAD_SIGNATURE", kept.get(0).reason());
            assertEquals(10, kept.get(0).code());
        }
    }
}
