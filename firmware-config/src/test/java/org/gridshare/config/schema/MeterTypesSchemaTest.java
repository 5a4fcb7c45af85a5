package org.gridshare.config.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The meter types beyond S0: the shipped examples validate, and each type's own fields are checked. */
class MeterTypesSchemaTest {
    private final ConfigSchema schema = ConfigSchema.agent();
    private final Path file = Path.of("agent.yaml");
    private static final String HEAD = """
      zone: zone-a
      chain:
        chainId: 31337
        verifyingContract: 0x5fbdb2315678afecb367f032d93f642f64180aa3
      mqtt:
        serverUri: tcp://127.0.0.1:1883
      meter:
      """;

    @Test
    @SuppressWarnings("unchecked")
    void every_shipped_example_validates() throws Exception {
        List<Path> examples;
        try (Stream<Path> s = Files.list(Path.of("examples"))) {
            examples = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(examples.size() >= 7, examples.toString());
        for (Path p : examples) {
            Map<String, Object> c = schema.validate(p);
            assertTrue(c.containsKey("meter"), p.toString());
        }
        Map<String, Object> dsmr = (Map<String, Object>)
                schema.validate(Path.of("examples/dsmr.yaml")).get("meter");
        assertEquals("/dev/ttyUSB0", dsmr.get("port"));
        assertEquals(115200L, dsmr.get("baud"));
        assertEquals(30000L, dsmr.get("staleAfterMs"));
    }

    @Test
    void a_serial_meter_without_its_port_is_named_by_file_line_and_field() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> schema.validate(file, HEAD + "  type: dsmr\n  baud: 115200\n"));
        assertEquals("meter.port", e.field());
        assertEquals(8, e.line());
        assertTrue(
                e.getMessage().startsWith("agent.yaml:8:3: meter.port: is required when type is dsmr"), e.getMessage());
    }

    @Test
    void modbus_needs_a_model_and_tcp_a_host() {
        assertEquals(
                "meter.model",
                assertThrows(
                                ConfigException.class,
                                () -> schema.validate(file, HEAD + "  type: modbus-rtu\n  port: /dev/ttyUSB0\n"))
                        .field());
        assertEquals(
                "meter.host",
                assertThrows(
                                ConfigException.class,
                                () -> schema.validate(file, HEAD + "  type: modbus-tcp\n  model: sdm630\n"))
                        .field());
        ConfigException m = assertThrows(
                ConfigException.class,
                () -> schema.validate(file, HEAD + "  type: modbus-tcp\n  host: meter.local\n  model: sdm72\n"));
        assertEquals("meter.model", m.field());
        assertEquals(10, m.line());
    }

    @Test
    void bthome_needs_an_address_and_keys_are_32_hex_digits() {
        assertEquals(
                "meter.address",
                assertThrows(ConfigException.class, () -> schema.validate(file, HEAD + "  type: bthome\n"))
                        .field());
        ConfigException k = assertThrows(
                ConfigException.class,
                () -> schema.validate(file, HEAD + "  type: dsmr\n  port: /dev/ttyUSB0\n  smartyKey: AAAA\n"));
        assertEquals("meter.smartyKey", k.field());
        assertEquals(10, k.line());
        ConfigException a = assertThrows(
                ConfigException.class,
                () -> schema.validate(file, HEAD + "  type: bthome\n  address: 54-48-E6-8F-80-A5\n"));
        assertEquals("meter.address", a.field());
    }

    @Test
    void s0_configurations_need_none_of_the_new_fields() throws Exception {
        Map<String, Object> c = schema.validate(file, HEAD + "  type: s0\n");
        assertEquals("s0", ((Map<?, ?>) c.get("meter")).get("type"));
    }
}
