package org.gridshare.backend.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
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
    void keeps_the_last_answer_for_a_known_meter_when_the_chain_is_unreachable() {
        assertEquals(MeterStanding.State.ACTIVE, directory.standing(METER).state());
        chain.set(new IOException("connection refused"));
        clock.advance(Duration.ofSeconds(10));
        assertEquals(MeterStanding.State.ACTIVE, directory.standing(METER).state());
        Address unknown = Address.fromHex("0x00000000000000000000000000000000000000b2");
        assertEquals(
                MeterStanding.State.UNAVAILABLE, directory.standing(unknown).state());
    }

    @Test
    void answers_unregistered_for_a_meter_the_chain_does_not_know() {
        chain.set(null);
        assertEquals(MeterStanding.State.UNREGISTERED, directory.standing(METER).state());
    }
}
