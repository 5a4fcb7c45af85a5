package org.gridshare.config.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {
    private final ConfigSchema schema = ConfigSchema.agent();
    private final Path file = Path.of("agent.yaml");
    private static final String GOOD = """
      zone: zone-a
      chain:
        chainId: 31337
        verifyingContract: 0x5fbdb2315678afecb367f032d93f642f64180aa3
      meter:
        type: s0-simulated
      mqtt:
        serverUri: tcp://127.0.0.1:1883
      """;

    @Test
    @SuppressWarnings("unchecked")
    void accepts_the_shipped_example_and_fills_in_defaults() throws Exception {
        Map<String, Object> c = schema.validate(Path.of("examples/simulated.yaml"));
        assertEquals("zone-a", c.get("zone"));
        Map<String, Object> d = schema.validate(file, GOOD);
        assertEquals(1000L, d.get("readingPeriodMs"));
        assertEquals(
                "0x5fbdb2315678afecb367f032d93f642f64180aa3",
                ((Map<String, Object>) d.get("chain")).get("verifyingContract"));
        assertEquals(300000L, ((Map<String, Object>) d.get("outbox")).get("capacity"));
        assertEquals(1000L, ((Map<String, Object>) d.get("meter")).get("impulsesPerKWh"));
    }

    @Test
    void names_file_line_and_field_of_a_value_out_of_range() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> schema.validate(file, GOOD + "readingPeriodMs: 0\n"));
        assertEquals(9, e.line());
        assertEquals("readingPeriodMs", e.field());
        assertTrue(e.getMessage().startsWith("agent.yaml:9:18: readingPeriodMs: must be at least 10"), e.getMessage());
    }

    @Test
    void names_an_unknown_nested_field() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> schema.validate(
                        file, GOOD.replace("  type: s0-simulated", "  type: s0-simulated\n  impulsesPerKwh: 800")));
        assertEquals("meter.impulsesPerKwh", e.field());
        assertEquals(7, e.line());
    }

    @Test
    void rejects_a_float_where_an_integer_is_required_and_a_bad_enum() {
        ConfigException f = assertThrows(
                ConfigException.class, () -> schema.validate(file, GOOD.replace("chainId: 31337", "chainId: 31337.5")));
        assertEquals("chain.chainId", f.field());
        ConfigException t = assertThrows(
                ConfigException.class, () -> schema.validate(file, GOOD.replace("type: s0-simulated", "type: p2")));
        assertEquals("meter.type", t.field());
        assertEquals(6, t.line());
    }

    @Test
    void names_a_missing_required_field_and_broken_yaml() {
        ConfigException m =
                assertThrows(ConfigException.class, () -> schema.validate(file, GOOD.replace("zone: zone-a\n", "")));
        assertEquals("zone", m.field());
        ConfigException y = assertThrows(ConfigException.class, () -> schema.validate(file, GOOD + "mqtt: [\n"));
        assertTrue(y.getMessage().contains("not valid YAML"), y.getMessage());
        ConfigException dup = assertThrows(ConfigException.class, () -> schema.validate(file, GOOD + "zone: b\n"));
        assertEquals("zone", dup.field());
        assertEquals(9, dup.line());
    }
}
