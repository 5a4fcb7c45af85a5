package org.gridshare.agent.uplink;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void delays_double_up_to_the_cap_with_jitter_in_the_upper_half() {
        Backoff b = new Backoff(1000, 60_000, new Random(3));
        long ceiling = 1000;
        for (int i = 0; i < 12; i++) {
            long d = b.nextDelayMs();
            assertTrue(
                    d >= ceiling / 2 && d <= ceiling,
                    "attempt " + i + ": " + d + " not in [" + ceiling / 2 + ", " + ceiling + "]");
            ceiling = Math.min(60_000, ceiling * 2);
        }
        b.reset();
        long d = b.nextDelayMs();
        assertTrue(d >= 500 && d <= 1000, "after reset: " + d);
    }

    @Test
    void boxes_that_lost_the_same_broker_do_not_retry_in_lockstep() {
        Random seeds = new Random(9);
        Set<Long> fifthDelays = new HashSet<>();
        for (int box = 0; box < 50; box++) {
            Backoff b = new Backoff(1000, 60_000, new Random(seeds.nextLong()));
            long d = 0;
            for (int i = 0; i < 5; i++) {
                d = b.nextDelayMs();
            }
            fifthDelays.add(d);
        }
        assertTrue(fifthDelays.size() > 45, "distinct delays: " + fifthDelays.size());
    }
}
