package org.gridshare.agent.market;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.InstalledParts;
import org.gridshare.parts.Mosquitto;
import org.gridshare.parts.MqttBroker;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.ZoneIds;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fills topic is subscribed in the agent's persistent MQTT session: a verdict the backend sends
 * while the agent is away is delivered when it comes back (HiveMQ CE and Mosquitto), and recorded on the order.
 */
class FillsSessionIT {
    private static final Eip712Domain MARKET =
            new Eip712Domain(31337, Address.fromHex("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"));

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {EmbeddedHiveMq.NAME, Mosquitto.NAME})
    void a_verdict_sent_while_the_agent_was_away_is_recorded_after_it_reconnects(String brokerName) throws Exception {
        if (brokerName.equals(Mosquitto.NAME)) {
            InstalledParts.requireMosquitto();
        }
        Secp256k1Signer meter = Secp256k1Signer.generate();
        Secp256k1Signer household = Secp256k1Signer.generate();
        MarketAgent.Settings settings = new MarketAgent.Settings(
                MARKET,
                new MarketSchedule(10, 3),
                new TradingLimits(100, 200, 1000, 0, 100, 200),
                ZoneOffset.UTC,
                50,
                true,
                1000);
        try (MqttBroker broker = brokerName.equals(Mosquitto.NAME)
                        ? Mosquitto.start(Files.createDirectories(dir.resolve("mqtt")))
                        : EmbeddedHiveMq.start(Files.createDirectories(dir.resolve("mqtt")));
                Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 100)) {
            MqttSession first = new MqttSession(broker.serverUri(), "zone-f", meter.address(), null, Clock.systemUTC());
            MarketAgent market = MarketAgent.install(
                    outbox, meter, household, "zone-f", first, () -> 0, settings, Clock.systemUTC());
            first.connect();
            long start = 1_800_000_000_000L;
            PlacedOrder o = market.orders()
                    .place(
                            start,
                            5_000,
                            System.currentTimeMillis(),
                            nonce -> household.sign(
                                    MARKET,
                                    new Order(
                                            household.address(),
                                            ZoneIds.of("zone-f"),
                                            start,
                                            Order.SELL,
                                            5_000,
                                            100,
                                            nonce,
                                            start)))
                    .orElseThrow();
            first.close(); // the session stays with the broker

            MqttClient backend =
                    new MqttClient(broker.serverUri(), "backend-" + UUID.randomUUID(), new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setConnectionTimeout(10);
            backend.connect(options);
            MqttMessage verdict = new MqttMessage(("{\"type\":\"order\",\"orderDigest\":\"" + o.digest()
                            + "\",\"intervalStartMs\":" + start
                            + ",\"status\":\"rejected\",\"reason\":\"NO_ACTIVE_METER\",\"code\":44,"
                            + "\"detail\":\"no meter in zone-f\"}")
                    .getBytes(StandardCharsets.UTF_8));
            verdict.setQos(1);
            backend.publish(Topics.fills("zone-f", household.address()), verdict);
            backend.disconnect();
            backend.close();

            MqttSession second =
                    new MqttSession(broker.serverUri(), "zone-f", meter.address(), null, Clock.systemUTC());
            MarketAgent again = MarketAgent.install(
                    outbox, meter, household, "zone-f", second, () -> 0, settings, Clock.systemUTC());
            second.connect();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                PlacedOrder now = again.orders().forInterval(start).orElseThrow();
                // applied first, then kept in the inbound log: wait for both
                while ((now.status().equals(PlacedOrder.SENT) || again.inbound().count() == 0)
                        && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // polling the recorded state
                    now = again.orders().forInterval(start).orElseThrow();
                }
                assertEquals(PlacedOrder.REJECTED, now.status(), "the queued verdict never arrived");
                assertEquals("NO_ACTIVE_METER", now.reason());
                assertEquals(44, now.code());
                assertEquals(1, again.inbound().count());
            } finally {
                second.close();
            }
        }
    }
}
