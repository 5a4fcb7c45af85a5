package org.gridshare.cli.demo;

import java.time.Duration;

/**
 * How a simulated household's meter pulses: S0 meters at 1,000 impulses per kWh, one pulse per
 * {@code importEvery} for import and per {@code exportEvery} for export (null: no export output).
 * One pulse per 3.6 s is 1 kW.
 */
record HouseholdProfile(String label, Duration importEvery, Duration exportEvery) {
    static final long IMPULSES_PER_KWH = 1_000;

    private static final HouseholdProfile[] PROFILES = {
        new HouseholdProfile("family, heat pump (3 kW import)", Duration.ofMillis(1_200), null),
        new HouseholdProfile(
                "rooftop solar (4 kW export, 0.4 kW import)", Duration.ofMillis(9_000), Duration.ofMillis(900)),
        new HouseholdProfile("flat (1 kW import)", Duration.ofMillis(3_600), null),
        new HouseholdProfile("solar + battery (2 kW export)", null, Duration.ofMillis(1_800)),
    };

    static HouseholdProfile of(int index) {
        return PROFILES[index % PROFILES.length];
    }
}
