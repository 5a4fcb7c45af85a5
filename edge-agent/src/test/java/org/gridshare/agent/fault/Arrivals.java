package org.gridshare.agent.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.gridshare.protocol.wire.JsonWire;

/** A downstream subscriber that records the seq of every reading in the order the broker delivers them. */
final class Arrivals implements AutoCloseable {
    private final MqttClient client;
    private final List<Long> seqs = new ArrayList<>();

    Arrivals(String uri, String zone) throws Exception {
        client = new MqttClient(uri, "arrivals-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setConnectionTimeout(10);
        client.connect(o);
        // Paho 1.2.5's subscribe(String, int, listener) recurses forever: use the array form
        client.subscribe(
                new MqttSubscription[] {new MqttSubscription("gridshare/v1/" + zone + "/+/readings", 1)},
                new IMqttMessageListener[] {
                    (topic, msg) -> {
                        long seq = JsonWire.decodeReading(msg.getPayload())
                                .message()
                                .seq();
                        synchronized (seqs) {
                            seqs.add(seq);
                        }
                    }
                });
    }

    List<Long> seqs() {
        synchronized (seqs) {
            return List.copyOf(seqs);
        }
    }

    @Override
    public void close() throws MqttException {
        client.disconnect();
        client.close();
    }
}
