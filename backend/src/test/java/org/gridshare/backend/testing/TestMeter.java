package org.gridshare.backend.testing;

import java.util.Random;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.MeterStatus;
import org.gridshare.protocol.ReadingChain;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.wire.JsonWire;

/**
 * A meter for tests: a key from a seeded Random, cumulative registers, seq and prev chain kept the way
 * the edge agent keeps them. {@link #next} signs the next reading and advances; {@link #peek} signs
 * without advancing (to build bad variants).
 */
public final class TestMeter {
    private final Secp256k1Signer key;
    private final Eip712Domain domain;
    private final String zone;
    private long seq = 1;
    private Bytes32 prev = Bytes32.ZERO;
    private long importMilliWh;
    private long exportMilliWh;

    public TestMeter(Random seeded, Eip712Domain domain, String zone) {
        byte[] k = new byte[32];
        seeded.nextBytes(k);
        k[0] = (byte) ((k[0] & 0x7f) | 0x01); // below the group order, never zero
        this.key = Secp256k1Signer.fromPrivateKey(k);
        this.domain = domain;
        this.zone = zone;
    }

    public Address address() {
        return key.address();
    }

    public String hex() {
        return key.address().toHex();
    }

    public String zone() {
        return zone;
    }

    public Secp256k1Signer key() {
        return key;
    }

    /** The MQTT topic this meter publishes readings on. */
    public String topic() {
        return "gridshare/v1/" + zone + "/" + hex() + "/readings";
    }

    /** The next reading, signed, with registers advanced by the deltas; the meter moves on. */
    public Signed<MeterReading> next(long timeMs, long importDelta, long exportDelta) {
        Signed<MeterReading> s = peek(timeMs, importDelta, exportDelta);
        seq++;
        prev = ReadingChain.link(domain, s.message());
        importMilliWh += importDelta;
        exportMilliWh += exportDelta;
        return s;
    }

    /** The reading {@link #next} would sign, without moving on. */
    public Signed<MeterReading> peek(long timeMs, long importDelta, long exportDelta) {
        MeterReading r = new MeterReading(
                key.address(),
                seq,
                timeMs,
                importMilliWh + importDelta,
                exportMilliWh + exportDelta,
                (importDelta - exportDelta) * 1000,
                MeterStatus.OK,
                prev);
        return key.sign(domain, r);
    }

    /** Signs any reading with this meter's key. */
    public Signed<MeterReading> sign(MeterReading r) {
        return key.sign(domain, r);
    }

    public static byte[] json(Signed<MeterReading> s) {
        return JsonWire.encodeReading(s);
    }

    public long seq() {
        return seq;
    }

    public Bytes32 prev() {
        return prev;
    }

    public long importMilliWh() {
        return importMilliWh;
    }

    public long exportMilliWh() {
        return exportMilliWh;
    }
}
