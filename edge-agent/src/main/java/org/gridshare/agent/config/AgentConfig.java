package org.gridshare.agent.config;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gridshare.agent.EdgeAgent;
import org.gridshare.config.schema.ConfigException;
import org.gridshare.config.schema.ConfigSchema;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The agent's effective configuration: the YAML file validated against the schema in
 * {@code firmware-config}, defaults filled in, and the data directory overridden by the environment
 * variable {@value #DATA_DIR_ENV} when it is set.
 */
public record AgentConfig(Path source, Map<String, Object> effective) {
    public static final String DATA_DIR_ENV = "GRIDSHARE_DATA_DIR";

    /** Reads and validates {@code file}; {@code env} is the process environment (for the data-dir override). */
    public static AgentConfig load(Path file, Map<String, String> env) throws ConfigException, IOException {
        Map<String, Object> c = new LinkedHashMap<>(ConfigSchema.agent().validate(file));
        UplinkConfig.validate(file, c);
        String override = env.get(DATA_DIR_ENV);
        if (override != null && !override.isBlank()) {
            c.put("dataDir", override);
        }
        Path base = file.toAbsolutePath().getParent();
        c.put("dataDir", base.resolve((String) c.get("dataDir")).normalize().toString());
        AgentConfig config = new AgentConfig(file, c);
        MarketConfig.of(file, c, config.dataDir()); // cross-field checks, reported like schema errors
        return config;
    }

    /** The effective configuration as YAML (what {@code --print-config} shows). */
    public String toYaml() {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return "# effective configuration of " + source + "\n" + new Yaml(o).dump(effective);
    }

    public Path dataDir() {
        return Path.of((String) effective.get("dataDir"));
    }

    public String zone() {
        return (String) effective.get("zone");
    }

    public Path meterKeyFile() {
        return dataDir().resolve((String) effective.get("meterKeyFile"));
    }

    public Duration readingPeriod() {
        return Duration.ofMillis(num(effective, "readingPeriodMs"));
    }

    public Eip712Domain domain() {
        Map<String, Object> chain = section("chain");
        return new Eip712Domain(num(chain, "chainId"), Address.fromHex((String) chain.get("verifyingContract")));
    }

    /** The broker of the mqtt section, or null when there is none (uplink coap without Home Assistant). */
    public String mqttServerUri() {
        return section("mqtt") == null ? null : (String) section("mqtt").get("serverUri");
    }

    public String meterType() {
        return (String) section("meter").get("type");
    }

    /** The validated {@code meter} section; the type-specific fields are read by {@code MeterSources}. */
    public Map<String, Object> meter() {
        return section("meter");
    }

    public int importGpio() {
        return (int) num(section("meter"), "importGpio");
    }

    /** The export input's GPIO, or -1 for an import-only meter. */
    public int exportGpio() {
        Object v = section("meter").get("exportGpio");
        return v == null ? -1 : ((Number) v).intValue();
    }

    public long impulsesPerKWh() {
        return num(section("meter"), "impulsesPerKWh");
    }

    public Duration debounce() {
        return Duration.ofMillis(num(section("meter"), "debounceMs"));
    }

    public long simulatedPulsesPerSecond() {
        return num(section("meter"), "simulatedPulsesPerSecond");
    }

    /** Export pulses per second of the simulated meter, 0 when it only imports. */
    public long simulatedExportPulsesPerSecond() {
        Object v = section("meter").get("simulatedExportPulsesPerSecond");
        return v == null ? 0 : ((Number) v).longValue();
    }

    /** The market section (statements and trading), or null when absent or disabled. */
    public MarketConfig market() {
        try {
            MarketConfig m = MarketConfig.of(source, effective, dataDir());
            return m == null || !m.enabled() ? null : m;
        } catch (ConfigException | IOException e) {
            throw new IllegalStateException("checked at load: " + e.getMessage(), e);
        }
    }

    public long chainId() {
        return num(section("chain"), "chainId");
    }

    public long outboxCapacity() {
        return num(section("outbox"), "capacity");
    }

    public EdgeAgent.Delivery delivery() {
        Map<String, Object> o = section("outbox");
        return new EdgeAgent.Delivery(
                Duration.ofMillis(num(o, "groupCommitMs")),
                (int) num(o, "inFlightWindow"),
                Duration.ofMillis(num(o, "ackTimeoutMs")));
    }

    public boolean homeAssistantEnabled() {
        return Boolean.TRUE.equals(section("homeAssistant").get("enabled"));
    }

    public String homeAssistantPrefix() {
        return (String) section("homeAssistant").get("discoveryPrefix");
    }

    public String homeAssistantModel() {
        return (String) section("homeAssistant").get("model");
    }

    public boolean httpEnabled() {
        return Boolean.TRUE.equals(section("http").get("enabled"));
    }

    public String httpBind() {
        return (String) section("http").get("bind");
    }

    public int httpPort() {
        return (int) num(section("http"), "port");
    }

    /** {@code text} or {@code json} (see {@code org.gridshare.agent.logging.AgentLogging}). */
    public String logFormat() {
        return (String) section("logging").get("format");
    }

    public String logLevel() {
        return (String) section("logging").get("level");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> section(String name) {
        return (Map<String, Object>) effective.get(name);
    }

    private static long num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).longValue();
    }
}
