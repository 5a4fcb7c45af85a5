package org.gridshare.agent.homeassistant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.MeterReading;

/**
 * Home Assistant MQTT discovery for the meter: three sensors (lifetime import and export in kWh,
 * power in W) announced as retained configs under
 * {@code <prefix>/sensor/gridshare_<meter>/<object>/config} with one device block, available while the
 * agent's retained status (and its Last Will) says online, and re-announced whenever Home Assistant
 * publishes {@code online} on {@code <prefix>/status}.
 *
 * <p>The state is one retained JSON object per reading on {@code gridshare/v1/<zone>/<meter>/ha/state};
 * the integer registers are written as exact decimals ({@code import_kwh} = mWh / 10^6 with six
 * places, {@code power_w} = mW / 1000 with three), so no float ever touches the energy.
 */
public final class HomeAssistantDiscovery {
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private final MqttSession session;
    private final String prefix;
    private final Address meter;
    private final String model;
    private final String swVersion;
    private volatile byte[] lastState;

    public HomeAssistantDiscovery(MqttSession session, String prefix, Address meter, String model, String swVersion) {
        this.session = session;
        this.prefix = prefix;
        this.meter = meter;
        this.model = model;
        this.swVersion = swVersion;
    }

    /** Announces on every (re)connect and whenever Home Assistant comes online. Call before connecting. */
    public void install() {
        session.onConnected(this::announce);
        session.subscribe(prefix + "/status", payload -> {
            if ("online".equals(new String(payload, StandardCharsets.UTF_8).trim())) {
                announce();
            }
        });
    }

    /** The node id in discovery topics: {@code gridshare_} and the meter address without 0x. */
    public String nodeId() {
        return "gridshare_" + meter.toHex().substring(2);
    }

    public String stateTopic() {
        return "gridshare/v1/" + session.zone() + "/" + meter.toHex() + "/ha/state";
    }

    /** Discovery topic → retained config payload, for the three sensors. */
    public Map<String, byte[]> configs() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put(
                configTopic("import_energy"),
                sensor("import_energy", "Energy import", "energy", "total", "kWh", "{{ value_json.import_kwh }}"));
        out.put(
                configTopic("export_energy"),
                sensor("export_energy", "Energy export", "energy", "total", "kWh", "{{ value_json.export_kwh }}"));
        out.put(
                configTopic("power"),
                sensor("power", "Power", "power", "measurement", "W", "{{ value_json.power_w }}"));
        return out;
    }

    public String configTopic(String object) {
        return prefix + "/sensor/" + nodeId() + "/" + object + "/config";
    }

    /** Publishes the configs (retained) and the last state; a no-op while disconnected. */
    public void announce() {
        configs().forEach((topic, payload) -> session.publish(topic, payload, 1, true));
        byte[] s = lastState;
        if (s != null) {
            session.publish(stateTopic(), s, 0, true);
        }
    }

    /** Publishes the state of a signed reading (retained, QoS 0). */
    public void publishState(MeterReading r) {
        byte[] s = state(r);
        lastState = s;
        session.publish(stateTopic(), s, 0, true);
    }

    /** The state JSON of a reading: exact decimals from the integer registers. */
    public static byte[] state(MeterReading r) {
        ObjectNode n = JSON.createObjectNode();
        // the registers are uint64: read them unsigned
        n.put("import_kwh", new BigDecimal(new java.math.BigInteger(Long.toUnsignedString(r.importMilliWh())), 6));
        n.put("export_kwh", new BigDecimal(new java.math.BigInteger(Long.toUnsignedString(r.exportMilliWh())), 6));
        n.put("power_w", BigDecimal.valueOf(r.powerMilliW(), 3));
        n.put("seq", r.seq());
        n.put("time_ms", r.timeMs());
        try {
            return JSON.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("state JSON of seq " + r.seq(), e);
        }
    }

    private byte[] sensor(
            String object, String name, String deviceClass, String stateClass, String unit, String valueTemplate) {
        ObjectNode c = JSON.createObjectNode();
        c.put("name", name);
        c.put("unique_id", nodeId() + "_" + object);
        c.put("object_id", nodeId() + "_" + object);
        c.put("state_topic", stateTopic());
        c.put("value_template", valueTemplate);
        c.put("device_class", deviceClass);
        c.put("state_class", stateClass);
        c.put("unit_of_measurement", unit);
        ArrayNode availability = c.putArray("availability");
        ObjectNode a = availability.addObject();
        a.put("topic", session.statusTopic());
        a.put("value_template", "{{ value_json.state }}");
        a.put("payload_available", "online");
        a.put("payload_not_available", "offline");
        ObjectNode d = c.putObject("device");
        d.putArray("identifiers").add(meter.toHex());
        d.put("name", "gridshare meter " + meter.toHex().substring(0, 10));
        d.put("manufacturer", "gridshare");
        d.put("model", model);
        d.put("sw_version", swVersion);
        try {
            return JSON.writeValueAsBytes(c);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("discovery config of " + object, e);
        }
    }
}
