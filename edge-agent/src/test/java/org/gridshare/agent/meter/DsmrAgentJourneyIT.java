package org.gridshare.agent.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.gridshare.agent.AgentTestMain;
import org.gridshare.parts.InstalledParts;
import org.gridshare.parts.Mosquitto;
import org.gridshare.parts.MqttBroker;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.ReadingChain;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.SignatureVerifier;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.keys.KeyFiles;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.testsupport.Await;
import org.gridshare.testsupport.PtyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gridshare agent run} in a JVM of its own with {@code meter.type: dsmr} on a pseudo-terminal:
 * golden DSMR 5 telegrams (with garbage and a corrupt copy before each) arrive at Mosquitto as signed
 * readings with exactly the telegram's registers in an unbroken chain; when the meter falls silent the
 * agent reports METER_FAILED, and when it speaks again readings resume.
 */
class DsmrAgentJourneyIT {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    private static final String FIXTURE = "dsmr/v5-iskra-am550-spec-example.p1";

    @TempDir
    Path dir;

    @Test
    void dsmr_telegrams_on_a_pty_reach_the_broker_signed_with_their_registers() throws Exception {
        InstalledParts.requireMosquitto();
        byte[] golden = GoldenFrames.bytes(FIXTURE);
        Measurement expected = GoldenFrames.expected(FIXTURE).get(0);
        byte[] corrupt = golden.clone();
        corrupt[corrupt.length / 2] = (byte) (corrupt[corrupt.length / 2] == '7' ? '8' : '7');
        Random random = new Random(7);
        AtomicBoolean meterSpeaks = new AtomicBoolean(true);
        try (MqttBroker broker = Mosquitto.start(Files.createDirectories(dir.resolve("mqtt")));
                PtyPair pty = PtyPair.linked(dir.resolve("meter"), dir.resolve("p1"));
                SerialPushMeterSourcePtyTest.Writer meter =
                        SerialPushMeterSourcePtyTest.Writer.start(Path.of(pty.a), () -> {
                            if (!meterSpeaks.get()) {
                                return new byte[0];
                            }
                            ByteArrayOutputStream round = new ByteArrayOutputStream();
                            byte[] noise = new byte[32];
                            random.nextBytes(noise);
                            round.writeBytes(noise);
                            round.writeBytes(corrupt);
                            round.writeBytes(golden);
                            return round.toByteArray();
                        })) {
            Path data = Files.createDirectories(dir.resolve("data"));
            Secp256k1Signer key = KeyFiles.loadOrCreate(data.resolve("meter.key"));
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, """
          dataDir: data
          zone: zone-p1
          readingPeriodMs: 100
          chain: {chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3"}
          meter: {type: dsmr, port: "%s", staleAfterMs: 1500}
          mqtt: {serverUri: "%s"}
          outbox: {groupCommitMs: 100}
          homeAssistant: {enabled: false}
          http: {port: 0}
          """.formatted(pty.b, broker.serverUri()));
            LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            MqttClient subscriber =
                    new MqttClient(broker.serverUri(), "test-" + UUID.randomUUID(), new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setConnectionTimeout(10);
            subscriber.connect(options);
            subscriber.subscribe(
                    new MqttSubscription[] {new MqttSubscription(Topics.readings("zone-p1", key.address()), 1)},
                    new IMqttMessageListener[] {(topic, msg) -> received.add(msg.getPayload())});
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder pb = new ProcessBuilder(
                    java,
                    "-Xmx64m",
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    AgentTestMain.NAME,
                    "run",
                    "--config",
                    config.toString());
            pb.redirectErrorStream(true);
            pb.environment().remove("GRIDSHARE_DATA_DIR");
            Process agent = pb.start();
            try {
                URI status = URI.create(awaitStatusUrl(agent) + "status");
                Signed<MeterReading> previous = null;
                for (int i = 0; i < 5; i++) {
                    previous = verifyNext(received, key, expected, previous);
                }
                meterSpeaks.set(false); // the meter falls silent
                awaitHealth(status, "METER_FAILED");
                received.clear();
                meterSpeaks.set(true);
                awaitHealth(status, "OK");
                Signed<MeterReading> after = JsonWire.decodeReading(poll(received));
                assertTrue(after.message().seq() > previous.message().seq());
                assertEquals(expected, measurement(after.message()));
            } finally {
                agent.destroy();
                assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "agent did not stop on SIGTERM");
                subscriber.disconnect();
                subscriber.close();
            }
        }
    }

    private static Signed<MeterReading> verifyNext(
            LinkedBlockingQueue<byte[]> received,
            Secp256k1Signer key,
            Measurement expected,
            Signed<MeterReading> previous)
            throws Exception {
        Signed<MeterReading> r = JsonWire.decodeReading(poll(received));
        assertEquals(key.address(), SignatureVerifier.recover(DOMAIN, r));
        assertEquals(expected, measurement(r.message()), "a corrupt or partial telegram was signed");
        if (previous != null) {
            assertEquals(previous.message().seq() + 1, r.message().seq());
            assertEquals(
                    ReadingChain.link(DOMAIN, previous.message()), r.message().prev());
        }
        return r;
    }

    private static byte[] poll(LinkedBlockingQueue<byte[]> received) throws InterruptedException {
        byte[] p = received.poll(20, TimeUnit.SECONDS);
        assertTrue(p != null, "no reading arrived");
        return p;
    }

    private static Measurement measurement(MeterReading v) {
        return new Measurement(v.importMilliWh(), v.exportMilliWh(), v.powerMilliW(), v.status());
    }

    private static void awaitHealth(URI status, String health) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String[] last = new String[1];
        Await.untilChecked(
                "agent health " + health,
                Duration.ofSeconds(20),
                () -> {
                    JsonNode n = new ObjectMapper()
                            .readTree(http.send(
                                            HttpRequest.newBuilder(status).build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .body());
                    last[0] = n.get("health").asText();
                    return last[0].equals(health);
                },
                () -> "agent health stayed " + last[0]);
    }

    /** Reads the child's output until it names its status page; keeps draining it afterwards. */
    private static String awaitStatusUrl(Process p) throws Exception {
        Pattern url = Pattern.compile("status on (http://\\S+/)");
        StringBuilder log = new StringBuilder();
        CompletableFuture<String> found = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = url.matcher(line);
                    if (m.find()) {
                        found.complete(m.group(1));
                    }
                    synchronized (log) {
                        if (log.length() < 20_000) {
                            log.append(line).append('\n');
                        }
                    }
                }
            } catch (java.io.IOException ignored) {
                // the child ended
            }
        });
        try {
            return found.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            synchronized (log) {
                throw new AssertionError("agent never printed its status page:\n" + log);
            }
        }
    }
}
