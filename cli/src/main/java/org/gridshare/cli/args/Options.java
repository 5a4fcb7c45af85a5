package org.gridshare.cli.args;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The options of one command, declared once: the same declarations parse the arguments strictly (an
 * unknown option, a missing value or a stray argument is an error that names it) and print the usage
 * text that {@code --help} and {@code -h} show. Every {@code ./gridshare} command parses through this
 * class, so they all answer help and errors the same way: usage on stdout with exit 0 for help, the
 * error and the usage on stderr with exit 2 otherwise.
 */
public final class Options {
    /** Exit status of a usage error. */
    public static final int USAGE_ERROR = 2;

    private final String command;
    private final String errorPrefix;
    private final String summary;
    private final List<Option> options = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private String positional;
    private String positionalHelp;
    private boolean positionalRequired;

    private record Option(String name, String valueName, String help, boolean required) {
        boolean takesValue() {
            return valueName != null;
        }

        String synopsis() {
            String s = takesValue() ? name + " " + valueName : name;
            return required ? s : "[" + s + "]";
        }

        String column() {
            return takesValue() ? name + " " + valueName : name;
        }
    }

    private Options(String command, String errorPrefix, String summary) {
        this.command = command;
        this.errorPrefix = errorPrefix;
        this.summary = summary;
    }

    /**
     * A command named {@code command} (as typed: {@code "gridshare meter decode"}) whose errors start with
     * {@code errorPrefix} (each command keeps the prefix its users and scripts already know).
     */
    public static Options of(String command, String errorPrefix, String summary) {
        return new Options(command, errorPrefix, summary);
    }

    /** An option with a value; required options are checked in the order they are declared. */
    public Options value(String name, String valueName, boolean required, String help) {
        options.add(new Option(name, valueName, help, required));
        return this;
    }

    /** An option without a value. */
    public Options flag(String name, String help) {
        options.add(new Option(name, null, help, false));
        return this;
    }

    /** The one positional argument the command takes. */
    public Options positional(String name, boolean required, String help) {
        this.positional = name;
        this.positionalRequired = required;
        this.positionalHelp = help;
        return this;
    }

    /** A line printed under the options (formats, defaults, examples). */
    public Options note(String line) {
        notes.add(line);
        return this;
    }

    /** The usage text: the synopsis, then one line per option. */
    public String usage() {
        StringBuilder sb = new StringBuilder("usage: ").append(command);
        for (Option o : options) {
            sb.append(' ').append(o.synopsis());
        }
        if (positional != null) {
            sb.append(' ').append(positionalRequired ? positional : "[" + positional + "]");
        }
        sb.append('\n');
        if (summary != null) {
            sb.append(summary).append('\n');
        }
        int width = "-h, --help".length();
        for (Option o : options) {
            width = Math.max(width, o.column().length());
        }
        if (positional != null) {
            width = Math.max(width, positional.length());
        }
        String format = "  %-" + width + "s  %s%n";
        for (Option o : options) {
            sb.append(String.format(format, o.column(), o.help()));
        }
        if (positional != null && positionalHelp != null) {
            sb.append(String.format(format, positional, positionalHelp));
        }
        sb.append(String.format(format, "-h, --help", "print this text and exit"));
        for (String note : notes) {
            sb.append("  ").append(note).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    /**
     * Parses {@code args}. Help and usage errors end the command: the {@link Stop} they throw prints what
     * it should and gives the exit status.
     */
    public Parsed parse(String[] args) throws Stop {
        Map<String, String> values = new LinkedHashMap<>();
        String argument = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                throw new Stop(this, null);
            }
            Optional<Option> known =
                    options.stream().filter(o -> o.name().equals(a)).findFirst();
            if (known.isPresent()) {
                Option o = known.get();
                if (!o.takesValue()) {
                    values.put(a, "");
                } else if (i + 1 >= args.length) {
                    throw new Stop(this, a + " needs a value");
                } else {
                    values.put(a, args[++i]);
                }
            } else if (a.startsWith("-") && !a.equals("-")) {
                throw new Stop(this, "unknown option '" + a + "'");
            } else if (positional == null || argument != null) {
                throw new Stop(this, "unexpected argument '" + a + "'");
            } else {
                argument = a;
            }
        }
        for (Option o : options) {
            if (o.required() && !values.containsKey(o.name())) {
                throw new Stop(this, o.name() + " is required");
            }
        }
        if (positionalRequired && argument == null) {
            throw new Stop(this, positional + " is required");
        }
        return new Parsed(values, argument);
    }

    /** A usage error found after parsing (a bad value): the error and the usage on {@code err}, exit 2. */
    public int fail(PrintStream err, String problem) {
        err.println(errorPrefix + problem);
        err.println(usage());
        return USAGE_ERROR;
    }

    /** What was given: option values by name, flags as present, and the positional argument. */
    public record Parsed(Map<String, String> values, String argument) {
        /** The option's value, or {@code otherwise} when it was not given. */
        public String get(String name, String otherwise) {
            return values.getOrDefault(name, otherwise);
        }

        /** The option's value, or null when it was not given. */
        public String get(String name) {
            return values.get(name);
        }

        public boolean has(String name) {
            return values.containsKey(name);
        }
    }

    /** The end of a command before it ran: help asked for (exit 0), or a usage error (exit 2). */
    public static final class Stop extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Options options;
        private final String problem;

        Stop(Options options, String problem) {
            super(problem == null ? "help" : problem, null, false, false);
            this.options = options;
            this.problem = problem;
        }

        /** The usage error, or null when help was asked for. */
        public String problem() {
            return problem;
        }

        /** Prints the usage (on {@code out} for help, after the error on {@code err} otherwise); the exit status. */
        public int report(PrintStream out, PrintStream err) {
            if (problem == null) {
                out.println(options.usage());
                return 0;
            }
            return options.fail(err, problem);
        }
    }
}
