package org.gridshare.cli;

import java.io.PrintStream;
import java.util.Arrays;
import org.gridshare.cli.agent.AgentCommand;
import org.gridshare.cli.args.Options;
import org.gridshare.cli.args.Subcommands;
import org.gridshare.cli.backend.BackendCommand;
import org.gridshare.cli.demo.MicrogridDemo;
import org.gridshare.cli.local.LocalCommand;
import org.gridshare.cli.market.ClearCommand;
import org.gridshare.cli.meter.MeterDecodeCommand;
import org.gridshare.cli.meter.MeterDetectCommand;
import org.gridshare.cli.provision.ProvisionCommand;

/** The {@code ./gridshare} command: one entry point, one sub-command per user task. */
public final class Main {
    private static final Subcommands METER = new Subcommands("gridshare meter")
            .add(
                    "decode",
                    "--protocol dsmr|sml|iec62056-21|bthome [--key HEX] [--format json|table] FILE",
                    "decode a captured meter telegram (installers)",
                    MeterDecodeCommand::run)
            .add(
                    "detect",
                    "--port /dev/ttyUSB0 [--timeout 10s] [--key HEX]",
                    "find which meter protocol and baud rate a serial port speaks (installers)",
                    MeterDetectCommand::run);
    private static final Subcommands MARKET = new Subcommands("gridshare market")
            .add(
                    "clear",
                    "--orders FILE [--price-rule midpoint|buyer|seller]",
                    "replay the clearing of one order book (auditors)",
                    ClearCommand::run);

    private Main() {}

    public static void main(String[] args) {
        // initialise logging on this one thread: parts that start side by side would otherwise all log
        // during logback's start-up, and SLF4J prints a "replayed calls" warning about it
        org.slf4j.LoggerFactory.getILoggerFactory();
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(out);
            return args.length == 0 ? Options.USAGE_ERROR : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "demo":
                return MicrogridDemo.run(rest, out, err);
            case "meter":
                return METER.run(rest, out, err);
            case "agent":
                return AgentCommand.run(rest, out, err);
            case "market":
                return MARKET.run(rest, out, err);
            case "backend":
                return BackendCommand.run(rest, out, err);
            case "local":
                return LocalCommand.run(rest, out, err);
            case "provision":
                return ProvisionCommand.run(rest, out, err);
            default:
                break;
        }
        String what = args[0].startsWith("-") ? "option" : "command";
        err.println("gridshare: unknown " + what + " '" + String.join(" ", args) + "'");
        usage(err);
        return Options.USAGE_ERROR;
    }

    private static void usage(PrintStream out) {
        out.println("""
        usage: ./gridshare <command> [options]

          demo [--duration 3m] [--interval 30s] [--meters 3]
                      a local microgrid on embedded defaults: MQTT broker, Kafka, a local chain,
                      simulated signed meters; prints verified kWh per meter and interval
          meter decode --protocol dsmr|sml|iec62056-21|bthome [--key HEX] [--format json|table] FILE
                      decode a captured meter telegram (installers)
          meter detect --port /dev/ttyUSB0 [--timeout 10s] [--key HEX]
                      find which meter protocol and baud rate a serial port speaks (installers)
          agent run --config FILE [--print-config]
                      run the household agent (firmware-config/examples/simulated.yaml runs anywhere)
          market clear --orders FILE [--price-rule midpoint|buyer|seller]
                      replay the clearing of one order book (auditors)
          backend run --config FILE [--print-config]
                      run the grid operator's backend against existing MQTT, Kafka and chain (operators)
          local up [--dir DIR] [--meters 2] [--interval 1m]
                      start the embedded MQTT broker, Kafka and chain, deploy the contracts and write
                      backend.yaml and agent configurations to run by hand; stays up until Ctrl-C
          provision --zone Z --chain-id N --market A --registry A --mqtt URI --installer A [...]
                      on the box: find and read the meter live, make the keys, write the signed
                      commissioning record and the agent configuration (installers)

        Every command and subcommand answers --help (or -h) with its options.
        """);
    }
}
