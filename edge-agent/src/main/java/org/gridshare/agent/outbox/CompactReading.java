package org.gridshare.agent.outbox;

import java.nio.ByteBuffer;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Signature;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.wire.JsonWire;

/**
 * How the outbox stores a signed reading: the fields in fixed binary form (158 bytes instead of
 * about 700 of JSON), so a group commit touches fewer SD-card pages. The wire JSON is rebuilt with
 * {@link JsonWire#encodeReading}, which is deterministic, so a re-sent reading is byte-identical to
 * its first publication. Rows written before this form (JSON, starting with '{') are read as they are.
 *
 * <p>Layout (big-endian): version 1, meter 20, seq 8, timeMs 8, import 8, export 8, power 8,
 * status 4, prev 32, signature 65 (r, s, v).
 */
final class CompactReading {
    static final byte VERSION = 1;
    static final int LENGTH = 1 + 20 + 8 * 5 + 4 + 32 + 65;

    private CompactReading() {}

    static byte[] encode(Signed<MeterReading> signed) {
        MeterReading m = signed.message();
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put(VERSION)
                .put(m.meter().bytes())
                .putLong(m.seq())
                .putLong(m.timeMs())
                .putLong(m.importMilliWh())
                .putLong(m.exportMilliWh())
                .putLong(m.powerMilliW())
                .putInt((int) m.status())
                .put(m.prev().bytes())
                .put(signed.signature().toBytes());
        return b.array();
    }

    /** The wire JSON of a stored payload, whichever form it was stored in. */
    static byte[] toWire(long seq, byte[] stored) {
        if (stored.length > 0 && stored[0] == '{') {
            return stored;
        }
        return JsonWire.encodeReading(decode(seq, stored));
    }

    /** @throws IllegalStateException naming the seq, length and version when the row is not in this form */
    static Signed<MeterReading> decode(long seq, byte[] stored) {
        if (stored.length != LENGTH || stored[0] != VERSION) {
            throw new IllegalStateException(
                    "outbox row seq " + seq + ": stored reading has " + stored.length + " bytes and version "
                            + (stored.length > 0 ? stored[0] : -1) + ", expected " + LENGTH + " and " + VERSION);
        }
        ByteBuffer b = ByteBuffer.wrap(stored, 1, LENGTH - 1);
        byte[] meter = new byte[20];
        b.get(meter);
        long rseq = b.getLong();
        long time = b.getLong();
        long imp = b.getLong();
        long exp = b.getLong();
        long power = b.getLong();
        long status = Integer.toUnsignedLong(b.getInt());
        byte[] prev = new byte[32];
        b.get(prev);
        byte[] sig = new byte[65];
        b.get(sig);
        return new Signed<>(
                new MeterReading(new Address(meter), rseq, time, imp, exp, power, status, new Bytes32(prev)),
                Signature.fromBytes(sig));
    }
}
