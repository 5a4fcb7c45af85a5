package org.gridshare.backend.ingest.coap;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.gridshare.backend.ack.AckSink;
import org.gridshare.backend.ingest.IngestRecords;

/**
 * CoAP over DTLS ingest (Eclipse Californium with Scandium): devices on cellular links POST their
 * signed readings as CBOR to {@code coaps://HOST:PORT/gridshare/v1/{zone}/{meter}/readings}. Each is
 * converted to the canonical JSON wire form and produced to {@code gridshare.readings.v1} with the same
 * key and headers as the MQTT bridge; the 2.04 goes out only after Kafka acknowledged the record (so a
 * CoAP ACK means "durably in Kafka", like the bridge's PUBACK). Oversized (4.13) and undecodable (4.00)
 * payloads are kept on {@code gridshare.rejected.v1} with their reason before the answer. End-to-end acks
 * reach the devices through {@link #ackSink()} (give it to an {@link org.gridshare.backend.ack.AckPublisher}).
 *
 * <pre>{@code
 * try (CoapIngest coap = CoapIngest.start("127.0.0.1", 5684, kafka, "gridshare-coap", keys, Clock.systemUTC());
 *      AckPublisher acks = AckPublisher.start(kafka, "gridshare-coap-acks", coap.ackSink())) { ... }
 * }</pre>
 */
public final class CoapIngest implements AutoCloseable {
    static {
        CoapConfig.register();
        DtlsConfig.register();
        UdpConfig.register();
    }

    /** Uploads up to this size are reassembled and, when over the 4096-byte limit, kept as OVERSIZED. */
    public static final int MAX_KEPT_UPLOAD_BYTES = 64 * 1024;

    private final CoapServer server;
    private final CoapEndpoint endpoint;
    private final KafkaProducer<String, byte[]> producer;
    private final DeviceKeys keys;
    private final Clock clock;
    private final AckBoard board;
    private final IngestResource resource;
    final AtomicLong received = new AtomicLong();
    final AtomicLong forwarded = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong kafkaFailures = new AtomicLong();

    private CoapIngest(String host, int port, String kafkaBootstrap, String clientId, DeviceKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
        Properties props = IngestRecords.producerProps(kafkaBootstrap, clientId);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY);
        config.set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NEEDED);
        // notifications wait at most this long for the device's ACK per try
        config.set(CoapConfig.ACK_TIMEOUT, 2, TimeUnit.SECONDS);
        // block-wise uploads are reassembled up to this size, so an oversized payload reaches the
        // resource and is kept with its reason; beyond it Californium itself answers 4.13
        config.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, MAX_KEPT_UPLOAD_BYTES);
        DtlsConnectorConfig.Builder dtls =
                DtlsConnectorConfig.builder(config).setAddress(new InetSocketAddress(host, port));
        keys.apply(dtls);
        this.endpoint = new CoapEndpoint.Builder()
                .setConfiguration(config)
                .setConnector(new DTLSConnector(dtls.build()))
                .build();
        this.server = new CoapServer(config);
        server.addEndpoint(endpoint);
        this.board = new AckBoard(this::notifyObservers);
        this.resource = new IngestResource(this, producer, board);
        server.add(resource);
    }

    /**
     * Binds {@code host:port} (port 0: any free port, see {@link #port()}) and starts serving.
     *
     * @throws IllegalStateException when the port cannot be bound
     */
    public static CoapIngest start(
            String host, int port, String kafkaBootstrap, String clientId, DeviceKeys keys, Clock clock) {
        CoapIngest ingest = new CoapIngest(host, port, kafkaBootstrap, clientId, keys, clock);
        try {
            ingest.server.start();
        } catch (RuntimeException e) {
            ingest.close();
            throw new IllegalStateException("CoAP ingest cannot listen on udp " + host + ":" + port, e);
        }
        return ingest;
    }

    private void notifyObservers(String meter) {
        resource.changed(relation -> {
            List<String> path = relation.getExchange().getRequest().getOptions().getUriPath();
            return path.size() == 5 && path.get(3).equalsIgnoreCase(meter);
        });
    }

    /** The bound UDP port. */
    public int port() {
        return endpoint.getAddress().getPort();
    }

    /** {@code coaps://HOST:PORT}. */
    public String serverUri() {
        InetSocketAddress a = endpoint.getAddress();
        return "coaps://" + a.getHostString() + ":" + a.getPort();
    }

    /** Where an {@link org.gridshare.backend.ack.AckPublisher} delivers the acks of CoAP devices. */
    public AckSink ackSink() {
        return board;
    }

    DeviceKeys keys() {
        return keys;
    }

    Clock clock() {
        return clock;
    }

    /** Readings POSTed (re-sends included). */
    public long received() {
        return received.get();
    }

    /** Readings Kafka acknowledged (answered 2.04). */
    public long forwarded() {
        return forwarded.get();
    }

    /** Payloads kept on the rejected topic (answered 4.00 or 4.13). */
    public long rejected() {
        return rejected.get();
    }

    /** Sends Kafka failed (answered 5.03). */
    public long kafkaFailures() {
        return kafkaFailures.get();
    }

    @Override
    public void close() {
        try {
            server.destroy();
        } finally {
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }
}
