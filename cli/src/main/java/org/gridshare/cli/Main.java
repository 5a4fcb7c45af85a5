package org.gridshare.cli;

import java.io.PrintStream;
import java.util.Arrays;
import org.gridshare.agent.cli.AgentCommand;
import org.gridshare.backend.clearing.ClearCommand;
import org.gridshare.cli.demo.MicrogridDemo;
import org.gridshare.drivers.cli.MeterDecodeCommand;
import org.gridshare.drivers.cli.MeterDetectCommand;

/** The {@code ./gridshare} command: one entry point, one sub-command per user task. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "demo":
                return MicrogridDemo.run(rest, out, err);
            case "meter":
                if (rest.length > 0 && rest[0].equals("decode")) {
                    return MeterDecodeCommand.run(Arrays.copyOfRange(rest, 1, rest.length), out, err);
                }
                if (rest.length > 0 && rest[0].equals("detect")) {
                    return MeterDetectCommand.run(Arrays.copyOfRange(rest, 1, rest.length), out, err);
                }
                break;
            case "agent":
                if (rest.length > 0 && rest[0].equals("run")) {
                    return AgentCommand.run(Arrays.copyOfRange(rest, 1, rest.length), out, err);
                }
                break;
            case "market":
                if (rest.length > 0 && rest[0].equals("clear")) {
                    return ClearCommand.run(Arrays.copyOfRange(rest, 1, rest.length), out, err);
                }
                break;
            default:
                break;
        }
        err.println("gridshare: unknown command '" + String.join(" ", args) + "'");
        usage(err);
        return 2;
    }

    private static void usage(PrintStream out) {
        out.println("""
        usage: ./gridshare <command> [options]

          demo [--duration 3m] [--interval 1m] [--meters 3]
                      a local microgrid on embedded defaults: MQTT broker, Kafka, a local chain,
                      simulated signed meters; prints verified kWh per meter and interval
          meter decode --protocol dsmr|sml|iec62056-21|bthome [--key HEX] [--format json|table] FILE
                      decode a captured meter telegram (installers)
          meter detect --port /dev/ttyUSB0 [--timeout 10s]
                      find which meter protocol and baud rate a serial port speaks (installers)
          agent run --config FILE [--print-config]
                      run the household agent (firmware-config/examples/simulated.yaml runs anywhere)
          market clear --orders FILE [--price-rule midpoint|buyer|seller]
                      replay the clearing of one order book (auditors)
        """);
    }
}
