package org.gridshare.agent.config;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gridshare.agent.EdgeAgent;
import org.gridshare.config.schema.ConfigException;
import org.gridshare.config.schema.ConfigSchema;
import org.gridshare.protocol.Eip712Domain;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The agent's effective configuration: the YAML file validated against the schema in
 * {@code firmware-config}, defaults filled in, the data directory overridden by the environment
 * variable {@value #DATA_DIR_ENV} when it is set, and read once into typed sections. {@code market} is
 * null when the file has no market section or disables it; {@code effectiveYaml} is what
 * {@code --print-config} shows.
 */
public record AgentConfig(
        Path source,
        AgentSettings agent,
        MeterConfig meter,
        UplinkSettings uplink,
        OutboxSettings outbox,
        MarketConfig market,
        HomeAssistantSettings homeAssistant,
        PageSettings page,
        LoggingSettings logging,
        String effectiveYaml) {
    public static final String DATA_DIR_ENV = "GRIDSHARE_DATA_DIR";

    /** Reads and validates {@code file}; {@code env} is the process environment (for the data-dir override). */
    public static AgentConfig load(Path file, Map<String, String> env) throws ConfigException, IOException {
        Map<String, Object> c = new LinkedHashMap<>(ConfigSchema.agent().validate(file));
        Path base = file.toAbsolutePath().getParent();
        ConfigReader.checkUplink(file, c);
        String override = env.get(DATA_DIR_ENV);
        if (override != null && !override.isBlank()) {
            c.put("dataDir", override);
        }
        c.put("dataDir", base.resolve((String) c.get("dataDir")).normalize().toString());
        Path dataDir = Path.of((String) c.get("dataDir"));
        ConfigReader read = new ConfigReader(file, c, dataDir);
        MarketConfig market = read.market(); // cross-field checks, reported like schema errors
        return new AgentConfig(
                file,
                read.agent(),
                read.meter(),
                read.uplink(),
                read.outbox(),
                market == null || !market.enabled() ? null : market,
                read.homeAssistant(),
                read.page(),
                read.logging(),
                yaml(file, c));
    }

    private static String yaml(Path file, Map<String, Object> effective) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return "# effective configuration of " + file + "\n" + new Yaml(o).dump(effective);
    }

    /** The effective configuration as YAML (what {@code --print-config} shows). */
    public String toYaml() {
        return effectiveYaml;
    }

    public Path dataDir() {
        return agent.dataDir();
    }

    public String zone() {
        return agent.zone();
    }

    public Path meterKeyFile() {
        return agent.meterKeyFile();
    }

    public Duration readingPeriod() {
        return agent.readingPeriod();
    }

    public Eip712Domain domain() {
        return agent.domain();
    }

    public long chainId() {
        return agent.domain().chainId();
    }

    /** The broker of the mqtt section, or null when there is none (uplink coap without Home Assistant). */
    public String mqttServerUri() {
        return uplink.mqtt() == null ? null : uplink.mqtt().serverUri();
    }

    public String meterType() {
        return meter.type();
    }

    public int importGpio() {
        return meter.s0().importGpio();
    }

    /** The export input's GPIO, or -1 for an import-only meter. */
    public int exportGpio() {
        return meter.s0().exportGpio();
    }

    public long impulsesPerKWh() {
        return meter.s0().impulsesPerKWh();
    }

    public Duration debounce() {
        return meter.s0().debounce();
    }

    public long simulatedPulsesPerSecond() {
        return meter.s0().simulatedPulsesPerSecond();
    }

    /** Export pulses per second of the simulated meter, 0 when it only imports. */
    public long simulatedExportPulsesPerSecond() {
        return meter.s0().simulatedExportPulsesPerSecond();
    }

    public long outboxCapacity() {
        return outbox.capacity();
    }

    public EdgeAgent.Delivery delivery() {
        return outbox.delivery();
    }

    public boolean homeAssistantEnabled() {
        return homeAssistant.enabled();
    }

    public String homeAssistantPrefix() {
        return homeAssistant.discoveryPrefix();
    }

    public String homeAssistantModel() {
        return homeAssistant.model();
    }

    public boolean httpEnabled() {
        return page.enabled();
    }

    public String httpBind() {
        return page.bind();
    }

    public int httpPort() {
        return page.port();
    }

    /** {@code text} or {@code json} (see {@code org.gridshare.agent.logging.AgentLogging}). */
    public String logFormat() {
        return logging.format();
    }

    public String logLevel() {
        return logging.level();
    }
}
