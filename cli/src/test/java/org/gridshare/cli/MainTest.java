package org.gridshare.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void help_lists_every_command() {
        assertEquals(0, run("help"));
        String usage = out.toString(StandardCharsets.UTF_8);
        for (String command : new String[] {"demo", "meter decode", "meter detect", "agent run", "market clear"}) {
            assertTrue(usage.contains(command), command + " missing from:\n" + usage);
        }
    }

    @Test
    void an_unknown_command_is_named_and_exits_2() {
        assertEquals(2, run("meter", "guess"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command 'meter guess'"));
    }

    @Test
    void market_clear_is_dispatched_to_the_clearing_replay(@TempDir Path dir) throws Exception {
        Path book = dir.resolve("book.json");
        Files.writeString(book, """
        {"zone": "zone-1", "intervalStartMs": 0, "feedInTariff": 80, "retailTariff": 300,
         "orders": [{"id": "b", "side": "buy", "energyMilliWh": 1000, "limitPrice": 200, "timeMs": 1},
                    {"id": "s", "side": "sell", "energyMilliWh": 1000, "limitPrice": 100, "timeMs": 2}]}
        """);
        assertEquals(0, run("market", "clear", "--orders", book.toString()), err.toString(StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("\"clearingPrice\":150"), printed);
        assertTrue(printed.contains("\"matchedMilliWh\":1000"), printed);
    }
}
