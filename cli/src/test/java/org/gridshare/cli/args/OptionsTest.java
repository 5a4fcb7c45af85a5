package org.gridshare.cli.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OptionsTest {
    private static final Options OPTIONS = Options.of("gridshare thing", "thing: ", "does a thing")
            .value("--in", "FILE", true, "what to read")
            .value("--mode", "a|b", false, "how")
            .flag("--dry-run", "change nothing")
            .positional("NAME", false, "a name");

    @Test
    void parses_values_flags_and_the_positional_in_any_order() throws Exception {
        Options.Parsed p = OPTIONS.parse(new String[] {"x", "--dry-run", "--in", "f.json"});
        assertEquals("f.json", p.get("--in"));
        assertEquals("a", p.get("--mode", "a"));
        assertTrue(p.has("--dry-run"));
        assertEquals("x", p.argument());
        assertNull(OPTIONS.parse(new String[] {"--in", "-"}).argument(), "- is a value here, not an option");
    }

    @Test
    void usage_errors_name_what_is_wrong() {
        assertEquals("unknown option '--out'", problem("--in", "f", "--out", "g"));
        assertEquals("--in needs a value", problem("--in"));
        assertEquals("--in is required", problem("x"));
        assertEquals("unexpected argument 'y'", problem("--in", "f", "x", "y"));
    }

    @Test
    void help_goes_to_stdout_with_exit_0_and_an_error_to_stderr_with_the_usage_and_exit_2() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        Options.Stop help = assertThrows(Options.Stop.class, () -> OPTIONS.parse(new String[] {"--in", "f", "-h"}));
        assertEquals(0, help.report(o, e));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        String usage = out.toString(StandardCharsets.UTF_8);
        assertTrue(usage.startsWith("usage: gridshare thing --in FILE [--mode a|b] [--dry-run] [NAME]\n"), usage);
        assertTrue(usage.contains("  --mode a|b  how\n"), usage);
        assertTrue(usage.contains("  -h, --help  print this text and exit"), usage);

        out.reset();
        Options.Stop bad = assertThrows(Options.Stop.class, () -> OPTIONS.parse(new String[] {"--nope"}));
        assertEquals(2, bad.report(o, e));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8)
                .startsWith("thing: unknown option '--nope'\nusage: gridshare thing"));
    }

    private static String problem(String... args) {
        return assertThrows(Options.Stop.class, () -> OPTIONS.parse(args)).problem();
    }
}
