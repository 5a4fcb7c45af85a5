package org.gridshare.backend.ingest.coap;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.gridshare.backend.ack.AckSink;
import org.gridshare.protocol.downlink.Ack;
import org.gridshare.protocol.downlink.Downlink;

/**
 * The acks for CoAP devices, fed by {@link org.gridshare.backend.ack.AckPublisher} like the MQTT
 * acks: per meter the highest verified seq (cumulative) and the rejections of the latest round. Only
 * meters that posted or observed through this ingest since it started are kept (the others use MQTT).
 * Each delivery notifies the observers of {@code acks/{meter}}; {@code acceptedThrough} also rides on
 * every 2.04 answer to a reading.
 */
final class AckBoard implements AckSink {
    private final Map<String, Ack> latest = new ConcurrentHashMap<>();
    private final Map<String, Boolean> known = new ConcurrentHashMap<>();
    private final Consumer<String> changed;

    /** {@code changed} is called with the meter whose ack state changed (to notify its observers). */
    AckBoard(Consumer<String> changed) {
        this.changed = changed;
    }

    /** This meter's device talks CoAP: keep its acks. */
    void know(String meter) {
        known.put(meter, Boolean.TRUE);
    }

    @Override
    public void deliver(List<Addressed> acks) {
        for (Addressed a : acks) {
            Ack ack = a.ack();
            if (!known.containsKey(ack.meter())) {
                continue;
            }
            latest.merge(
                    ack.meter(),
                    ack,
                    (old, now) ->
                            new Ack(now.meter(), max(old.acceptedThrough(), now.acceptedThrough()), now.rejected()));
            changed.accept(ack.meter());
        }
    }

    /** The latest ack of {@code meter} as JSON (docs/protocol.md, "Ack"). */
    byte[] notification(String meter) {
        Ack ack = latest.get(meter);
        return Downlink.encode(ack == null ? new Ack(meter, null, null) : ack);
    }

    /** Only the cumulative part, for piggy-backing on a 2.04. */
    byte[] acceptedThrough(String meter) {
        Ack ack = latest.get(meter);
        return Downlink.encode(new Ack(meter, ack == null ? null : ack.acceptedThrough(), null));
    }

    private static Long max(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
    }

    @Override
    public void close() {}
}
