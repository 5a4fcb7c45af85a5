package org.gridshare.drivers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The JSON form of a {@link NormalizedReading}, as printed by {@code meter decode} and kept in golden
 * fixtures. Integers are JSON numbers, decimals as sent are strings, absent values are null.
 */
public final class ReadingJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReadingJson() {}

    /** The reading as a JSON tree. */
    public static ObjectNode toTree(NormalizedReading r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("protocol", r.protocol());
        o.put("protocolVersion", r.protocolVersion());
        o.put("meterId", r.meterId());
        o.put("timestamp", iso(r.timestamp()));
        o.put("importMilliWh", r.importMilliWh());
        o.put("exportMilliWh", r.exportMilliWh());
        o.put("powerMilliW", r.powerMilliW());
        ObjectNode obis = o.putObject("obis");
        for (Map.Entry<String, ObisValue> e : r.obis().entrySet()) {
            ObjectNode v = obis.putObject(e.getKey());
            v.put("value", e.getValue().value());
            v.put("unit", e.getValue().unit());
        }
        ArrayNode phases = o.putArray("phases");
        for (PhaseReading p : r.phases()) {
            ObjectNode n = phases.addObject();
            n.put("phase", p.phase());
            n.put("voltageMilliV", p.voltageMilliV());
            n.put("currentMilliA", p.currentMilliA());
            n.put("importPowerMilliW", p.importPowerMilliW());
            n.put("exportPowerMilliW", p.exportPowerMilliW());
        }
        ArrayNode status = o.putArray("status");
        for (StatusFlag f : r.status()) {
            status.add(f.name());
        }
        ArrayNode subs = o.putArray("subMeters");
        for (SubMeterReading s : r.subMeters()) {
            ObjectNode n = subs.addObject();
            n.put("channel", s.channel());
            n.put("deviceType", s.deviceType());
            n.put("equipmentId", s.equipmentId());
            n.put("capturedAt", iso(s.capturedAt()));
            n.put("value", s.value() == null ? null : s.value().value());
            n.put("unit", s.value() == null ? null : s.value().unit());
        }
        ArrayNode failures = o.putArray("powerFailures");
        for (PowerFailure f : r.powerFailures()) {
            ObjectNode n = failures.addObject();
            n.put("endAsSent", f.endAsSent());
            n.put("end", iso(f.end()));
            n.put("durationSeconds", f.durationSeconds());
        }
        o.put("textMessage", r.textMessage());
        MeterAuthenticity a = r.authenticity();
        if (a == null) {
            o.putNull("authenticity");
        } else {
            ObjectNode n = o.putObject("authenticity");
            n.put("serverId", a.serverId());
            n.put("publicKey", a.publicKey());
            n.put("listSignature", a.listSignature());
            ArrayNode signed = n.putArray("signedValues");
            for (MeterAuthenticity.SignedValue v : a.signedValues()) {
                ObjectNode e = signed.addObject();
                e.put("obis", v.obis());
                e.put("status", v.status());
                e.put("valTime", v.valTime());
                e.put("unit", v.unit());
                e.put("scaler", v.scaler());
                e.put("value", v.value());
                e.put("signature", v.signature());
            }
        }
        return o;
    }

    /** One line of compact JSON. */
    public static String toLine(NormalizedReading r) {
        return toTree(r).toString();
    }

    /** Shared mapper for reading fixtures. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static String iso(OffsetDateTime t) {
        return t == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
    }
}
