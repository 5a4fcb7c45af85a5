package org.gridshare.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.gridshare.agent.meter.S0MeterSource;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.agent.signing.SigningStateFile;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.agent.uplink.MqttUplink;
import org.gridshare.drivers.s0.S0Counter;
import org.gridshare.drivers.s0.S0PulseInput;
import org.gridshare.drivers.s0.SimulatedS0Meter;
import org.gridshare.parts.EmbeddedHiveMq;
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
import org.gridshare.protocol.wire.JsonWire;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The walking skeleton's first half against real brokers: pulses on a Pi4J mock GPIO input reach
 * the S0 counter, the agent signs each reading and publishes it, and a subscriber on the same broker
 * receives every reading in order, each verifying to the meter key with an unbroken prev chain.
 */
class EdgeAgentBrokerIT {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {EmbeddedHiveMq.NAME, Mosquitto.NAME})
    void publishes_every_pulse_counted_reading_signed_and_in_order(String brokerName) throws Exception {
        if (brokerName.equals(Mosquitto.NAME)) {
            InstalledParts.requireMosquitto();
        }
        try (MqttBroker broker = brokerName.equals(Mosquitto.NAME)
                ? Mosquitto.start(Files.createDirectories(dir.resolve("mqtt")))
                : EmbeddedHiveMq.start(Files.createDirectories(dir.resolve("mqtt")))) {
            Context pi4j = Pi4J.newContextBuilder()
                    .autoDetectMockPlugins()
                    .autoDetectPlatforms()
                    .build();
            Secp256k1Signer key = Secp256k1Signer.generate();
            LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            MqttClient subscriber =
                    new MqttClient(broker.serverUri(), "test-" + UUID.randomUUID(), new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setConnectionTimeout(10);
            subscriber.connect(options);
            // Paho 1.2.5's subscribe(String, int, listener) recurses forever: use the array form
            subscriber.subscribe(
                    new MqttSubscription[] {new MqttSubscription(Topics.readings("zone-a", key.address()), 1)},
                    new IMqttMessageListener[] {(topic, msg) -> received.add(msg.getPayload())});

            S0Counter counter = new S0Counter(1000, Duration.ofMillis(1).toNanos(), 0);
            // simulated pulses arrive back to back: a time source that moves 50 ms per edge keeps them
            // apart from the 1 ms debounce the way a real 10 Hz pulse train would be
            AtomicLong fakeNanos = new AtomicLong();
            S0PulseInput input = new S0PulseInput(pi4j, 17, counter, () -> fakeNanos.addAndGet(50_000_000L));
            SimulatedS0Meter meter = new SimulatedS0Meter(pi4j, 17);
            EdgeAgent agent = new EdgeAgent(
                    new S0MeterSource(counter, null, Clock.systemUTC(), input),
                    new ReadingSigner(key, DOMAIN, new SigningStateFile(dir.resolve("state")), Clock.systemUTC()),
                    new MqttUplink(
                            new MqttSession(broker.serverUri(), "zone-a", key.address(), null, Clock.systemUTC())),
                    1000,
                    null);
            try {
                agent.start(Duration.ofHours(1)); // the test drives the rounds itself
                List<Signed<MeterReading>> readings = new ArrayList<>();
                for (int round = 1; round <= 20; round++) {
                    meter.pulse(round); // 1 + 2 + ... pulses, so each reading's register differs
                    agent.tick();
                }
                // the scheduled first round plus 20 driven ones. A re-send after a link hiccup is allowed (the
                // backend drops the copy as a DUPLICATE), but a seq must never come back as a different reading
                java.util.Map<Long, byte[]> firstPayload = new java.util.HashMap<>();
                int copies = 0;
                while (readings.size() < 21) {
                    byte[] payload = received.poll(10, TimeUnit.SECONDS);
                    assertTrue(
                            payload != null, "reading " + (readings.size() + 1) + " never arrived over " + brokerName);
                    Signed<MeterReading> r = JsonWire.decodeReading(payload);
                    byte[] first = firstPayload.putIfAbsent(r.message().seq(), payload);
                    if (first == null) {
                        readings.add(r);
                    } else {
                        copies++;
                        assertTrue(
                                java.util.Arrays.equals(first, payload),
                                "seq " + r.message().seq() + " re-sent changed");
                    }
                }
                if (copies > 0) {
                    System.out.printf(
                            "EdgeAgentBrokerIT over %s: %d re-sent copies (dropped as duplicates downstream)%n",
                            brokerName, copies);
                }
                for (int i = 0; i < readings.size(); i++) {
                    Signed<MeterReading> r = readings.get(i);
                    assertEquals(key.address(), SignatureVerifier.recover(DOMAIN, r));
                    assertEquals(i + 1, r.message().seq());
                    if (i > 0) {
                        assertEquals(
                                ReadingChain.link(DOMAIN, readings.get(i - 1).message()),
                                r.message().prev());
                    }
                }
                // 1 + 2 + ... + 20 = 210 pulses at 1000 imp/kWh = 210 Wh
                assertEquals(
                        210_000, readings.get(readings.size() - 1).message().importMilliWh());
                assertEquals(EdgeAgent.Health.OK, agent.health());
                assertEquals(21, agent.publishedCount());
                assertEquals(21, agent.outboxSize(), "nothing acknowledged end to end yet: all readings kept");
            } finally {
                agent.close();
                meter.close();
                subscriber.disconnect();
                subscriber.close();
                pi4j.shutdown();
            }
        }
    }
}
