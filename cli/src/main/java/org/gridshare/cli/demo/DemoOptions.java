package org.gridshare.cli.demo;

import java.time.Duration;
import java.util.Locale;

/** Options of {@code ./gridshare demo}, parsed strictly: an unknown or malformed option is an error. */
record DemoOptions(Duration duration, Duration interval, int meters) {
    static final DemoOptions DEFAULTS = new DemoOptions(Duration.ofMinutes(3), Duration.ofMinutes(1), 3);

    static DemoOptions parse(String[] args) {
        Duration duration = DEFAULTS.duration();
        Duration interval = DEFAULTS.interval();
        int meters = DEFAULTS.meters();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--duration" -> duration = parseDuration(option, value);
                case "--interval" -> interval = parseDuration(option, value);
                case "--meters" -> {
                    try {
                        meters = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--meters: '" + value + "' is not a whole number");
                    }
                    if (meters < 1 || meters > 8) {
                        throw new IllegalArgumentException(
                                "--meters: " + meters + " is outside 1..8 (anvil's dev accounts)");
                    }
                }
                default ->
                    throw new IllegalArgumentException(
                            "unknown option " + option + " (known: --duration, --interval, --meters)");
            }
        }
        if (interval.toMillis() % 1000 != 0 || interval.toSeconds() < 10) {
            throw new IllegalArgumentException("--interval: " + interval + " must be whole seconds, at least 10s");
        }
        return new DemoOptions(duration, interval, meters);
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
