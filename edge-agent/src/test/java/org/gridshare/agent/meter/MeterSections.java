package org.gridshare.agent.meter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gridshare.agent.config.AgentConfig;
import org.gridshare.agent.config.MeterConfig;
import org.gridshare.config.schema.ConfigException;
import org.yaml.snakeyaml.Yaml;

/**
 * A {@code meter} section as a test writes it, read the way the agent reads it: in a configuration file,
 * through the schema and into the typed {@link MeterConfig}.
 */
final class MeterSections {
    private MeterSections() {}

    static MeterConfig of(Map<String, Object> section) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("zone", "zone-a");
        config.put(
                "chain", Map.of("chainId", 31337, "verifyingContract", "0x5fbdb2315678afecb367f032d93f642f64180aa3"));
        config.put("meter", section);
        config.put("mqtt", Map.of("serverUri", "tcp://127.0.0.1:1"));
        try {
            Path file = Files.createTempFile("gridshare-meter-", ".yaml");
            try {
                Files.writeString(file, new Yaml().dump(config));
                return AgentConfig.load(file, Map.of()).meter();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("the test's meter section is invalid: " + e.getMessage(), e);
        }
    }
}
