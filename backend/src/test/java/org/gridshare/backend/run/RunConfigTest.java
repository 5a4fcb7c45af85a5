package org.gridshare.backend.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;
import org.gridshare.config.schema.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunConfigTest {
    private static final String KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n";
    private static final String REGISTRY = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    private static final String MARKET = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path key = dir.resolve("operator.key");
        if (!Files.exists(key)) {
            Files.writeString(key, KEY);
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        }
        Path f = dir.resolve("backend.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private static String minimal(String extra) {
        return """
                operatorKeyFile: operator.key
                mqtt:
                  serverUri: tcp://127.0.0.1:1883
                kafka:
                  bootstrapServers: 127.0.0.1:9092
                  clientProperties:
                    security.protocol: SASL_SSL
                chain:
                  rpcUrl: http://127.0.0.1:8545
                  registry: "%s"
                  market: "%s"
                """.formatted(REGISTRY, MARKET) + extra;
    }

    @Test
    void reads_a_minimal_file_with_defaults_and_passes_kafka_properties_through() throws Exception {
        RunConfig c = RunConfig.load(write(minimal("instanceId: b1\n")), rpc -> 31337, Clock.systemUTC());
        assertEquals("gridshare-backend", c.settings().backend().applicationId());
        assertEquals("b1", c.settings().instanceId());
        assertEquals(900, c.settings().backend().interval().toSeconds());
        assertEquals(31337, c.chainId());
        assertEquals("SASL_SSL", c.kafkaClientProperties().get("security.protocol"));
        assertEquals(Optional.of((short) 1), c.settings().replicationFactor());
        assertTrue(c.settings().backend().market() != null, "market on by default");
        assertEquals(9400, c.settings().http().port());
        assertFalse(c.effectiveYaml().contains("ac0974"), "the key never appears in the effective configuration");
    }

    @Test
    void an_unknown_field_is_reported_with_file_line_and_column() throws Exception {
        Path f = write(minimal("metering:\n  intervalSecs: 60\n"));
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfig.load(f, rpc -> 1, Clock.systemUTC()));
        assertEquals(13, e.line());
        assertEquals(3, e.column());
        assertEquals("metering.intervalSecs", e.field());
        assertTrue(e.getMessage().startsWith(f + ":13:3: metering.intervalSecs: unknown field"), e.getMessage());
    }

    @Test
    void an_operator_key_readable_by_others_is_refused_at_its_field() throws Exception {
        Path f = write(minimal(""));
        Files.setPosixFilePermissions(dir.resolve("operator.key"), PosixFilePermissions.fromString("rw-r--r--"));
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfig.load(f, rpc -> 1, Clock.systemUTC()));
        assertEquals("operatorKeyFile", e.field());
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        assertFalse(e.getMessage().contains("ac0974"), "the key is never in a message");
    }

    @Test
    void min_insync_replicas_above_the_replication_factor_is_refused() throws Exception {
        Path f = write(minimal("")
                .replace(
                        "  clientProperties:",
                        "  topics:\n    replicationFactor: 2\n    minInsyncReplicas: 3\n  clientProperties:"));
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfig.load(f, rpc -> 1, Clock.systemUTC()));
        assertEquals("kafka.topics.minInsyncReplicas", e.field());
        assertEquals(8, e.line());
    }

    @Test
    void addresses_come_from_a_deployment_file_or_both_fields() throws Exception {
        Path f = write(minimal("").replace("  market: \"" + MARKET + "\"\n", ""));
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfig.load(f, rpc -> 1, Clock.systemUTC()));
        assertEquals("chain", e.field());
        Files.writeString(
                dir.resolve("deployment.json"),
                "{\"chainId\": 5, \"registry\": \"" + REGISTRY + "\", \"token\": \"" + REGISTRY + "\", \"market\": \""
                        + MARKET + "\", \"fromBlock\": 7}");
        Path g = write(minimal("")
                .replace("  registry: \"" + REGISTRY + "\"\n", "  deploymentFile: deployment.json\n")
                .replace("  market: \"" + MARKET + "\"\n", ""));
        RunConfig c = RunConfig.load(
                g,
                rpc -> {
                    throw new AssertionError("the deployment file names the chain");
                },
                Clock.systemUTC());
        assertEquals(5, c.chainId());
        assertEquals(7, c.settings().backend().market().logsFromBlock());
    }
}
