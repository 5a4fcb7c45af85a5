package org.gridshare.agent.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetForecasterTest {
    @Test
    void no_history_gives_no_forecast() {
        assertTrue(NetForecaster.smoothed(List.of(), 50).isEmpty());
        assertTrue(NetForecaster.persistence(List.of()).isEmpty());
    }

    @Test
    void persistence_is_the_latest_interval() {
        assertEquals(
                -700, NetForecaster.persistence(List.of(1000L, 2000L, -700L)).getAsLong());
    }

    @Test
    void smoothing_by_hand_with_alpha_one_half() {
        // S1 = 1000; S2 = 0.5*2000 + 0.5*1000 = 1500; S3 = 0.5*(-1000) + 0.5*1500 = 250
        assertEquals(
                250, NetForecaster.smoothed(List.of(1000L, 2000L, -1000L), 50).getAsLong());
        // alpha 0.2: S2 = 0.2*0 + 0.8*1000 = 800; S3 = 0.2*3000 + 0.8*800 = 1240
        assertEquals(1240, NetForecaster.smoothed(List.of(1000L, 0L, 3000L), 20).getAsLong());
    }

    @Test
    void the_first_interval_alone_is_persistence() {
        assertEquals(4321, NetForecaster.smoothed(List.of(4321L), 30).getAsLong());
    }

    @Test
    void rounds_half_away_from_zero() {
        assertEquals(1, NetForecaster.smoothed(List.of(0L, 1L), 50).getAsLong());
        assertEquals(-1, NetForecaster.smoothed(List.of(0L, -1L), 50).getAsLong());
        assertEquals(0, NetForecaster.smoothed(List.of(0L, 1L), 49).getAsLong());
    }

    @Test
    void alpha_100_is_persistence_and_the_level_stays_within_the_history() {
        Random random = new Random(7);
        for (int run = 0; run < 1000; run++) {
            List<Long> nets = new ArrayList<>();
            int n = 1 + random.nextInt(40);
            for (int i = 0; i < n; i++) {
                nets.add(random.nextLong(-5_000_000, 5_000_000));
            }
            assertEquals(
                    NetForecaster.persistence(nets).getAsLong(),
                    NetForecaster.smoothed(nets, 100).getAsLong());
            long f = NetForecaster.smoothed(nets, 1 + random.nextInt(100)).getAsLong();
            long min = nets.stream().mapToLong(Long::longValue).min().orElseThrow();
            long max = nets.stream().mapToLong(Long::longValue).max().orElseThrow();
            assertTrue(f >= min && f <= max, "forecast " + f + " outside [" + min + ", " + max + "] of " + nets);
        }
    }

    @Test
    void rejects_alpha_outside_1_to_100() {
        assertThrows(IllegalArgumentException.class, () -> NetForecaster.smoothed(List.of(1L), 0));
        assertThrows(IllegalArgumentException.class, () -> NetForecaster.smoothed(List.of(1L), 101));
    }
}
