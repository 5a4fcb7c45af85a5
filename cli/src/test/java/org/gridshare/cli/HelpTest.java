package org.gridshare.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command and subcommand answers {@code --help} and {@code -h} with a usage naming its options on
 * stdout (exit 0), and an unknown option or subcommand with an error naming it and the usage on stderr
 * (exit 2), through {@link Main} as {@code ./gridshare} runs it. Nothing is started: help and usage
 * errors end the command before it does anything.
 */
class HelpTest {
    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Each command as typed, with the options its usage must name. */
    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of(
                        List.of(),
                        List.of(
                                "demo",
                                "meter decode",
                                "meter detect",
                                "agent run",
                                "market clear",
                                "backend run",
                                "local up")),
                Arguments.of(List.of("demo"), List.of("--duration", "--interval", "--meters")),
                Arguments.of(List.of("meter"), List.of("decode", "detect")),
                Arguments.of(List.of("meter", "decode"), List.of("--protocol", "--key", "--ak", "--format", "FILE")),
                Arguments.of(List.of("meter", "detect"), List.of("--port", "--timeout", "--key")),
                Arguments.of(List.of("agent"), List.of("run")),
                Arguments.of(List.of("agent", "run"), List.of("--config", "--print-config")),
                Arguments.of(List.of("market"), List.of("clear")),
                Arguments.of(List.of("market", "clear"), List.of("--orders", "--price-rule")),
                Arguments.of(List.of("backend"), List.of("run")),
                Arguments.of(List.of("backend", "run"), List.of("--config", "--print-config")),
                Arguments.of(List.of("local"), List.of("up")),
                Arguments.of(List.of("local", "up"), List.of("--dir", "--meters", "--interval")));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void help_prints_the_usage_naming_every_option_and_exits_0(List<String> command, List<String> options) {
        for (String help : List.of("--help", "-h")) {
            Run r = run(with(command, help));
            assertEquals(0, r.status(), command + " " + help + ": " + r.err());
            assertEquals("", r.err(), command + " " + help);
            assertTrue(r.out().startsWith("usage:"), r.out());
            for (String option : options) {
                assertTrue(r.out().contains(option), command + " " + help + " lacks " + option + ":\n" + r.out());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("commands")
    void an_unknown_option_is_named_with_the_usage_on_stderr_and_exits_2(List<String> command) {
        Run r = run(with(command, "--frobnicate"));
        assertEquals(2, r.status(), command + ": " + r.out());
        assertEquals("", r.out(), command.toString());
        assertTrue(r.err().contains("'") && r.err().contains("--frobnicate"), command + ":\n" + r.err());
        assertTrue(r.err().contains("usage:"), command + ":\n" + r.err());
    }

    @ParameterizedTest
    @MethodSource("groups")
    void an_unknown_subcommand_is_named_with_the_usage_on_stderr_and_exits_2(String group) {
        Run r = run(group, "frobnicate");
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().contains("unknown command '" + group + " frobnicate'"), r.err());
        assertTrue(r.err().contains("usage: gridshare " + group), r.err());
    }

    static Stream<String> groups() {
        return Stream.of("meter", "agent", "market");
    }

    @Test
    void an_unknown_top_level_command_is_named_with_the_usage_and_exits_2() {
        Run r = run("frobnicate");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown command 'frobnicate'"), r.err());
        assertTrue(r.err().contains("usage: ./gridshare"), r.err());
    }

    private static String[] with(List<String> command, String... more) {
        List<String> args = new ArrayList<>(command);
        args.addAll(Arrays.asList(more));
        return args.toArray(String[]::new);
    }
}
