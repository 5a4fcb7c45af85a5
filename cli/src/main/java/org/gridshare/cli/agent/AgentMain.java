package org.gridshare.cli.agent;

/**
 * The household box's entry point ({@code firmware-config/os/gridshare-agent.service}):
 * {@code java -cp ... org.gridshare.cli.agent.AgentMain run --config FILE}. Unlike
 * {@code org.gridshare.cli.Main} it reaches no class of the backend, Kafka, HiveMQ or the demo, so the
 * box ships edge-agent's jars and the cli jar only ({@code AgentMainClassPathIT} starts it so).
 */
public final class AgentMain {
    private AgentMain() {}

    public static void main(String[] args) {
        int code = AgentCommand.run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }
}
