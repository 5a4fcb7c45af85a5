package org.gridshare.backend.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.ZoneIds;
import org.gridshare.testsupport.TestClock;
import org.junit.jupiter.api.Test;

/** The cache's revocation window and outage behaviour, with a clock the test moves. */
class CachedMeterDirectoryTest {
    private static final Address METER = Address.fromHex("0x00000000000000000000000000000000000000a1");
    private static final Bytes32 ZONE = ZoneIds.of("zone-a");

    private final TestClock clock = TestClock.at(1_800_000_000_000L);
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicReference<Object> chain = new AtomicReference<>(new CachedMeterDirectory.Entry(ZONE, true));
    private final CachedMeterDirectory directory = new CachedMeterDirectory(
            meter -> {
                calls.incrementAndGet();
                Object answer = chain.get();
                if (answer instanceof Exception e) {
                    throw e;
                }
                return Optional.ofNullable((CachedMeterDirectory.Entry) answer);
            },
            ZoneIds::of,
            Duration.ofSeconds(2),
            clock,
            null);

    @Test
    void notices_a_revocation_once_the_cached_answer_is_older_than_max_age() {
        assertEquals(MeterStanding.State.ACTIVE, directory.standing(METER).state());
        chain.set(new CachedMeterDirectory.Entry(ZONE, false));
        clock.advance(Duration.ofMillis(1_999));
        assertEquals(MeterStanding.State.ACTIVE, directory.standing(METER).state(), "inside the window");
        assertEquals(1, calls.get());
        clock.advance(Duration.ofMillis(1));
        assertEquals(MeterStanding.State.REVOKED, directory.standing(METER).state());
        assertEquals(2, calls.get());
    }

    @Test
    void fails_closed_once_a_known_meters_answer_is_older_than_max_age_and_the_chain_is_unreachable() {
        assertEquals(MeterStanding.State.ACTIVE, directory.standing(METER).state());
        chain.set(new IOException("connection refused"));
        clock.advance(Duration.ofMillis(1_999));
        assertEquals(MeterStanding.State.ACTIVE, directory.standing(METER).state(), "inside max age");
        clock.advance(Duration.ofMillis(1));
        assertEquals(MeterStanding.State.UNAVAILABLE, directory.standing(METER).state(), "stale ACTIVE not kept");
        Address unknown = Address.fromHex("0x00000000000000000000000000000000000000b2");
        assertEquals(
                MeterStanding.State.UNAVAILABLE, directory.standing(unknown).state());
        chain.set(new CachedMeterDirectory.Entry(ZONE, true));
        assertEquals(MeterStanding.State.ACTIVE, directory.standing(METER).state(), "back once the chain answers");
    }

    /** A chain with blocks and events the test appends to, for the events mode. */
    private static final class EventChain implements CachedMeterDirectory.RegistryChain {
        final java.util.Map<Address, CachedMeterDirectory.Entry> meters = new java.util.HashMap<>();
        final java.util.List<Address> eventMeters = new java.util.ArrayList<>(); // index = block number
        final AtomicInteger lookups = new AtomicInteger();
        final AtomicInteger polls = new AtomicInteger();
        volatile boolean down;

        EventChain() {
            eventMeters.add(null); // block 0
        }

        void event(Address meter, CachedMeterDirectory.Entry now) {
            meters.put(meter, now);
            eventMeters.add(meter);
        }

        @Override
        public Optional<CachedMeterDirectory.Entry> lookup(Address meter) throws IOException {
            if (down) {
                throw new IOException("connection refused");
            }
            lookups.incrementAndGet();
            return Optional.ofNullable(meters.get(meter));
        }

        @Override
        public long head() throws IOException {
            if (down) {
                throw new IOException("connection refused");
            }
            polls.incrementAndGet();
            return eventMeters.size() - 1;
        }

        @Override
        public java.util.Set<Address> changed(long from, long to) {
            java.util.Set<Address> out = new java.util.HashSet<>();
            for (long b = from; b <= to; b++) {
                Address m = eventMeters.get((int) b);
                if (m != null) {
                    out.add(m);
                }
            }
            return out;
        }
    }

    @Test
    void events_mode_keeps_answers_until_an_event_names_the_meter_with_one_poll_per_interval() {
        EventChain events = new EventChain();
        Address other = Address.fromHex("0x00000000000000000000000000000000000000c3");
        events.event(METER, new CachedMeterDirectory.Entry(ZONE, true, new Genesis(1, 0, 0)));
        events.event(other, new CachedMeterDirectory.Entry(ZONE, true));
        CachedMeterDirectory d = new CachedMeterDirectory(
                events, ZoneIds::of, Duration.ofSeconds(10), Duration.ofSeconds(1), clock, null);
        assertEquals(new Genesis(1, 0, 0), d.standing(METER).genesis());
        for (int i = 0; i < 100; i++) { // 100 readings of each meter over 50 s: no per-meter call after the first
            clock.advance(Duration.ofMillis(500));
            assertEquals(MeterStanding.State.ACTIVE, d.standing(METER).state());
            assertEquals(MeterStanding.State.ACTIVE, d.standing(other).state());
        }
        assertEquals(2, events.lookups.get());
        assertEquals(51, events.polls.get(), "one poll per second, not one call per reading");

        events.event(METER, new CachedMeterDirectory.Entry(ZONE, false, new Genesis(1, 0, 0)));
        assertEquals(MeterStanding.State.ACTIVE, d.standing(METER).state(), "until the next poll");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(MeterStanding.State.REVOKED, d.standing(METER).state(), "within one poll interval");
        assertEquals(MeterStanding.State.ACTIVE, d.standing(other).state());
        assertEquals(3, events.lookups.get(), "only the meter the event names is read again");
    }

    @Test
    void events_mode_fails_closed_max_age_after_the_last_good_poll() {
        EventChain events = new EventChain();
        events.event(METER, new CachedMeterDirectory.Entry(ZONE, true));
        CachedMeterDirectory d = new CachedMeterDirectory(
                events, ZoneIds::of, Duration.ofSeconds(5), Duration.ofSeconds(1), clock, null);
        assertEquals(MeterStanding.State.ACTIVE, d.standing(METER).state());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(MeterStanding.State.ACTIVE, d.standing(METER).state()); // a good poll at +1 s
        events.down = true;
        clock.advance(Duration.ofMillis(4_999));
        assertEquals(MeterStanding.State.ACTIVE, d.standing(METER).state(), "within max age of the last poll");
        clock.advance(Duration.ofMillis(1));
        assertEquals(MeterStanding.State.UNAVAILABLE, d.standing(METER).state());
        events.down = false;
        clock.advance(Duration.ofSeconds(1));
        assertEquals(MeterStanding.State.ACTIVE, d.standing(METER).state());
    }

    @Test
    void events_mode_asks_nothing_cached_before_its_first_poll() {
        EventChain events = new EventChain();
        events.event(METER, new CachedMeterDirectory.Entry(ZONE, true));
        events.down = true;
        CachedMeterDirectory d = new CachedMeterDirectory(
                events, ZoneIds::of, Duration.ofSeconds(5), Duration.ofSeconds(1), clock, null);
        assertEquals(MeterStanding.State.UNAVAILABLE, d.standing(METER).state());
        events.down = false;
        clock.advance(Duration.ofSeconds(1));
        assertEquals(MeterStanding.State.ACTIVE, d.standing(METER).state());
    }

    @Test
    void answers_unregistered_for_a_meter_the_chain_does_not_know() {
        chain.set(null);
        assertEquals(MeterStanding.State.UNREGISTERED, directory.standing(METER).state());
    }
}
