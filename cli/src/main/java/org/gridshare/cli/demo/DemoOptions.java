package org.gridshare.cli.demo;

import java.time.Duration;
import java.util.Locale;
import org.gridshare.cli.args.Options;

/** Options of {@code ./gridshare demo}, parsed strictly: an unknown or malformed option is an error. */
public record DemoOptions(Duration duration, Duration interval, int meters) {
    static final DemoOptions DEFAULTS = new DemoOptions(Duration.ofMinutes(3), Duration.ofSeconds(30), 3);

    static final Options OPTIONS = Options.of(
                    "gridshare demo",
                    "gridshare demo: ",
                    "a local microgrid on embedded defaults: MQTT broker, Kafka, a local chain, simulated"
                            + " signed meters;\nprints verified kWh per meter and interval")
            .value("--duration", "3m", false, "how long the meters run (90s, 3m, 1h or PT3M; default 3m)")
            .value("--interval", "30s", false, "the settlement interval (whole seconds, at least 10s; default 30s)")
            .value("--meters", "3", false, "households with a meter, 1..8 (anvil's dev accounts; default 3)");

    /** Parses {@code args}; a usage error (or a request for help) is an IllegalArgumentException. */
    static DemoOptions parse(String[] args) {
        try {
            return of(OPTIONS.parse(args));
        } catch (Options.Stop stop) {
            throw new IllegalArgumentException(stop.problem() == null ? "help asked for" : stop.problem());
        }
    }

    /** The options given, checked; a bad value is an IllegalArgumentException naming the option. */
    static DemoOptions of(Options.Parsed given) {
        Duration duration = DEFAULTS.duration();
        Duration interval = DEFAULTS.interval();
        int meters = DEFAULTS.meters();
        if (given.has("--duration")) {
            duration = parseDuration("--duration", given.get("--duration"));
        }
        if (given.has("--interval")) {
            interval = parseDuration("--interval", given.get("--interval"));
        }
        if (given.has("--meters")) {
            String value = given.get("--meters");
            try {
                meters = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--meters: '" + value + "' is not a whole number");
            }
            if (meters < 1 || meters > 8) {
                throw new IllegalArgumentException("--meters: " + meters + " is outside 1..8 (anvil's dev accounts)");
            }
        }
        checkInterval(interval);
        return new DemoOptions(duration, interval, meters);
    }

    /** {@code --interval}'s value as the demo and {@code local up} accept it: whole seconds, at least 10 s. */
    public static Duration parseInterval(String value) {
        return checkInterval(parseDuration("--interval", value));
    }

    private static Duration checkInterval(Duration interval) {
        if (interval.toMillis() % 1000 != 0 || interval.toSeconds() < 10) {
            throw new IllegalArgumentException("--interval: " + interval + " must be whole seconds, at least 10s");
        }
        return interval;
    }

    /** Accepts {@code 90s}, {@code 3m}, {@code 1h} or an ISO-8601 duration such as {@code PT3M}. */
    static Duration parseDuration(String option, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt")) {
                return positive(option, Duration.parse(value));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return positive(
                    option,
                    switch (v.charAt(v.length() - 1)) {
                        case 's' -> Duration.ofSeconds(n);
                        case 'm' -> Duration.ofMinutes(n);
                        case 'h' -> Duration.ofHours(n);
                        default -> throw new IllegalArgumentException();
                    });
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + ": '" + value + "' is not a duration (e.g. 90s, 3m, 1h)");
        }
    }

    private static Duration positive(String option, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(option + ": must be positive");
        }
        return d;
    }
}
