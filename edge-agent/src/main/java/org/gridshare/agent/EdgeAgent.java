package org.gridshare.agent;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.gridshare.agent.meter.MeterSource;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.outbox.OutboxDrain;
import org.gridshare.agent.outbox.OutboxException;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.agent.signing.SigningState;
import org.gridshare.agent.signing.SigningStateFile;
import org.gridshare.agent.uplink.MqttUplink;
import org.gridshare.agent.uplink.ReadingUplink;
import org.gridshare.agent.uplink.UplinkException;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.MeterStatus;
import org.gridshare.protocol.Signed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The household box's loop: every period it reads the meter and signs the reading at once with the
 * meter key; a group commit writes the signed readings to the durable {@link Outbox}; the
 * {@link OutboxDrain} publishes them in seq order over the uplink ({@link MqttUplink} QoS 1, or CoAP over
 * DTLS) and deletes them only when the
 * backend acknowledges them end to end.
 *
 * <p>When the outbox is full the agent stops reading (backpressure) and says so in {@link #health()}:
 * the meter's registers keep counting, so the next reading simply covers more energy; nothing is
 * dropped. A failure to read or sign is recorded in {@link #health()} and the loop goes on.
 */
public final class EdgeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeAgent.class);

    /** What the agent reports about itself, worst first when several apply. */
    public enum Health {
        STARTING,
        OK,
        METER_FAILED,
        UPLINK_DOWN,
        OUTBOX_FULL,
        OUTBOX_FAILED
    }

    /**
     * How readings are committed and delivered.
     *
     * @param groupCommit how long signed readings are collected before one transaction writes them
     * @param window readings in flight (published, not yet acknowledged) at most
     * @param ackTimeout no ack progress for this long → re-send from the oldest unacknowledged reading
     */
    public record Delivery(Duration groupCommit, int window, Duration ackTimeout) {
        /**
         * For a box on an SD card at 1 reading/s: a 2 s group commit. The window stays below the broker's
         * per-subscriber queue (Mosquitto's {@code max_queued_messages} is 1000): with 1000 in flight the
         * backend's subscriber lost readings there during a backlog drain, which then stalled for the ack timeout.
         */
        public static final Delivery DEFAULT = new Delivery(Duration.ofSeconds(2), 500, Duration.ofSeconds(30));
        /** For simulations and demos, where latency matters more than flash wear. */
        public static final Delivery LOW_LATENCY = new Delivery(Duration.ofMillis(100), 500, Duration.ofSeconds(30));
    }

    private final MeterSource meter;
    private final ReadingSigner signer;
    private final ReadingUplink uplink;
    private final Outbox outbox;
    private final boolean ownsOutbox;
    private final Delivery delivery;
    private final Consumer<Signed<MeterReading>> onSigned;
    private final OutboxDrain drain;
    private final Thread drainThread;
    private final ScheduledExecutorService loop;
    private final AtomicLong signedCount = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean outboxFull;
    private volatile boolean meterFailed;
    private volatile boolean outboxFailed;
    private volatile boolean started;
    private volatile java.util.function.LongConsumer commitTimer = nanos -> {};
    private boolean clockWasBack; // guarded by tick's lock

    /**
     * An agent over a durable outbox. The signer continues from the outbox's signing state when that is
     * ahead of its own (the database is the authority); a signer ahead of the database seeds it.
     */
    public EdgeAgent(
            MeterSource meter,
            ReadingSigner signer,
            ReadingUplink uplink,
            Outbox outbox,
            Delivery delivery,
            Consumer<Signed<MeterReading>> onSigned)
            throws OutboxException {
        this(meter, signer, uplink, outbox, false, delivery, onSigned);
    }

    /**
     * The walking skeleton's constructor, kept for the demo: opens an outbox holding up to
     * {@code queueCapacity} readings in {@code outbox.db} beside the signer's state file, and closes it
     * with the agent; commits every 100 ms ({@link Delivery#LOW_LATENCY}).
     */
    public EdgeAgent(
            MeterSource meter,
            ReadingSigner signer,
            MqttUplink uplink,
            int queueCapacity,
            Consumer<Signed<MeterReading>> onSigned)
            throws OutboxException {
        this(
                meter,
                signer,
                uplink,
                Outbox.open(besideStateFile(signer), queueCapacity),
                true,
                Delivery.LOW_LATENCY,
                onSigned);
    }

    private EdgeAgent(
            MeterSource meter,
            ReadingSigner signer,
            ReadingUplink uplink,
            Outbox outbox,
            boolean ownsOutbox,
            Delivery delivery,
            Consumer<Signed<MeterReading>> onSigned)
            throws OutboxException {
        this.meter = meter;
        this.signer = signer;
        this.uplink = uplink;
        this.outbox = outbox;
        this.ownsOutbox = ownsOutbox;
        this.delivery = delivery;
        this.onSigned = onSigned;
        SigningState durable = outbox.load();
        signer.resume(durable);
        if (Long.compareUnsigned(signer.state().lastSeq(), durable.lastSeq()) > 0) {
            outbox.store(signer.state());
        }
        this.drain = new OutboxDrain(
                outbox,
                uplink,
                signer.meter(),
                delivery.window(),
                delivery.ackTimeout().toMillis(),
                signer.clock()); // the agent's clock: the one it signs with
        uplink.onAck(drain::onAck);
        this.drainThread = new Thread(withMeterInLogs(drain), "gridshare-drain");
        drainThread.setDaemon(true);
        this.loop = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(withMeterInLogs(r), "gridshare-agent");
            t.setDaemon(true);
            return t;
        });
    }

    /** Every log line of the agent's own threads carries the meter (MDC key {@code meter}). */
    private Runnable withMeterInLogs(Runnable r) {
        String hex = signer.meter().toHex();
        return () -> {
            MDC.put("meter", hex);
            r.run();
        };
    }

    /** Called with the duration in nanoseconds of every group commit that wrote readings (for metrics). */
    public void onCommit(java.util.function.LongConsumer nanos) {
        this.commitTimer = nanos;
    }

    private static java.nio.file.Path besideStateFile(ReadingSigner signer) {
        if (signer.store() instanceof SigningStateFile f) {
            return f.path().toAbsolutePath().resolveSibling("outbox.db");
        }
        throw new IllegalArgumentException("pass an Outbox: the signer does not keep its state in a file");
    }

    /**
     * Connects the uplink (when it cannot connect now, the drain keeps trying in the background),
     * reads every {@code period} (the first time at once) and commits every group-commit window.
     */
    public void start(Duration period) {
        started = true;
        try {
            uplink.connect();
        } catch (UplinkException e) {
            LOG.warn("uplink not connected at start ({}); readings are kept in the outbox", e.getMessage());
            uplink.reconnectInBackground();
        }
        drainThread.start();
        // both run until close() shuts the loop down; nothing waits on their futures
        var unusedTick = loop.scheduleAtFixedRate(this::tick, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        var unusedCommit = loop.scheduleWithFixedDelay(
                this::commit,
                delivery.groupCommit().toMillis(),
                delivery.groupCommit().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** One round: read and sign, unless the outbox is full. */
    synchronized void tick() {
        if (outbox.isFull()) {
            if (!outboxFull) {
                LOG.warn("outbox full ({} readings): reading paused, the meter keeps counting", outbox.capacity());
            }
            outboxFull = true;
            return;
        }
        outboxFull = false;
        try {
            ReadingSigner.Prepared p = signer.signDeferred(meter.read());
            outbox.append(p);
            boolean clockBack = (p.signed().message().status() & MeterStatus.CLOCK_STEPPED_BACK) != 0;
            if (clockBack && !clockWasBack) {
                warnClockBack(p.signed().message());
            }
            clockWasBack = clockBack;
            signedCount.incrementAndGet();
            meterFailed = false;
        } catch (RuntimeException e) {
            meterFailed = true;
            LOG.warn("reading or signing failed: {}", e.toString());
        }
    }

    /** One group commit; then the committed readings are handed to the drain and to onSigned. */
    void commit() {
        try {
            long t0 = System.nanoTime();
            List<ReadingSigner.Prepared> written = outbox.commit();
            outboxFailed = false;
            if (!written.isEmpty()) {
                commitTimer.accept(System.nanoTime() - t0);
                if (LOG.isDebugEnabled()) {
                    MDC.put(
                            "seq",
                            Long.toString(written.get(written.size() - 1).next().lastSeq()));
                    LOG.debug("committed {} readings", written.size());
                    MDC.remove("seq");
                }
                drain.wake();
                if (onSigned != null) {
                    written.forEach(p -> onSigned.accept(p.signed()));
                }
            }
        } catch (IOException | RuntimeException e) {
            outboxFailed = true;
            LOG.error("outbox commit failed: {}", e.getMessage());
        }
    }

    /** One warning when the clock steps back (not one per reading while it stays behind). */
    private static void warnClockBack(MeterReading r) {
        MDC.put("seq", Long.toString(r.seq()));
        LOG.warn("clock stepped back: readings keep the last signed time {} and carry CLOCK_STEPPED_BACK", r.timeMs());
        MDC.remove("seq");
    }

    public Health health() {
        if (!started) {
            return Health.STARTING;
        }
        if (outboxFailed) {
            return Health.OUTBOX_FAILED;
        }
        if (outboxFull) {
            return Health.OUTBOX_FULL;
        }
        if (meterFailed) {
            return Health.METER_FAILED;
        }
        if (drain.uplinkDown()) {
            return Health.UPLINK_DOWN;
        }
        return Health.OK;
    }

    /** The meter's address (the signing key). */
    public org.gridshare.protocol.Address meterAddress() {
        return signer.meter();
    }

    /** True when the last read or sign failed. */
    public boolean meterFailed() {
        return meterFailed;
    }

    /** True when the drain cannot reach the broker. */
    public boolean uplinkDown() {
        return drain.uplinkDown();
    }

    /** True while reading is paused because the outbox is full. */
    public boolean outboxFull() {
        return outboxFull;
    }

    /** True when the last group commit failed. */
    public boolean outboxFailed() {
        return outboxFailed;
    }

    /** Readings signed (committed or about to be). */
    public long signedCount() {
        return signedCount.get();
    }

    /** Readings published for the first time by this process. */
    public long publishedCount() {
        return drain.publishedCount();
    }

    /** Publications that failed (link down, timeout); the reading stays in the outbox and is sent again. */
    public long publishErrorCount() {
        return drain.publishErrorCount();
    }

    /** Readings re-sent (no ack in time, a gap reported by the backend, or a reconnect). */
    public long resentCount() {
        return drain.resentCount();
    }

    /** Readings the backend refused for good; kept in the outbox's rejected table with the reason. */
    public long rejectedCount() {
        return drain.rejectedCount();
    }

    /** Readings held in the outbox (not yet acknowledged end to end). */
    public long outboxSize() {
        return outbox.size();
    }

    /** The highest seq the backend has acknowledged. */
    public long ackedThrough() {
        return outbox.ackedThrough();
    }

    public Outbox outbox() {
        return outbox;
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        loop.shutdownNow();
        try {
            loop.awaitTermination(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commit(); // what was signed before the stop is kept
        drain.stop();
        try {
            drainThread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        uplink.close();
        meter.close();
        if (ownsOutbox) {
            outbox.close();
        }
    }
}
