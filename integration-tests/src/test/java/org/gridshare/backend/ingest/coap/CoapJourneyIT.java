package org.gridshare.backend.ingest.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.LongStream;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.gridshare.agent.EdgeAgent;
import org.gridshare.agent.config.AgentConfig;
import org.gridshare.agent.config.UplinkConfig;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.uplink.ReadingUplink;
import org.gridshare.agent.uplink.UplinkException;
import org.gridshare.agent.uplink.coap.CoapUplink;
import org.gridshare.agent.uplink.coap.DtlsCredentials;
import org.gridshare.agent.uplink.coap.RpkFiles;
import org.gridshare.backend.Backend;
import org.gridshare.backend.BackendConfig;
import org.gridshare.backend.ack.AckPublisher;
import org.gridshare.backend.aggregate.IntervalTable;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.backend.testing.SimulatedAgent;
import org.gridshare.backend.testing.TestChain;
import org.gridshare.backend.verify.VerifiedReading;
import org.gridshare.parts.AnvilNode;
import org.gridshare.parts.KafkaNode;
import org.gridshare.parts.Mosquitto;
import org.gridshare.parts.MqttBroker;
import org.gridshare.parts.RepoRoot;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.testsupport.Await;
import org.gridshare.testsupport.Reports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real edge agent over CoAP/DTLS against the real backend: Scandium DTLS (PSK and raw public
 * key), the CoAP ingest producing into a KRaft Kafka broker, verification against the MeterRegistry
 * on anvil, and the ack publisher feeding the CoAP ack resources the agent observes. A reading leaves
 * the agent's outbox only through those end-to-end acks: the agent has no other link.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoapJourneyIT {
    private static final String ZONE = "zone-c";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Path dir;
    private KafkaNode kafka;
    private AnvilNode anvil;
    private TestChain chain;
    private MqttBroker mqtt;
    private Backend backend;
    private IntervalTable table;
    private DeviceKeys keys;
    private CoapIngest coap;
    private AckPublisher acks;
    private Eip712Domain domain;
    private Context pi4j;
    private ScheduledExecutorService sim;
    private final Random random = new Random(5);
    private int nextPin = 20;

    // the RPK device's key must be trusted when the server starts
    private final Secp256k1Signer rpkMeter = Secp256k1Signer.generate();
    private KeyPair rpkDeviceKey;
    private KeyPair serverKey;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("coap-journey");
        kafka = KafkaNode.start(dir.resolve("kafka"));
        anvil = AnvilNode.start(RepoRoot.find());
        chain = TestChain.deploy(anvil);
        mqtt = Mosquitto.start(dir.resolve("mqtt"));
        Backend.createTopics(kafka.bootstrapServers());
        domain = new Eip712Domain(anvil.chainId(), Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
        BackendConfig config = new BackendConfig(
                        mqtt.serverUri(),
                        kafka.bootstrapServers(),
                        anvil.rpcUrl(),
                        chain.registryAddress(),
                        domain,
                        Duration.ofMinutes(1),
                        Duration.ofHours(1),
                        dir.resolve("streams"),
                        Clock.systemUTC())
                .withRegistryMaxAge(Duration.ZERO)
                .withApplicationId("coap-journey");
        backend = Backend.start(config);
        table = IntervalTable.start(kafka.bootstrapServers());
        // the RPK box makes its DTLS key on first start; the installer hands both public keys over
        Path box = Files.createDirectories(dir.resolve("rpk-box"));
        rpkDeviceKey = RpkFiles.loadOrCreate(box.resolve("coap-dtls.key"));
        serverKey = p256();
        Files.writeString(
                box.resolve("backend-dtls.pub.pem"),
                RpkFiles.pem("PUBLIC KEY", serverKey.getPublic().getEncoded()));
        keys = new DeviceKeys().serverKey(serverKey).rpk(rpkDeviceKey.getPublic(), rpkMeter.address());
        chain.register(rpkMeter.address(), ZONE);
        startCoap(0);
        pi4j = Pi4J.newContextBuilder()
                .autoDetectMockPlugins()
                .autoDetectPlatforms()
                .build();
        sim = Executors.newScheduledThreadPool(2);
    }

    private void startCoap(int port) {
        coap = CoapIngest.start(
                "127.0.0.1", port, kafka.bootstrapServers(), "coap-journey-ingest", keys, Clock.systemUTC());
        acks = AckPublisher.start(kafka.bootstrapServers(), "coap-journey-acks", coap.ackSink());
    }

    @AfterAll
    void stop() throws Exception {
        sim.shutdownNow();
        pi4j.shutdown();
        acks.close();
        coap.close();
        table.close();
        backend.close();
        mqtt.close();
        chain.close();
        anvil.close();
        kafka.close();
    }

    @Test
    void readings_over_dtls_with_psk_and_with_raw_public_key_are_verified_once_in_order_and_acks_drain_the_outbox()
            throws Exception {
        Secp256k1Signer pskMeter = Secp256k1Signer.generate();
        chain.register(pskMeter.address(), ZONE);
        byte[] secret = secret();
        keys.psk(pskMeter.address(), secret);
        try (Outbox pskOutbox = Outbox.open(dir.resolve("psk").resolve("outbox.db"), 10_000);
                Outbox rpkOutbox = Outbox.open(dir.resolve("rpk").resolve("outbox.db"), 10_000)) {
            EdgeAgent psk =
                    agent(pskMeter, new DtlsCredentials.Psk(pskMeter.address().toHex(), secret), pskOutbox);
            EdgeAgent rpk = SimulatedAgent.start(
                    pi4j,
                    sim,
                    nextPin++,
                    rpkMeter,
                    domain,
                    configuredRpkUplink(),
                    rpkOutbox,
                    new EdgeAgent.Delivery(Duration.ofMillis(50), 500, Duration.ofSeconds(5)));
            try {
                Await.until(
                        "psk.ackedThrough() >= 40 && rpk.ackedThrough() >= 40",
                        WAIT,
                        () -> psk.ackedThrough() >= 40 && rpk.ackedThrough() >= 40,
                        () -> "acked through psk " + psk.ackedThrough() + ", rpk " + rpk.ackedThrough());
            } finally {
                psk.close();
                rpk.close();
            }
            for (Secp256k1Signer meter : List.of(pskMeter, rpkMeter)) {
                Outbox outbox = meter == pskMeter ? pskOutbox : rpkOutbox;
                outbox.commit(); // acks that arrived after the agent's last group commit delete their rows now
                long acked = outbox.ackedThrough();
                Await.until(
                        "verified(meter).size() >= acked",
                        WAIT,
                        () -> verified(meter).size() >= acked,
                        () -> "verified " + verified(meter).size() + " of " + acked);
                List<Long> seqs = verified(meter);
                assertEquals(
                        LongStream.rangeClosed(1, seqs.size()).boxed().toList(),
                        seqs,
                        "every seq verified exactly once and in order");
                assertEquals(
                        outbox.lastCommittedSeq() - acked,
                        outbox.size(),
                        "the outbox holds exactly the readings not acknowledged end to end");
                System.out.printf(
                        "CoapJourneyIT %s: %d signed, %d verified, acked through %d, outbox %d%n",
                        meter == pskMeter ? "PSK" : "RPK",
                        outbox.lastCommittedSeq(),
                        seqs.size(),
                        acked,
                        outbox.size());
            }
            assertTrue(coap.forwarded() >= 80, "readings answered 2.04: " + coap.forwarded());
        }
    }

    @Test
    void a_wrong_psk_and_an_unknown_identity_are_refused_with_the_server_and_the_cause_named() throws Exception {
        Secp256k1Signer meter = Secp256k1Signer.generate();
        keys.psk(meter.address(), secret());
        CoapUplink wrongKey =
                uplink(meter, new DtlsCredentials.Psk(meter.address().toHex(), secret()));
        UplinkException e1 = assertThrows(UplinkException.class, wrongKey::connect);
        wrongKey.close();
        Secp256k1Signer unknown = Secp256k1Signer.generate();
        CoapUplink unknownIdentity =
                uplink(unknown, new DtlsCredentials.Psk(unknown.address().toHex(), secret()));
        UplinkException e2 = assertThrows(UplinkException.class, unknownIdentity::connect);
        unknownIdentity.close();
        for (UplinkException e : List.of(e1, e2)) {
            System.out.println("CoapJourneyIT refused: " + e.getMessage());
            assertTrue(e.getMessage().startsWith("CoAP server " + coap.serverUri()), e.getMessage());
            assertTrue(e.getMessage().contains("alert") || e.getMessage().contains("Handshake"), e.getMessage());
        }
    }

    @Test
    void garbage_and_oversized_payloads_are_answered_4xx_with_the_reason_and_kept_on_the_rejected_topic()
            throws Exception {
        Secp256k1Signer meter = Secp256k1Signer.generate();
        byte[] secret = secret();
        keys.psk(meter.address(), secret);
        String base = coap.serverUri() + "/gridshare/v1/" + ZONE + "/";
        CoapEndpoint endpoint = rawEndpoint(meter.address().toHex(), secret);
        CoapClient client = new CoapClient();
        client.setEndpoint(endpoint);
        try {
            byte[] garbage = new byte[40];
            random.nextBytes(garbage);
            garbage[0] = (byte) 0xa1; // a CBOR map of one pair, then noise
            CoapResponse bad = post(client, base + meter.address().toHex() + "/readings", garbage);
            assertEquals(ResponseCode.BAD_REQUEST, bad.getCode());
            assertTrue(bad.getResponseText().matches("[A-Z_]+: .+"), "reason and detail: " + bad.getResponseText());
            byte[] big = new byte[5000];
            random.nextBytes(big);
            CoapResponse tooBig = post(client, base + meter.address().toHex() + "/readings", big);
            assertEquals(ResponseCode.REQUEST_ENTITY_TOO_LARGE, tooBig.getCode(), tooBig.getResponseText());
            assertTrue(tooBig.getResponseText().startsWith("OVERSIZED"), tooBig.getResponseText());
            CoapResponse other = post(client, base + rpkMeter.address().toHex() + "/readings", garbage);
            assertEquals(ResponseCode.FORBIDDEN, other.getCode(), "a session posts only for its own meter");
            System.out.printf(
                    "CoapJourneyIT answers: %s \"%s\", %s \"%s\", %s \"%s\"%n",
                    bad.getCode(),
                    bad.getResponseText(),
                    tooBig.getCode(),
                    tooBig.getResponseText(),
                    other.getCode(),
                    other.getResponseText());
            String m = meter.address().toHex();
            Await.until(
                    "rejections(m).size() >= 2",
                    WAIT,
                    () -> rejections(m).size() >= 2,
                    () -> "rejections of " + m + ": " + rejections(m));
            Rejection malformed = rejections(m).stream()
                    .filter(r -> r.reason() != RejectReason.OVERSIZED)
                    .findFirst()
                    .orElseThrow();
            assertArrayEquals(garbage, malformed.payload(), "the undecodable payload is kept as received");
            assertTrue(bad.getResponseText().startsWith(malformed.reason().name()), "the answer names the kept reason");
            Rejection oversized = rejections(m).stream()
                    .filter(r -> r.reason() == RejectReason.OVERSIZED)
                    .findFirst()
                    .orElseThrow();
            assertEquals(5000, oversized.payloadBytes());
            assertEquals(
                    "gridshare/v1/" + ZONE + "/" + m + "/readings",
                    oversized.source().mqttTopic());
        } finally {
            client.shutdown();
            endpoint.destroy();
        }
    }

    @Test
    void a_2_04_without_an_end_to_end_ack_removes_nothing_from_the_outbox() throws Exception {
        Secp256k1Signer meter = Secp256k1Signer.generate();
        chain.register(meter.address(), ZONE);
        byte[] secret = secret();
        keys.psk(meter.address(), secret);
        // an ingest nobody feeds acks to: every reading is answered 2.04 once Kafka has it, nothing more
        try (CoapIngest silent = CoapIngest.start(
                        "127.0.0.1", 0, kafka.bootstrapServers(), "coap-journey-silent", keys, Clock.systemUTC());
                Outbox outbox = Outbox.open(dir.resolve("silent").resolve("outbox.db"), 10_000)) {
            EdgeAgent agent = SimulatedAgent.start(
                    pi4j,
                    sim,
                    nextPin++,
                    meter,
                    domain,
                    new CoapUplink(new CoapUplink.Settings(
                            silent.serverUri(),
                            ZONE,
                            meter.address(),
                            new DtlsCredentials.Psk(meter.address().toHex(), secret),
                            Duration.ofMillis(500),
                            2,
                            1)),
                    outbox,
                    new EdgeAgent.Delivery(Duration.ofMillis(50), 500, Duration.ofSeconds(30)));
            try {
                Await.until(
                        "silent.forwarded() >= 20",
                        WAIT,
                        () -> silent.forwarded() >= 20,
                        () -> "answered 2.04: " + silent.forwarded());
                Await.until(
                        "verified(meter).size() >= 20",
                        WAIT,
                        () -> verified(meter).size() >= 20,
                        () -> "verified " + verified(meter).size());
            } finally {
                agent.close();
            }
            outbox.commit();
            assertEquals(0, outbox.ackedThrough(), "a CoAP ACK or 2.04 is not an end-to-end ack");
            assertEquals(outbox.lastCommittedSeq(), outbox.size(), "every signed reading is still in the outbox");
            System.out.printf(
                    "CoapJourneyIT without acks: %d answered 2.04, %d verified, outbox %d%n",
                    silent.forwarded(), verified(meter).size(), outbox.size());
        }
    }

    @Test
    void a_backend_restart_mid_stream_loses_no_reading() throws Exception {
        Secp256k1Signer meter = Secp256k1Signer.generate();
        chain.register(meter.address(), ZONE);
        byte[] secret = secret();
        keys.psk(meter.address(), secret);
        try (Outbox outbox = Outbox.open(dir.resolve("restart").resolve("outbox.db"), 10_000)) {
            EdgeAgent agent =
                    agent(meter, new DtlsCredentials.Psk(meter.address().toHex(), secret), outbox);
            long signedAtRestart;
            long caughtUpMs;
            try {
                Await.until(
                        "agent.ackedThrough() >= 20",
                        WAIT,
                        () -> agent.ackedThrough() >= 20,
                        () -> "acked through " + agent.ackedThrough());
                int port = coap.port();
                acks.close();
                coap.close();
                long down = outbox.lastCommittedSeq();
                // the agent keeps signing into its outbox while the ingest is away
                Await.until(
                        "outbox.lastCommittedSeq() >= down + 40",
                        WAIT,
                        () -> outbox.lastCommittedSeq() >= down + 40,
                        () -> "signed " + outbox.lastCommittedSeq());
                signedAtRestart = outbox.lastCommittedSeq();
                startCoap(port);
                long restartedAt = System.nanoTime();
                Await.until(
                        "agent.ackedThrough() >= signedAtRestart",
                        WAIT,
                        () -> agent.ackedThrough() >= signedAtRestart,
                        () -> "acked through " + agent.ackedThrough() + " of " + signedAtRestart);
                caughtUpMs = (System.nanoTime() - restartedAt) / 1_000_000;
                Await.until(
                        "agent.ackedThrough() >= signedAtRestart + 20",
                        WAIT,
                        () -> agent.ackedThrough() >= signedAtRestart + 20,
                        () -> "acked through " + agent.ackedThrough() + ", signed " + outbox.lastCommittedSeq()
                                + ", uplink " + (agent.uplinkDown() ? "down" : "up"));
            } finally {
                agent.close();
            }
            outbox.commit(); // acks that arrived after the agent's last group commit delete their rows now
            long acked = outbox.ackedThrough();
            Await.until(
                    "verified(meter).size() >= acked",
                    WAIT,
                    () -> verified(meter).size() >= acked,
                    () -> "verified " + verified(meter).size());
            List<Long> seqs = verified(meter);
            assertEquals(
                    LongStream.rangeClosed(1, seqs.size()).boxed().toList(),
                    seqs,
                    "every seq verified exactly once and in order across the restart");
            long last = outbox.lastCommittedSeq();
            assertEquals(last - acked, outbox.size(), "the outbox holds every signed, unacknowledged seq");
            assertTrue(seqs.size() >= acked, "acknowledged only what was verified");
            long lost =
                    Math.max(0, acked - seqs.size()); // seqs neither verified (1..V) nor in the outbox (acked..last]
            assertEquals(0, lost, "each signed seq is verified or still in the outbox");
            Reports.printf(
                    "coap-restart.txt",
                    "CoapJourneyIT restart: %d signed (%d before the restart), %d verified, "
                            + "%d in the outbox, %d lost, %d re-sent; everything signed before the restart acknowledged "
                            + "%d ms after it%n",
                    outbox.lastCommittedSeq(),
                    signedAtRestart,
                    seqs.size(),
                    outbox.size(),
                    lost,
                    agent.resentCount(),
                    caughtUpMs);
        }
    }

    private EdgeAgent agent(Secp256k1Signer key, DtlsCredentials credentials, Outbox outbox) throws Exception {
        return SimulatedAgent.start(
                pi4j,
                sim,
                nextPin++,
                key,
                domain,
                uplink(key, credentials),
                outbox,
                new EdgeAgent.Delivery(Duration.ofMillis(50), 500, Duration.ofSeconds(5)));
    }

    /** The RPK box's uplink as the agent builds it from its configuration file. */
    private ReadingUplink configuredRpkUplink() throws Exception {
        Path file = dir.resolve("rpk-box").resolve("agent.yaml");
        Files.writeString(file, """
                dataDir: .
                zone: %s
                chain: {chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3"}
                meter: {type: s0-simulated}
                uplink: coap
                coap:
                  serverUri: %s
                  security: rpk
                  serverPublicKeyFile: backend-dtls.pub.pem
                  ackTimeoutMs: 500
                  maxRetransmit: 2
                """.formatted(ZONE, coap.serverUri()));
        ReadingUplink uplink =
                UplinkConfig.readings(AgentConfig.load(file, Map.of()), rpkMeter.address(), Clock.systemUTC());
        assertTrue(uplink instanceof CoapUplink, "uplink: coap builds the CoAP uplink");
        return uplink;
    }

    /** Short CoAP timers: a dead server is noticed within about 5 s. */
    private CoapUplink uplink(Secp256k1Signer key, DtlsCredentials credentials) {
        return new CoapUplink(new CoapUplink.Settings(
                coap.serverUri(), ZONE, key.address(), credentials, Duration.ofMillis(500), 2, 1));
    }

    private CoapEndpoint rawEndpoint(String identity, byte[] secret) {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        DtlsConnectorConfig.Builder dtls =
                DtlsConnectorConfig.builder(config).setAdvancedPskStore(new AdvancedSinglePskStore(identity, secret));
        return new CoapEndpoint.Builder()
                .setConfiguration(config)
                .setConnector(new DTLSConnector(dtls.build()))
                .build();
    }

    private static CoapResponse post(CoapClient client, String uri, byte[] payload) throws Exception {
        Request r = Request.newPost();
        r.setURI(uri);
        r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_CBOR);
        r.setPayload(payload);
        CoapResponse response = client.advanced(r);
        if (response == null) {
            throw new AssertionError("no response to POST " + uri + ": " + r.getSendError());
        }
        return response;
    }

    private byte[] secret() {
        byte[] s = new byte[16];
        random.nextBytes(s);
        return s;
    }

    private static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private List<Long> verified(Secp256k1Signer key) {
        return table.verified().stream()
                .filter(v -> v.meter().equals(key.address().toHex()))
                .map(VerifiedReading::seq)
                .toList();
    }

    private List<Rejection> rejections(String meter) {
        return table.rejections().stream().filter(r -> meter.equals(r.meter())).toList();
    }
}
