package org.gridshare.agent.outbox;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.gridshare.agent.uplink.ReadingUplink;
import org.gridshare.agent.uplink.UplinkException;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.downlink.Ack;
import org.gridshare.protocol.downlink.Downlink;
import org.gridshare.protocol.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outbox in seq order over any {@link ReadingUplink} (MQTT or CoAP) with a bounded window of readings in flight (published, not yet
 * acknowledged end to end), and applies the backend's acks to the outbox.
 *
 * <p>The backend accepts a meter's readings only in seq order, so live readings go out right after the
 * backlog, never before it; the window keeps a 72-hour backlog from flooding the uplink while acks
 * keep flowing, and the meter loop keeps signing and storing live readings meanwhile. When no ack
 * advances for {@code ackTimeout}, or the backend reports a gap, the drain goes back to the oldest
 * unacknowledged reading and re-sends from there (the backend drops what it already has as
 * DUPLICATE/REPLAYED_SEQ, so nothing is counted twice).
 */
public final class OutboxDrain implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxDrain.class);

    private final Outbox outbox;
    private final ReadingUplink uplink;
    private final Address meter;
    private final int window;
    private final long ackTimeoutMs;
    private final Clock clock;
    private final Object signal = new Object();
    private final AtomicLong firstPublished = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong rejectedCount = new AtomicLong();
    private final AtomicLong publishErrors = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean uplinkDown;
    private volatile boolean rewindRequested;
    private long highestPublished;
    private long cursor;
    private long lastAcked = -1;
    private long lastProgressMs;
    private long lastRewindMs;

    public OutboxDrain(Outbox outbox, ReadingUplink uplink, Address meter, int window, long ackTimeoutMs, Clock clock) {
        if (window < 1) {
            throw new IllegalArgumentException("in-flight window must be at least 1: " + window);
        }
        this.outbox = outbox;
        this.uplink = uplink;
        this.meter = meter;
        this.window = window;
        this.ackTimeoutMs = ackTimeoutMs;
        this.clock = clock;
    }

    /** Wakes the drain: new readings were committed or an ack arrived. */
    public void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    public void stop() {
        running = false;
        wake();
    }

    /** Readings published for the first time (re-sends not counted). */
    public long publishedCount() {
        return firstPublished.get();
    }

    /** Readings published again after an ack timeout, a reported gap or a reconnect. */
    public long resentCount() {
        return resent.get();
    }

    /** Readings the backend refused for good (kept in the outbox's rejected table). */
    public long rejectedCount() {
        return rejectedCount.get();
    }

    /** Publications that failed (the reading stays in the outbox and goes out again). */
    public long publishErrorCount() {
        return publishErrors.get();
    }

    public boolean uplinkDown() {
        return uplinkDown;
    }

    /** Applies one ack message from the backend (called on the uplink's thread). */
    public void onAck(byte[] payload) {
        Ack ack;
        try {
            ack = Downlink.decodeAck(payload);
        } catch (WireFormatException e) {
            LOG.warn("ignoring a malformed ack: {}", e.getMessage());
            return;
        }
        if (ack.acceptedThrough() != null) {
            outbox.acknowledge(ack.acceptedThrough());
        }
        for (Ack.Rejected r : ack.rejected()) {
            Optional<RejectReason> known = r.knownReason();
            if (known.equals(Optional.of(RejectReason.DUPLICATE))) {
                outbox.acknowledge(r.seq()); // the same reading as the backend's last accepted one
            } else if (known.equals(Optional.of(RejectReason.SEQ_GAP))
                    || known.map(RejectReason::isTransient).orElse(false)) {
                // The reading stays in the outbox and a re-send can succeed: after a gap because the
                // drain re-sends from the last acknowledged seq (the readings before it are missing, not
                // this one), after a transient reason because the backend's fault passes.
                if (r.seq() > outbox.ackedThrough()) {
                    rewindRequested = true;
                }
            } else if (!known.equals(Optional.of(RejectReason.REPLAYED_SEQ)) && r.seq() > outbox.ackedThrough()) {
                // REPLAYED_SEQ: the backend already has this seq, so the cumulative ack covers it
                outbox.reject(r.seq(), r.reason(), r.code(), r.detail(), clock.millis());
                rejectedCount.incrementAndGet();
                org.slf4j.MDC.put("meter", meter.toHex());
                org.slf4j.MDC.put("seq", Long.toString(r.seq()));
                LOG.warn("backend rejected seq {}: {} {}", r.seq(), r.reason(), r.detail());
                org.slf4j.MDC.remove("seq");
            }
        }
        wake();
    }

    @Override
    public void run() {
        ArrayDeque<ReadingUplink.Sent> unconfirmed = new ArrayDeque<>();
        while (running) {
            try {
                if (!step(unconfirmed)) {
                    synchronized (signal) {
                        signal.wait(100);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (UplinkException e) {
                uplinkDown = true;
                unconfirmed.clear();
                cursor = 0; // re-send everything unacknowledged once the link is back
                publishErrors.incrementAndGet();
                LOG.debug("publish failed: {}", e.toString());
                pause();
            } catch (OutboxException e) {
                LOG.error("{}", e.getMessage());
                pause();
            } catch (RuntimeException e) {
                LOG.error("outbox drain failed", e);
                pause();
            }
        }
    }

    // a bounded pause: a spurious wake-up only ends it early, and the caller loops
    @SuppressWarnings("WaitNotInLoop")
    private void pause() {
        synchronized (signal) {
            try {
                signal.wait(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    private ReadingUplink.Sent publish(StoredReading r, ArrayDeque<ReadingUplink.Sent> unconfirmed)
            throws UplinkException {
        while (true) {
            try {
                return uplink.send(meter, r.payload());
            } catch (UplinkException e) {
                // the link's own limit (e.g. the broker's receive maximum) is reached: wait for the oldest, then again
                if (!e.busy() || unconfirmed.isEmpty()) {
                    throw e;
                }
                unconfirmed.removeFirst().await(10_000);
            }
        }
    }

    /** One round; false when there was nothing to publish. */
    private boolean step(ArrayDeque<ReadingUplink.Sent> unconfirmed) throws UplinkException, OutboxException {
        if (!uplink.isConnected()) {
            uplinkDown = true;
            cursor = 0;
            unconfirmed.clear();
            return false;
        }
        uplinkDown = false;
        long now = clock.millis();
        // the agent's clock can be stepped back (NTP, the user): a wait measured from a later mark would hold
        // every re-send until the clock is past that mark again, so the waits start over from now
        lastProgressMs = Math.min(lastProgressMs, now);
        lastRewindMs = Math.min(lastRewindMs, now);
        long acked = outbox.ackedThrough();
        if (acked != lastAcked) {
            lastAcked = acked;
            lastProgressMs = now;
        }
        long inFlight = Math.max(0, cursor - acked - 1);
        boolean timedOut = inFlight > 0 && now - lastProgressMs > ackTimeoutMs;
        boolean gap = rewindRequested && now - lastRewindMs > Math.min(1000, ackTimeoutMs);
        if (timedOut || gap) {
            rewindRequested = false;
            lastRewindMs = now;
            lastProgressMs = now;
            cursor = acked + 1;
            inFlight = 0;
        }
        if (cursor <= acked) {
            cursor = acked + 1;
            inFlight = 0;
        }
        long room = window - inFlight;
        if (room <= 0) {
            return false;
        }
        List<StoredReading> batch = outbox.unacknowledged(cursor, (int) Math.min(room, 256));
        if (batch.isEmpty()) {
            return false;
        }
        for (StoredReading r : batch) {
            while (unconfirmed.size() >= uplink.maxUnconfirmed()) {
                unconfirmed.removeFirst().await(10_000);
            }
            unconfirmed.addLast(publish(r, unconfirmed));
            if (r.seq() > highestPublished) {
                highestPublished = r.seq();
                firstPublished.incrementAndGet();
            } else {
                resent.incrementAndGet();
            }
            cursor = r.seq() + 1;
        }
        return true;
    }
}
