package org.gridshare.cli.installer;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.CommissioningRecord;
import org.gridshare.protocol.Eip712;
import org.web3j.crypto.Hash;

/**
 * The spec's (issue 10) {@code MeterBinding} typed data and its EIP-712 digest in the registry's domain
 * ({@code "gridshare-registry"}, {@code "1"}, chainId, the MeterRegistry). A stand-in, kept to this package,
 * until protocol's {@code MeterBinding} (engineer "reg") is merged; the type string and the domain are the
 * spec's, so the digests are the same, and the contract's {@code hashMeterBinding} view cross-checks them in
 * the installer ITs.
 */
public record Binding(
        Address meter,
        Address household,
        Bytes32 zone,
        long validFromMs,
        long genesisSeq,
        long genesisImportMilliWh,
        long genesisExportMilliWh,
        Bytes32 commissioningDigest) {

    public static final String TYPE = "MeterBinding(address meter,address household,bytes32 zone,uint64 validFromMs,"
            + "uint64 genesisSeq,uint64 genesisImportMilliWh,uint64 genesisExportMilliWh,bytes32 commissioningDigest)";
    public static final String DOMAIN_NAME = "gridshare-registry";
    public static final String DOMAIN_VERSION = "1";
    private static final String DOMAIN_TYPE =
            "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";

    public Binding {
        Objects.requireNonNull(meter, "meter");
        Objects.requireNonNull(household, "household");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(commissioningDigest, "commissioningDigest");
    }

    /** The binding a commissioning record stands for: its genesis is the registers read at commissioning. */
    public static Binding of(CommissioningRecord r) {
        return new Binding(
                r.meter(),
                r.household(),
                r.zoneId(),
                r.validFromMs(),
                r.genesisSeq(),
                r.importMilliWh(),
                r.exportMilliWh(),
                r.digest());
    }

    /** {@code hashStruct(MeterBinding)}. */
    public Bytes32 structHash() {
        return keccak(
                Hash.sha3(TYPE.getBytes(StandardCharsets.US_ASCII)),
                word(meter),
                word(household),
                zone.bytes(),
                word(validFromMs),
                word(genesisSeq),
                word(genesisImportMilliWh),
                word(genesisExportMilliWh),
                commissioningDigest.bytes());
    }

    /** The EIP-712 digest every party signs (meter key, household, installer). */
    public Bytes32 digest(long chainId, Address registry) {
        return Eip712.digest(separator(chainId, registry), structHash());
    }

    /** The registry domain's separator. */
    public static Bytes32 separator(long chainId, Address registry) {
        return keccak(
                Hash.sha3(DOMAIN_TYPE.getBytes(StandardCharsets.US_ASCII)),
                Hash.sha3(DOMAIN_NAME.getBytes(StandardCharsets.UTF_8)),
                Hash.sha3(DOMAIN_VERSION.getBytes(StandardCharsets.UTF_8)),
                word(chainId),
                word(registry));
    }

    private static Bytes32 keccak(byte[]... words) {
        byte[] all = new byte[32 * words.length];
        for (int i = 0; i < words.length; i++) {
            System.arraycopy(words[i], 0, all, 32 * i, 32);
        }
        return new Bytes32(Hash.sha3(all));
    }

    private static byte[] word(Address a) {
        byte[] w = new byte[32];
        System.arraycopy(a.bytes(), 0, w, 12, 20);
        return w;
    }

    /** A uint64 (Java long read as unsigned) as a 32-byte big-endian word. */
    private static byte[] word(long v) {
        byte[] b = new BigInteger(Long.toUnsignedString(v)).toByteArray();
        byte[] w = new byte[32];
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, w, 32 - n, n);
        return w;
    }
}
