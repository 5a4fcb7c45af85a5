package org.gridshare.agent.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.gridshare.agent.EdgeAgent;
import org.gridshare.agent.fault.ContiguousAcker;
import org.gridshare.agent.meter.S0MeterSource;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.drivers.s0.S0Counter;
import org.gridshare.drivers.s0.S0PulseInput;
import org.gridshare.drivers.s0.SimulatedS0Meter;
import org.gridshare.parts.InstalledParts;
import org.gridshare.parts.Mosquitto;
import org.gridshare.parts.MqttBroker;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The MQTT uplink over TLS against a real Mosquitto with two TLS listeners generated for the test:
 * one with a certificate for 127.0.0.1 that requires a client certificate (mutual TLS), one whose
 * certificate names another host. The acknowledging side listens on the plain listener.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MqttTlsIT {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));

    private Path dir;
    private MqttBroker broker;
    private String tlsUri;
    private String wrongHostUri;
    private Path ca;
    private Path otherCa;
    private Path[] client;

    @BeforeAll
    void start() throws Exception {
        InstalledParts.requireMosquitto();
        dir = Files.createTempDirectory("mqtt-tls");
        TestPki pki = new TestPki("gridshare test CA", 1);
        ca = pki.writeCa(dir.resolve("ca.pem"));
        otherCa = new TestPki("someone else's CA", 2).writeCa(dir.resolve("other-ca.pem"));
        Path[] server = pki.issue(dir, "server", "broker", "127.0.0.1", "localhost");
        Path[] elsewhere = pki.issue(dir, "elsewhere", "broker elsewhere", "broker.example.org");
        client = pki.issue(dir, "client", "meter box");
        int tlsPort = freePort();
        int wrongHostPort = freePort();
        broker = Mosquitto.start(dir.resolve("mqtt"), """
        user root
        listener %d 127.0.0.1
        cafile %s
        certfile %s
        keyfile %s
        require_certificate true
        listener %d 127.0.0.1
        cafile %s
        certfile %s
        keyfile %s
        """.formatted(
                        tlsPort, ca, server[0], server[1], wrongHostPort, ca, elsewhere[0], elsewhere[1]));
        tlsUri = "ssl://127.0.0.1:" + tlsPort;
        wrongHostUri = "ssl://127.0.0.1:" + wrongHostPort;
    }

    @AfterAll
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void readings_flow_over_mutual_tls_and_the_acks_come_back() throws Exception {
        Context pi4j = Pi4J.newContextBuilder()
                .autoDetectMockPlugins()
                .autoDetectPlatforms()
                .build();
        ScheduledExecutorService sim = Executors.newSingleThreadScheduledExecutor();
        ContiguousAcker acker = new ContiguousAcker(DOMAIN, "zone-t");
        Secp256k1Signer key = Secp256k1Signer.generate();
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), 10_000)) {
            acker.connect(broker.serverUri());
            S0Counter counter = new S0Counter(1000, Duration.ofMillis(1).toNanos(), 0);
            S0PulseInput input = new S0PulseInput(pi4j, 18, counter, System::nanoTime);
            SimulatedS0Meter meter = new SimulatedS0Meter(pi4j, 18);
            meter.start(sim, 50);
            MqttUplink uplink = new MqttUplink(new MqttSession(
                    tlsUri, "zone-t", key.address(), new MqttTls(ca, client[0], client[1]), Clock.systemUTC()));
            EdgeAgent agent = new EdgeAgent(
                    new S0MeterSource(counter, null, Clock.systemUTC(), input),
                    new ReadingSigner(key, DOMAIN, outbox, Clock.systemUTC()),
                    uplink,
                    outbox,
                    new EdgeAgent.Delivery(Duration.ofMillis(50), 500, Duration.ofSeconds(10)),
                    null);
            try {
                agent.start(Duration.ofMillis(50));
                Await.until(
                        "agent.ackedThrough() >= 30",
                        Duration.ofSeconds(60),
                        () -> agent.ackedThrough() >= 30,
                        () -> "acked through " + agent.ackedThrough() + ", health " + agent.health() + ", acker at "
                                + acker.contiguous());
                assertEquals(EdgeAgent.Health.OK, agent.health());
                assertTrue(uplink.isConnected());
            } finally {
                agent.close();
                meter.close();
                sim.shutdownNow();
                acker.close();
                pi4j.shutdown();
            }
            assertEquals(List.of(), acker.violations());
            System.out.printf(
                    "MqttTlsIT: %d readings over mutual TLS, acked through %d, outbox %d%n",
                    outbox.lastCommittedSeq(), outbox.ackedThrough(), outbox.size());
        }
    }

    @Test
    void a_broker_certificate_from_another_ca_is_refused_naming_the_broker_and_the_cause() throws Exception {
        String message = refusal(tlsUri, new MqttTls(otherCa, client[0], client[1]));
        assertTrue(
                message.contains("PKIX path building failed")
                        || message.contains("unable to find valid certification path"),
                message);
    }

    @Test
    void a_broker_certificate_for_another_host_name_is_refused() throws Exception {
        String message = refusal(wrongHostUri, new MqttTls(ca, client[0], client[1]));
        assertTrue(message.contains("127.0.0.1"), message);
    }

    @Test
    void without_a_client_certificate_the_mutual_tls_broker_refuses_the_box() throws Exception {
        refusal(tlsUri, new MqttTls(ca, null, null));
    }

    private String refusal(String uri, MqttTls tls) throws Exception {
        MqttUplink uplink = new MqttUplink(
                new MqttSession(uri, "zone-t", Secp256k1Signer.generate().address(), tls, Clock.systemUTC()));
        try {
            UplinkException e = assertThrows(UplinkException.class, uplink::connect);
            System.out.println("MqttTlsIT refused: " + e.getMessage());
            assertTrue(e.getMessage().startsWith("MQTT broker " + uri + ": cannot connect: "), e.getMessage());
            assertTrue(!uplink.isConnected());
            return e.getMessage();
        } finally {
            uplink.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
