package org.gridshare.cli.demo;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.wire.JsonWire;

/**
 * Shows what the backend does with readings nobody's meter signed: a neighbour publishes a few
 * bad readings on the broker, and the demo's table counts their rejections by reason.
 */
final class TamperingNeighbour {
    private TamperingNeighbour() {}

    static void tryTricks(String mqttUri, String zone, Address victim, Eip712Domain domain, PrintStream out)
            throws MqttException {
        Secp256k1Signer stranger = Secp256k1Signer.generate();
        MqttClient client = new MqttClient(mqttUri, "neighbour-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setConnectionTimeout(10);
        client.connect(options);
        try {
            // 1. a reading for the victim's meter, signed with a key that is not the victim's
            MeterReading fake =
                    new MeterReading(victim, 1, System.currentTimeMillis(), 0, 99_000_000, -5_000_000, 0, Bytes32.ZERO);
            publish(client, Topics.readings(zone, victim), JsonWire.encodeReading(stranger.sign(domain, fake)));
            // 2. a meter nobody registered
            MeterReading own =
                    new MeterReading(stranger.address(), 1, System.currentTimeMillis(), 0, 1_000, 0, 0, Bytes32.ZERO);
            publish(
                    client,
                    Topics.readings(zone, stranger.address()),
                    JsonWire.encodeReading(stranger.sign(domain, own)));
            // 3. not even JSON
            publish(
                    client,
                    Topics.readings(zone, victim),
                    "{\"seq\": 7, \"importMilliWh\": ".getBytes(StandardCharsets.UTF_8));
        } finally {
            client.disconnect();
            client.close();
        }
        out.println(
                "a tampering neighbour published 3 bad readings (forged signature, unregistered meter, malformed JSON)");
    }

    private static void publish(MqttClient client, String topic, byte[] payload) throws MqttException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        client.publish(topic, m);
    }
}
