package org.gridshare.agent;

import java.nio.file.Path;
import java.util.List;
import org.gridshare.agent.clock.AgentClock;
import org.gridshare.agent.config.AgentConfig;
import org.gridshare.agent.run.AgentRun;
import org.gridshare.drivers.s0.MockPlatform;

/**
 * The agent in a child JVM of edge-agent's own tests: the library calls {@code gridshare agent run
 * --config FILE} makes ({@code org.gridshare.cli.agent.AgentMain} in cli, which depends on edge-agent and
 * so cannot be on this module's test class path). Takes the same arguments; cli's
 * {@code AgentMainClassPathIT} starts the real entry point.
 */
public final class AgentTestMain {
    /** The class name child JVMs are started with. */
    public static final String NAME = AgentTestMain.class.getName();

    private AgentTestMain() {}

    public static void main(String[] args) throws Exception {
        List<String> given = List.of(args);
        int at = given.indexOf("--config");
        if (!given.contains("run") || at < 0 || at + 1 >= args.length) {
            throw new IllegalArgumentException("expected: run --config FILE, not " + given);
        }
        AgentConfig config = AgentConfig.load(Path.of(args[at + 1]), System.getenv());
        try {
            AgentRun.runUntilStopped(config, AgentClock.fromSystemProperties(), System.out);
        } catch (MockPlatform.MissingException e) {
            // as cli's AgentCommand: exit 2, a restart cannot install the plugin
            System.err.println("gridshare agent: " + e.getMessage());
            System.exit(2);
        }
    }
}
