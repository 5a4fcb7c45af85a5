package org.gridshare.cli.args;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A command made of subcommands ({@code meter decode}, {@code meter detect}): the first argument picks
 * one, {@code --help} or {@code -h} lists them, anything else is an unknown command named with the usage.
 */
public final class Subcommands {
    /** One subcommand: runs on the arguments after its name, returns the exit status. */
    @FunctionalInterface
    public interface Command {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    private record Entry(String synopsis, String summary, Command command) {}

    private final String name;
    private final Map<String, Entry> commands = new LinkedHashMap<>();

    /** {@code name} as typed, e.g. {@code "gridshare meter"}. */
    public Subcommands(String name) {
        this.name = name;
    }

    /** Adds {@code word}; {@code synopsis} are its options as the usage lists them. */
    public Subcommands add(String word, String synopsis, String summary, Command command) {
        commands.put(word, new Entry(synopsis, summary, command));
        return this;
    }

    public String usage() {
        StringBuilder sb = new StringBuilder("usage: ").append(name).append(" <command> [options]\n");
        for (Map.Entry<String, Entry> e : commands.entrySet()) {
            sb.append("  ")
                    .append(e.getKey())
                    .append(' ')
                    .append(e.getValue().synopsis())
                    .append("\n      ")
                    .append(e.getValue().summary())
                    .append('\n');
        }
        sb.append("  ").append(name).append(" <command> --help  prints a command's options");
        return sb.toString();
    }

    /** Runs the subcommand {@code args[0]} names, on the arguments after it; returns the exit status. */
    public int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(usage());
            return 0;
        }
        Entry entry = args.length == 0 ? null : commands.get(args[0]);
        if (entry == null) {
            String typed = name.replaceFirst("^gridshare ?", "");
            String what = String.join(" ", args).isEmpty() ? typed : typed + " " + String.join(" ", args);
            err.println("gridshare: unknown command '" + what.strip() + "'");
            err.println(usage());
            return Options.USAGE_ERROR;
        }
        return entry.command().run(Arrays.copyOfRange(args, 1, args.length), out, err);
    }
}
