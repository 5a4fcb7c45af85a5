package org.gridshare.agent.fault;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.InvalidSignatureException;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.ReadingChain;
import org.gridshare.protocol.SignatureVerifier;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.wire.JsonWire;

/**
 * The acknowledging side for the agent's fault tests, on a real broker: checks each reading's
 * signature, that a seq never comes back as a different reading, the prev chain and the registers,
 * and acks the highest contiguous seq in the ack wire form the backend's AckPublisher uses. Each
 * observation survives reconnects: {@link #connect} may be called again after a broker restart.
 */
public final class ContiguousAcker implements AutoCloseable {
    private final Eip712Domain domain;
    private final String zone;
    final ConcurrentHashMap<Long, Signed<MeterReading>> received = new ConcurrentHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private volatile long contiguous;
    private MqttClient in;
    private MqttAsyncClient out;

    public ContiguousAcker(Eip712Domain domain, String zone) {
        this.domain = domain;
        this.zone = zone;
    }

    /** (Re)connects to {@code uri}: subscribes to the zone's readings; acks go out on a second client. */
    public synchronized void connect(String uri) throws MqttException {
        closeClients();
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setConnectionTimeout(10);
        in = new MqttClient(uri, "acker-" + UUID.randomUUID(), new MemoryPersistence());
        in.connect(o);
        // a blocking publish inside a Paho callback would deadlock: acks use their own async client
        out = new MqttAsyncClient(uri, "ack-out-" + UUID.randomUUID(), new MemoryPersistence());
        out.connect(o).waitForCompletion(10_000);
        in.subscribe(
                new MqttSubscription[] {new MqttSubscription("gridshare/v1/" + zone + "/+/readings", 1)},
                new IMqttMessageListener[] {(topic, msg) -> onReading(topic, msg.getPayload())});
    }

    public long contiguous() {
        return contiguous;
    }

    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    private synchronized void onReading(String topic, byte[] payload) {
        Signed<MeterReading> r;
        try {
            r = JsonWire.decodeReading(payload);
        } catch (Exception e) {
            violation("undecodable reading on " + topic + ": " + e.getMessage());
            return;
        }
        MeterReading m = r.message();
        try {
            if (!SignatureVerifier.recover(domain, r).equals(m.meter())) {
                violation("signature of seq " + m.seq() + " is not the meter's");
            }
        } catch (InvalidSignatureException e) {
            violation("bad signature at seq " + m.seq() + ": " + e.getMessage());
        }
        Signed<MeterReading> before = received.putIfAbsent(m.seq(), r);
        if (before != null && !ReadingChain.link(domain, before.message()).equals(ReadingChain.link(domain, m))) {
            violation("seq " + m.seq() + " reused for a different reading");
        }
        if (m.seq() == contiguous + 1) {
            if (contiguous > 0) {
                MeterReading prev = received.get(contiguous).message();
                if (!ReadingChain.link(domain, prev).equals(m.prev())) {
                    violation("prev chain broken at seq " + m.seq());
                }
                if (m.importMilliWh() < prev.importMilliWh() || m.timeMs() < prev.timeMs()) {
                    violation("register or time went back at seq " + m.seq());
                }
            }
            contiguous = m.seq();
        }
        if (m.seq() <= contiguous) {
            String ack = "{\"meter\":\"" + m.meter().toHex() + "\",\"acceptedThrough\":" + contiguous + "}";
            MqttMessage a = new MqttMessage(ack.getBytes(StandardCharsets.UTF_8));
            a.setQos(1);
            try {
                out.publish(topic.replace("/readings", "/acks"), a);
            } catch (MqttException e) {
                // the broker is down: the agent re-sends after its ack timeout and gets the ack then
            }
        }
    }

    private void violation(String v) {
        synchronized (violations) {
            violations.add(v);
        }
    }

    private void closeClients() {
        try {
            if (in != null) {
                in.close(true);
            }
        } catch (MqttException ignored) {
            // a client of a killed broker
        }
        try {
            if (out != null) {
                out.close(true);
            }
        } catch (MqttException ignored) {
            // a client of a killed broker
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (in != null && in.isConnected()) {
                in.disconnect();
            }
            if (out != null && out.isConnected()) {
                out.disconnect().waitForCompletion(5_000);
            }
        } catch (MqttException ignored) {
            // closing anyway
        }
        closeClients();
    }
}
