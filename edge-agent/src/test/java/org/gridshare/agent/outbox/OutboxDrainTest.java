package org.gridshare.agent.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.gridshare.agent.meter.Measurement;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.agent.uplink.ReadingUplink;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.protocol.wire.WireFormatException;
import org.gridshare.testsupport.Await;
import org.gridshare.testsupport.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drain's ack timeout over a real outbox, measured on the agent's clock: the test moves the clock
 * past the timeout instead of waiting 30 s, and steps it back as NTP would.
 */
class OutboxDrainTest {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private static final long ACK_TIMEOUT_MS = 30_000;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final TestClock clock = TestClock.at(1_764_000_000_000L);
    private final Secp256k1Signer key = Secp256k1Signer.generate();

    /** A connected link that takes every reading at once and remembers the seqs in send order. */
    private static final class RecordingUplink implements ReadingUplink {
        final List<Long> sent = new CopyOnWriteArrayList<>();

        @Override
        public void onAck(Consumer<byte[]> listener) {}

        @Override
        public void connect() {}

        @Override
        public void reconnectInBackground() {}

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public Sent send(Address meter, byte[] jsonPayload) {
            try {
                sent.add(JsonWire.decodeReading(jsonPayload).message().seq());
            } catch (WireFormatException e) {
                throw new AssertionError("the drain sent something that is not a signed reading", e);
            }
            return timeoutMs -> {};
        }

        @Override
        public int maxUnconfirmed() {
            return 8;
        }

        @Override
        public String serverUri() {
            return "recording://";
        }

        @Override
        public void close() {}
    }

    @Test
    void without_an_ack_for_the_ack_timeout_on_the_agents_clock_the_drain_sends_again_from_the_oldest()
            throws Exception {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 100)) {
            RecordingUplink uplink = fill(outbox, 3);
            OutboxDrain drain = new OutboxDrain(outbox, uplink, key.address(), 10, ACK_TIMEOUT_MS, clock);
            Thread t = start(drain);
            try {
                Await.until("first sends", WAIT, () -> uplink.sent.size() == 3, uplink.sent::toString);
                clock.advance(Duration.ofMillis(ACK_TIMEOUT_MS - 1_000));
                drain.wake();
                assertFalse(
                        Await.holdsWithin(Duration.ofMillis(500), () -> drain.resentCount() > 0),
                        "re-sent before the ack timeout: " + uplink.sent);
                clock.advance(Duration.ofMillis(2_000));
                drain.wake();
                Await.until("re-sends", WAIT, () -> uplink.sent.size() == 6, uplink.sent::toString);
                assertEquals(List.of(1L, 2L, 3L, 1L, 2L, 3L), uplink.sent);
                assertEquals(3, drain.publishedCount());
                assertEquals(3, drain.resentCount());
            } finally {
                stop(drain, t);
            }
        }
    }

    @Test
    void a_clock_stepped_back_does_not_hold_the_re_send_until_it_is_past_the_old_time_again() throws Exception {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 100)) {
            RecordingUplink uplink = fill(outbox, 2);
            OutboxDrain drain = new OutboxDrain(outbox, uplink, key.address(), 10, ACK_TIMEOUT_MS, clock);
            Thread t = start(drain);
            try {
                Await.until("first sends", WAIT, () -> uplink.sent.size() == 2, uplink.sent::toString);
                clock.advance(Duration.ofHours(-1)); // NTP steps the clock back an hour
                drain.wake();
                assertFalse(
                        Await.holdsWithin(Duration.ofMillis(500), () -> drain.resentCount() > 0),
                        "a step back is not a timeout: " + uplink.sent);
                clock.advance(Duration.ofMillis(ACK_TIMEOUT_MS + 1_000));
                drain.wake();
                Await.until("re-sends", WAIT, () -> uplink.sent.size() == 4, uplink.sent::toString);
                assertEquals(List.of(1L, 2L, 1L, 2L), uplink.sent);
            } finally {
                stop(drain, t);
            }
        }
    }

    /** Commits {@code n} signed readings and returns a link to drain them over. */
    private RecordingUplink fill(Outbox outbox, int n) throws Exception {
        ReadingSigner signer = new ReadingSigner(key, DOMAIN, outbox, clock);
        for (int i = 1; i <= n; i++) {
            outbox.append(signer.signDeferred(new Measurement(i * 10L, 0, 0, 0)));
        }
        outbox.commit();
        return new RecordingUplink();
    }

    private static Thread start(OutboxDrain drain) {
        Thread t = new Thread(drain, "test-drain");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void stop(OutboxDrain drain, Thread t) throws InterruptedException {
        drain.stop();
        t.join(5_000);
    }
}
