package org.gridshare.backend.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MeterDirectory} over the chain with a per-meter cache, in one of two modes.
 *
 * <ul>
 *   <li><b>Events</b> ({@link RegistryChain}): a meter's answer is looked up once and then kept until the
 *       registry emits an event naming it ({@code MeterRegistered}, {@code MeterRevoked},
 *       {@code MeterReplaced}); the event log is polled every {@code pollInterval} (one
 *       {@code eth_getLogs} for all meters, not one {@code eth_call} per meter). A revocation takes
 *       effect at most {@code pollInterval} after its block.
 *   <li><b>Lookups</b> ({@link ChainLookup}, or a zero {@code pollInterval}): each answer is trusted for
 *       {@code maxAge} and then looked up again on the meter's next reading.
 * </ul>
 *
 * <p>Fail-closed: an answer is used only while it is younger than {@code maxAge}, counted from its lookup
 * or from the last successful poll that confirmed it (found no event for it). When the chain cannot be
 * reached beyond that, every meter is {@code UNAVAILABLE}, known ones too: the reading is rejected as
 * transient and the agent re-sends it, it is never verified on a stale answer.
 *
 * <p>Thread-safe: hits are lock-free; misses, lookups and polls take one lock, so that an answer looked
 * up before an invalidating event cannot be stored after the poll that saw the event.
 */
