package org.gridshare.agent.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.gridshare.agent.uplink.MqttUplink;
import org.gridshare.agent.uplink.ReadingUplink;
import org.gridshare.agent.uplink.coap.CoapUplink;
import org.gridshare.agent.uplink.coap.RpkFiles;
import org.gridshare.config.schema.ConfigException;
import org.gridshare.protocol.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UplinkConfigTest {
    private static final Address METER = Address.fromHex("0x" + "12".repeat(20));
    private static final String HEAD = """
      dataDir: data
      zone: zone-a
      chain: {chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3"}
      meter: {type: s0-simulated}
      """;

    @TempDir
    Path dir;

    private AgentConfig load(String body) throws Exception {
        Path file = dir.resolve("agent.yaml");
        Files.writeString(file, HEAD + body);
        Files.createDirectories(dir.resolve("data"));
        return AgentConfig.load(file, Map.of());
    }

    @Test
    void the_chosen_uplink_needs_its_section_and_the_error_names_the_line() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
        uplink: coap
        mqtt: {serverUri: "tcp://127.0.0.1:1883"}
        """));
        assertEquals(5, e.line());
        assertTrue(e.getMessage().contains("coap: uplink is coap but there is no coap section"), e.getMessage());
        ConfigException noMqtt =
                assertThrows(ConfigException.class, () -> load("coap: {serverUri: \"coaps://h:5684\"}\n"));
        assertTrue(noMqtt.getMessage().contains("uplink is mqtt but there is no mqtt section"), noMqtt.getMessage());
    }

    @Test
    void schema_refuses_an_unknown_uplink_and_a_plain_coap_uri() {
        ConfigException lora = assertThrows(ConfigException.class, () -> load("uplink: lora\n"));
        assertTrue(lora.getMessage().contains("uplink"), lora.getMessage());
        ConfigException plain =
                assertThrows(ConfigException.class, () -> load("uplink: coap\ncoap: {serverUri: \"coap://h:5683\"}\n"));
        assertTrue(plain.getMessage().contains("coap.serverUri"), plain.getMessage());
    }

    @Test
    void tls_settings_need_an_ssl_uri_and_certificate_and_key_together() throws Exception {
        ConfigException tcp = assertThrows(
                ConfigException.class, () -> load("mqtt: {serverUri: \"tcp://h:1883\", tls: {caFile: ca.pem}}\n"));
        assertTrue(
                tcp.getMessage().contains("mqtt.tls: TLS settings need an ssl:// or wss:// serverUri"),
                tcp.getMessage());
        ConfigException half = assertThrows(
                ConfigException.class,
                () -> load("mqtt: {serverUri: \"ssl://h:8883\", tls: {caFile: ca.pem, certFile: box.pem}}\n"));
        assertTrue(half.getMessage().contains("certFile and keyFile go together"), half.getMessage());
        AgentConfig ok = load("mqtt: {serverUri: \"ssl://h:8883\", tls: {caFile: ca.pem}}\n");
        assertEquals(
                dir.resolve("data").resolve("ca.pem"), UplinkConfig.mqttTls(ok).caFile());
        try (ReadingUplink uplink = UplinkConfig.readings(ok, METER, java.time.Clock.systemUTC())) {
            assertInstanceOf(MqttUplink.class, uplink);
            assertEquals("ssl://h:8883", uplink.serverUri());
        }
    }

    @Test
    void coap_with_a_pre_shared_key_reads_the_hex_key_file_and_refuses_one_others_can_read() throws Exception {
        AgentConfig c = load("uplink: coap\ncoap: {serverUri: \"coaps://127.0.0.1:5684\"}\n");
        Path psk = dir.resolve("data").resolve("coap-psk.hex");
        Files.writeString(psk, "00112233445566778899aabbccddeeff\n");
        Files.setPosixFilePermissions(psk, PosixFilePermissions.fromString("rw-r--r--"));
        IOException readable =
                assertThrows(IOException.class, () -> UplinkConfig.readings(c, METER, java.time.Clock.systemUTC()));
        assertTrue(
                readable.getMessage().contains(psk + ": key file is readable by group or others"),
                readable.getMessage());
        Files.setPosixFilePermissions(psk, PosixFilePermissions.fromString("rw-------"));
        try (ReadingUplink uplink = UplinkConfig.readings(c, METER, java.time.Clock.systemUTC())) {
            assertInstanceOf(CoapUplink.class, uplink);
            assertEquals("coaps://127.0.0.1:5684", uplink.serverUri());
            assertEquals(1, uplink.maxUnconfirmed());
        }
        assertTrue(c.toYaml().contains("security: psk") && c.toYaml().contains("ackTimeoutMs: 2000"), c.toYaml());
    }

    @Test
    void coap_with_a_raw_public_key_creates_the_box_key_once_and_needs_the_server_key() throws Exception {
        ConfigException noServerKey = assertThrows(
                ConfigException.class,
                () -> load("uplink: coap\ncoap: {serverUri: \"coaps://h:5684\", security: rpk}\n"));
        assertTrue(noServerKey.getMessage().contains("coap.serverPublicKeyFile"), noServerKey.getMessage());
        AgentConfig c = load(
                "uplink: coap\ncoap: {serverUri: \"coaps://h:5684\", security: rpk, serverPublicKeyFile: server.pub.pem}\n");
        Path serverKey = dir.resolve("data").resolve("server");
        RpkFiles.loadOrCreate(serverKey); // stands in for the backend's key pair: writes server.pub.pem
        UplinkConfig.readings(c, METER, java.time.Clock.systemUTC()).close();
        Path boxKey = dir.resolve("data").resolve("coap-dtls.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(boxKey)));
        byte[] first = RpkFiles.publicKey(dir.resolve("data").resolve("coap-dtls.key.pub.pem"))
                .getEncoded();
        UplinkConfig.readings(c, METER, java.time.Clock.systemUTC()).close();
        assertArrayEquals(first, RpkFiles.loadOrCreate(boxKey).getPublic().getEncoded(), "the key is made once");
    }
}
