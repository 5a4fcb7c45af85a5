package org.gridshare.agent.uplink.coap;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.gridshare.agent.uplink.ReadingUplink;
import org.gridshare.agent.uplink.ReconnectLoop;
import org.gridshare.agent.uplink.UplinkException;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.wire.CborWire;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.protocol.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CoAP over DTLS uplink (Eclipse Californium with Scandium), for cellular links: each reading is a
 * confirmable POST of its CBOR form ({@link CborWire}) to
 * {@code coaps://HOST:PORT/gridshare/v1/{zone}/{meter}/readings}; the backend answers 2.04 only once
 * Kafka has the reading. End-to-end acks come from observing
 * {@code coaps://HOST:PORT/gridshare/v1/{zone}/{meter}/acks} (confirmable notifications carrying the
 * ack JSON) and are piggy-backed on every 2.04 too, so a lost notification is made up by the next
 * response. Neither a CoAP ACK nor a 2.04 removes a reading from the outbox.
 *
 * <p>Any failed exchange (timeout after the CoAP retransmissions, a DTLS alert, a 5.xx) marks the link
 * down; a background loop with exponential backoff and jitter then builds a fresh DTLS endpoint (new
 * handshake: the server may have restarted and lost the session) and observes the acks again. The
 * outbox drain re-sends from the oldest unacknowledged reading once the link is up.
 */
public final class CoapUplink implements ReadingUplink {
    private static final Logger LOG = LoggerFactory.getLogger(CoapUplink.class);
    private static final long CONNECT_TIMEOUT_MS = 10_000;

    static {
        CoapConfig.register();
        DtlsConfig.register();
        UdpConfig.register();
    }

    /**
     * Where and how to connect.
     *
     * @param serverUri {@code coaps://HOST:PORT}
     * @param zone the meter's grid zone (a path segment)
     * @param meter the meter address (path segment, and the PSK identity by default)
     * @param credentials PSK or raw public key
     * @param ackTimeout CoAP ACK_TIMEOUT (RFC 7252 default 2 s)
     * @param maxRetransmit CoAP MAX_RETRANSMIT (default 4: an exchange fails after 62–93 s at 2 s)
     * @param maxUnconfirmed confirmable POSTs in flight at once (RFC 7252 NSTART is 1: keeps seq order)
     */
    public record Settings(
            String serverUri,
            String zone,
            Address meter,
            DtlsCredentials credentials,
            Duration ackTimeout,
            int maxRetransmit,
            int maxUnconfirmed) {
        public Settings {
            if (!serverUri.startsWith("coaps://")) {
                throw new IllegalArgumentException("the CoAP uplink needs a coaps:// URI, got " + serverUri);
            }
            if (maxUnconfirmed < 1 || maxRetransmit < 0 || ackTimeout.toMillis() < 100) {
                throw new IllegalArgumentException("bad CoAP timing: ackTimeout " + ackTimeout + ", maxRetransmit "
                        + maxRetransmit + ", maxUnconfirmed " + maxUnconfirmed);
            }
            serverUri = serverUri.endsWith("/") ? serverUri.substring(0, serverUri.length() - 1) : serverUri;
        }

        /** RFC 7252 defaults: ACK_TIMEOUT 2 s, MAX_RETRANSMIT 4, one POST in flight. */
        public Settings(String serverUri, String zone, Address meter, DtlsCredentials credentials) {
            this(serverUri, zone, meter, credentials, Duration.ofSeconds(2), 4, 1);
        }

        /** The longest an exchange can take before it fails: ACK_TIMEOUT · (2^(MAX_RETRANSMIT+1) − 1) · 1.5. */
        long maxTransmitWaitMs() {
            return (long) (ackTimeout.toMillis() * ((1L << (maxRetransmit + 1)) - 1) * 1.5);
        }
    }

    private final Settings settings;
    private final String readingsUri;
    private final String acksUri;
    private final String name;
    private final CoapClient client = new CoapClient();
    private final ReconnectLoop reconnect =
            new ReconnectLoop("gridshare-coap-connect", () -> this.closed || this.connected, this::connectNow);
    private volatile Consumer<byte[]> ackListener;
    private volatile CoapEndpoint endpoint;
    private volatile CoapObserveRelation observation;
    private volatile boolean connected;
    private volatile boolean closed;

    public CoapUplink(Settings settings) {
        this.settings = settings;
        String base = settings.serverUri() + "/gridshare/v1/" + segment(settings.zone()) + "/"
                + settings.meter().toHex();
        this.readingsUri = base + "/readings";
        this.acksUri = base + "/acks";
        this.name = "CoAP server " + settings.serverUri() + " ("
                + settings.credentials().describe() + ")";
    }

    private static String segment(String zone) {
        if (zone.isEmpty() || zone.chars().anyMatch(c -> c == '/' || c == '?' || c == '#' || c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("zone '" + zone + "' is not a valid URI path segment");
        }
        return zone;
    }

    @Override
    public void onAck(Consumer<byte[]> listener) {
        this.ackListener = listener;
    }

    @Override
    public void connect() throws UplinkException {
        connectNow();
    }

    private synchronized void connectNow() throws UplinkException {
        if (connected || closed) {
            return;
        }
        CoapEndpoint ep = freshEndpoint();
        Request observe = Request.newGet();
        observe.setURI(acksUri);
        observe.setObserve();
        CoapResponse response = awaitFirst(observe, observeAcks(ep, observe));
        if (!response.isSuccess()) {
            observe.cancel();
            throw new UplinkException(
                    name, "acks observation refused: " + response.getCode() + " " + response.getResponseText(), null);
        }
        connected = true;
        LOG.info("{}: connected, observing {}", name, acksUri);
    }

    /** Replaces the endpoint by a started new one: a fresh DTLS handshake, the server may have lost our session. */
    private CoapEndpoint freshEndpoint() throws UplinkException {
        CoapEndpoint old = endpoint;
        if (old != null) {
            old.destroy();
        }
        CoapEndpoint ep = newEndpoint();
        try {
            ep.start();
        } catch (java.io.IOException e) {
            throw new UplinkException(name, "cannot open a UDP socket", e);
        }
        endpoint = ep;
        client.setEndpoint(ep);
        return ep;
    }

    /**
     * Starts observing the acks resource over {@code ep}; the future completes with the first response
     * (the handshake and the observation are up), later notifications are acks or a lost link.
     */
    private CompletableFuture<CoapResponse> observeAcks(CoapEndpoint ep, Request observe) {
        CompletableFuture<CoapResponse> first = new CompletableFuture<>();
        observation = client.observe(observe, new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                if (!first.isDone()) {
                    first.complete(response);
                }
                if (response.isSuccess()) {
                    deliverAck(response.getPayload());
                } else if (first.isDone() && connected) {
                    linkLost(ep, "acks observation ended with " + response.getCode());
                }
            }

            @Override
            public void onError() {
                if (!first.isDone()) {
                    first.completeExceptionally(failure(observe, "acks observation failed"));
                } else {
                    linkLost(ep, "acks observation failed");
                }
            }
        });
        return first;
    }

    /** The observation's first response, within the connect wait; the observation is cancelled on failure. */
    private CoapResponse awaitFirst(Request observe, CompletableFuture<CoapResponse> first) throws UplinkException {
        long waitMs = Math.max(CONNECT_TIMEOUT_MS, settings.maxTransmitWaitMs() + 2_000);
        try {
            return first.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            observe.cancel();
            throw e.getCause() instanceof UplinkException u
                    ? u
                    : new UplinkException(name, "cannot connect", e.getCause());
        } catch (TimeoutException e) {
            observe.cancel();
            throw new UplinkException(
                    name,
                    "no answer within " + waitMs + " ms (DTLS handshake or acks observation)",
                    observe.getSendError());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UplinkException(name, "interrupted while connecting", e);
        }
    }

    private CoapEndpoint newEndpoint() {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.ACK_TIMEOUT, settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
        config.set(CoapConfig.MAX_RETRANSMIT, settings.maxRetransmit());
        config.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        // handshake flights on the same timers as CoAP, so a refused handshake fails within the connect wait
        config.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
        config.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, settings.maxRetransmit());
        DtlsConnectorConfig.Builder dtls = DtlsConnectorConfig.builder(config);
        settings.credentials().apply(dtls);
        return new CoapEndpoint.Builder()
                .setConfiguration(config)
                .setConnector(new DTLSConnector(dtls.build()))
                .build();
    }

    private UplinkException failure(Request request, String what) {
        Throwable cause = request.getSendError();
        String why = request.isTimedOut()
                ? "timed out after " + settings.maxRetransmit() + " retransmissions"
                : request.isRejected() ? "rejected by the server (RST)" : null;
        return new UplinkException(name, what + (why == null ? "" : ": " + why), cause);
    }

    private void deliverAck(byte[] payload) {
        Consumer<byte[]> listener = ackListener;
        if (listener != null && payload != null && payload.length > 0) {
            listener.accept(payload);
        }
    }

    /** The link through {@code ep} failed; events of an endpoint already replaced are ignored. */
    // identity on purpose: a loss reported by an endpoint already replaced is stale
    @SuppressWarnings("ReferenceEquality")
    private void linkLost(CoapEndpoint ep, String why) {
        if (closed || ep != endpoint) {
            return;
        }
        if (connected) {
            LOG.warn("{}: {}; reconnecting with backoff", name, why);
        }
        connected = false;
        reconnectInBackground();
    }

    @Override
    public void reconnectInBackground() {
        reconnect.start();
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public Sent send(Address meter, byte[] jsonPayload) throws UplinkException {
        if (!connected) {
            throw new UplinkException(name, "not connected", null);
        }
        byte[] cbor;
        try {
            cbor = CborWire.encodeReading(JsonWire.decodeReading(jsonPayload));
        } catch (WireFormatException e) {
            throw new IllegalStateException(
                    "the outbox holds a reading that is not valid JSON wire form: " + e.getMessage(), e);
        }
        Request post = Request.newPost();
        post.setURI(readingsUri);
        post.setConfirmable(true);
        post.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_CBOR);
        post.setPayload(cbor);
        CompletableFuture<CoapResponse> done = new CompletableFuture<>();
        CoapEndpoint ep = endpoint;
        client.advanced(
                new CoapHandler() {
                    @Override
                    public void onLoad(CoapResponse response) {
                        if (response.isSuccess()) {
                            deliverAck(response.getPayload());
                        } else if (response.getCode().codeClass == 5) {
                            linkLost(ep, "server answered " + response.getCode() + " " + response.getResponseText());
                        }
                        done.complete(response);
                    }

                    @Override
                    public void onError() {
                        UplinkException e = failure(post, "POST failed");
                        linkLost(ep, e.getMessage());
                        done.completeExceptionally(e);
                    }
                },
                post);
        long wait = settings.maxTransmitWaitMs() + 2_000;
        return timeoutMs -> {
            CoapResponse r;
            try {
                r = done.get(Math.max(timeoutMs, wait), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof UplinkException u
                        ? u
                        : new UplinkException(name, "POST failed", e.getCause());
            } catch (TimeoutException e) {
                post.cancel();
                linkLost(ep, "no response to a POST within " + Math.max(timeoutMs, wait) + " ms");
                throw new UplinkException(name, "no response to a POST", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UplinkException(name, "interrupted", e);
            }
            if (!r.isSuccess()) {
                throw new UplinkException(name, "POST refused: " + r.getCode() + " " + r.getResponseText(), null);
            }
        };
    }

    @Override
    public int maxUnconfirmed() {
        return settings.maxUnconfirmed();
    }

    @Override
    public String serverUri() {
        return settings.serverUri();
    }

    @Override
    public void close() {
        closed = true;
        connected = false;
        CoapObserveRelation o = observation;
        if (o != null) {
            o.proactiveCancel();
        }
        client.shutdown();
        CoapEndpoint ep = endpoint;
        if (ep != null) {
            ep.destroy();
        }
    }
}
