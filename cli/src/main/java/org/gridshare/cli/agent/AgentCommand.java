package org.gridshare.cli.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.gridshare.agent.clock.AgentClock;
import org.gridshare.agent.config.AgentConfig;
import org.gridshare.agent.run.AgentRun;
import org.gridshare.cli.args.Options;
import org.gridshare.cli.args.Subcommands;
import org.gridshare.config.schema.ConfigException;
import org.gridshare.drivers.s0.MockPlatform;

/**
 * {@code gridshare agent run --config FILE [--print-config]}: validates the configuration, then runs
 * the agent until SIGTERM or Ctrl-C. With {@code --print-config} it prints the effective
 * configuration and exits. Reaches only edge-agent (and the argument helper), so that the household box
 * runs it through {@link AgentMain} without the backend's jars.
 */
public final class AgentCommand {
    static final Options RUN = Options.of(
                    "gridshare agent run",
                    "gridshare agent: ",
                    "runs the household agent until SIGTERM or Ctrl-C (firmware-config/examples/simulated.yaml"
                            + " runs anywhere)")
            .value("--config", "FILE", true, "the agent's YAML configuration")
            .flag("--print-config", "print the effective configuration (defaults filled in) and exit");

    private static final Subcommands AGENT = new Subcommands("gridshare agent")
            .add("run", "--config FILE [--print-config]", "run the household agent", AgentCommand::runAgent);

    private AgentCommand() {}

    /** {@code agent <subcommand> ...}; returns the process exit code (0 ok, 1 failure, 2 usage or bad configuration). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return AGENT.run(args, out, err);
    }

    private static int runAgent(String[] args, PrintStream out, PrintStream err) {
        Options.Parsed p;
        try {
            p = RUN.parse(args);
        } catch (Options.Stop stop) {
            return stop.report(out, err);
        }
        Path config = Path.of(p.get("--config"));
        AgentConfig c;
        try {
            c = AgentConfig.load(config, System.getenv());
        } catch (ConfigException e) {
            err.println("gridshare agent: bad configuration: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("gridshare agent: cannot read " + config + ": " + e.getMessage());
            return 2;
        }
        if (p.has("--print-config")) {
            out.print(c.toYaml());
            return 0;
        }
        try {
            AgentRun.runUntilStopped(c, AgentClock.fromSystemProperties(), out);
            return 0;
        } catch (MockPlatform.MissingException e) {
            // like a bad configuration: restarting cannot install the plugin (the unit does not restart on 2)
            err.println("gridshare agent: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("gridshare agent: " + e.getMessage());
            return 1;
        }
    }
}
