package org.gridshare.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The main job end to end, shortened: every real part starts, three meters' readings are verified,
 * the tampering neighbour's three bad readings are rejected with three different reasons, the
 * households' orders clear and at least one interval settles on-chain with money conserved, and
 * nothing (anvil in particular) is left running afterwards.
 */
class MicrogridDemoIT {
    @Test
    void a_short_demo_verifies_every_households_readings_and_rejects_the_neighbours() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = MicrogridDemo.run(
                new String[] {"--duration", "60s", "--interval", "10s"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, printed + "\n" + err.toString(StandardCharsets.UTF_8));

        for (int h = 1; h <= 3; h++) {
            assertTrue(
                    Pattern.compile("(?m)^household " + h + " .*\\d+$")
                            .matcher(printed)
                            .find(),
                    "no interval row for household " + h + ":\n" + printed);
        }
        Matcher verified = Pattern.compile("Verified readings: (\\d+)").matcher(printed);
        assertTrue(verified.find(), printed);
        assertTrue(Integer.parseInt(verified.group(1)) >= 3 * 15, "too few verified readings:\n" + printed);
        assertTrue(printed.contains("Rejected readings: 3"), printed);
        assertTrue(printed.contains("MALFORMED_JSON"), printed);
        assertTrue(printed.contains("UNREGISTERED_METER"), printed);
        assertTrue(printed.contains("BAD_SIGNATURE") || printed.contains("SIGNER_MISMATCH"), printed);

        // the market: orders cleared per interval, at least one interval settled on-chain, money conserved
        assertTrue(
                Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d–.* SETTLED +0x")
                        .matcher(printed)
                        .find(),
                "no interval settled on-chain:\n" + printed);
        assertTrue(
                printed.contains("sum of all changes")
                        && Pattern.compile("sum of all changes +\\+0\\.000000 ")
                                .matcher(printed)
                                .find(),
                "money not conserved:\n" + printed);

        long anvils = ProcessHandle.current()
                .descendants()
                .filter(p -> p.isAlive() && p.info().command().orElse("").contains("anvil"))
                .count();
        assertEquals(0, anvils, "anvil still running after the demo");
    }
}