public final class CachedMeterDirectory implements MeterDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(CachedMeterDirectory.class);
    private static final long WARN_EVERY_MS = 10_000;

    /** One on-chain lookup: the meter's record, empty when never registered. */
    @FunctionalInterface
    public interface ChainLookup {
        Optional<Entry> lookup(Address meter) throws Exception;
    }

    /** The registry on the chain: per-meter lookups and the blocks' change events. */
    public interface RegistryChain extends ChainLookup {
        /** The newest block number. */
        long head() throws Exception;

        /** Every meter named by a registration, revocation or replacement event in blocks [from, to]. */
        Set<Address> changed(long fromBlock, long toBlock) throws Exception;
    }

    /**
     * What the chain holds for a registered meter.
     *
     * @param genesis the registration's genesis; null from a registry that records none (v1)
     */
    public record Entry(Bytes32 zone, boolean active, Genesis genesis) {
        public Entry(Bytes32 zone, boolean active) {
            this(zone, active, null);
        }
    }

    private final ChainLookup chain;
    private final RegistryChain events; // null in lookups mode
    private final Function<String, Bytes32> zoneIds;
    private final long maxAgeMs;
    private final long pollIntervalMs;
    private final Clock clock;
    private final Map<Address, MeterStanding> cache = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final AutoCloseable onClose;
    // written under lock, read without it: a hit may see the previous poll's value, never a torn one
    private volatile long lastPollOkMs = Long.MIN_VALUE;
    private volatile long lastPollAttemptMs = Long.MIN_VALUE;
    private long polledThroughBlock = -1;
    private long lastWarnMs = Long.MIN_VALUE;

    /** Lookups mode: each answer trusted for {@code maxAge}. */
    public CachedMeterDirectory(
            ChainLookup chain, Function<String, Bytes32> zoneIds, Duration maxAge, Clock clock, AutoCloseable onClose) {
        this(chain, null, zoneIds, maxAge, Duration.ZERO, clock, onClose);
    }

    /**
     * Events mode: answers kept until an event names the meter, polled every {@code pollInterval}; with no
     * successful poll for {@code maxAge} the directory fails closed. A zero {@code pollInterval} is lookups
     * mode.
     */
    public CachedMeterDirectory(
            RegistryChain chain,
            Function<String, Bytes32> zoneIds,
            Duration maxAge,
            Duration pollInterval,
            Clock clock,
            AutoCloseable onClose) {
        this(chain, pollInterval.isZero() ? null : chain, zoneIds, maxAge, pollInterval, clock, onClose);
    }

    private CachedMeterDirectory(
            ChainLookup chain,
            RegistryChain events,
            Function<String, Bytes32> zoneIds,
            Duration maxAge,
            Duration pollInterval,
            Clock clock,
            AutoCloseable onClose) {
        this.chain = Objects.requireNonNull(chain, "chain");
        this.events = events;
        this.zoneIds = Objects.requireNonNull(zoneIds, "zoneIds");
        this.maxAgeMs = Objects.requireNonNull(maxAge, "maxAge").toMillis();
        this.pollIntervalMs =
                Objects.requireNonNull(pollInterval, "pollInterval").toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.onClose = onClose;
        if (maxAgeMs < 0 || pollIntervalMs < 0) {
            throw new IllegalArgumentException("maxAge and pollInterval must not be negative");
        }
        if (events != null && pollIntervalMs >= maxAgeMs) {
            throw new IllegalArgumentException("pollInterval " + pollInterval + " must be shorter than maxAge " + maxAge
                    + ", or one slow poll fails the directory closed");
        }
    }

    @Override
    public MeterStanding standing(Address meter) {
        long now = clock.millis();
        if (events != null && now - lastPollAttemptMs >= pollIntervalMs && lock.tryLock()) {
            try {
                poll(now);
            } finally {
                lock.unlock();
            }
        }
        MeterStanding cached = cache.get(meter);
        if (cached != null && fresh(cached, now)) {
            return cached;
        }
        lock.lock();
        try {
            cached = cache.get(meter); // another thread may have looked it up meanwhile
            if (cached != null && fresh(cached, now)) {
                return cached;
            }
            if (events != null && polledThroughBlock < 0) {
                // nothing may be cached before the first poll fixes the block the events are read from
                poll(now);
                if (polledThroughBlock < 0) {
                    return MeterStanding.unavailable(now);
                }
            }
            MeterStanding fresh;
            try {
                fresh = chain.lookup(meter)
                        .map(e -> new MeterStanding(
                                e.active() ? MeterStanding.State.ACTIVE : MeterStanding.State.REVOKED,
                                e.zone(),
                                now,
                                e.genesis()))
                        .orElseGet(() -> MeterStanding.unregistered(now));
            } catch (Exception e) {
                warn(
                        now,
                        "registry lookup of meter " + meter + " failed; "
                                + (cached == null ? "unknown meter" : "its " + cached.state() + " answer is too old")
                                + ": UNAVAILABLE",
                        e);
                cache.remove(meter); // stale: never served again, only a new answer is
                return MeterStanding.unavailable(now);
            }
            cache.put(meter, fresh);
            return fresh;
        } finally {
            lock.unlock();
        }
    }

    /** Younger than max age since its lookup or since the last poll that confirmed it. */
    private boolean fresh(MeterStanding s, long now) {
        long confirmed = events == null ? s.checkedAtMs() : Math.max(s.checkedAtMs(), lastPollOkMs);
        return now - confirmed < maxAgeMs;
    }

    /** Reads the events since the last poll and drops the answers they name. Under the lock. */
    private void poll(long now) {
        lastPollAttemptMs = now;
        try {
            long head = events.head();
            if (polledThroughBlock < 0) {
                // answers looked up before the first poll cannot be tied to a block: start clean
                cache.clear();
            } else if (head > polledThroughBlock) {
                Set<Address> changed = events.changed(polledThroughBlock + 1, head);
                for (Address m : changed) {
                    cache.remove(m);
                }
                if (!changed.isEmpty()) {
                    LOG.debug(
                            "registry events in blocks {}..{}: {} meters re-read",
                            polledThroughBlock + 1,
                            head,
                            changed);
                }
            }
            polledThroughBlock = Math.max(polledThroughBlock, head);
            lastPollOkMs = now;
        } catch (Exception e) {
            warn(
                    now,
                    "polling the registry's events failed; answers expire " + maxAgeMs + " ms after the last good poll",
                    e);
        }
    }

    private void warn(long now, String message, Exception e) {
        // a registry outage would otherwise log once per reading
        if (now - lastWarnMs >= WARN_EVERY_MS) {
            lastWarnMs = now;
            LOG.warn(message, e);
        } else {
            LOG.debug(message, e);
        }
    }

    @Override
    public Bytes32 zoneId(String topicZone) {
        return zoneIds.apply(topicZone);
    }

    @Override
    public void close() {
        if (onClose != null) {
            try {
                onClose.close();
            } catch (Exception e) {
                LOG.debug("closing the registry client", e);
            }
        }
    }
}
