package org.gridshare.protocol;

import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Hash;

/**
 * The {@code readingsRoot} of an {@link IntervalStatement}: a binary Merkle root over the EIP-712
 * digests of the interval's readings in seq order. A parent is {@code keccak256(left || right)}; an
 * odd node at the end of a level is carried up unchanged; a single leaf is its own root. The leaves
 * are not sorted or re-hashed, so a root commits to the readings and to their order.
 */
public final class ReadingsRoot {
    private ReadingsRoot() {}

    /**
     * The root over {@code leaves} (reading digests, in seq order).
     *
     * @throws IllegalArgumentException when there is no leaf (no readings: no statement)
     */
    public static Bytes32 of(List<Bytes32> leaves) {
        if (leaves.isEmpty()) {
            throw new IllegalArgumentException("a readings root needs at least one reading digest");
        }
        List<Bytes32> level = new ArrayList<>(leaves);
        byte[] pair = new byte[64];
        while (level.size() > 1) {
            List<Bytes32> up = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i + 1 < level.size(); i += 2) {
                level.get(i).writeTo(pair, 0);
                level.get(i + 1).writeTo(pair, 32);
                up.add(Bytes32.wrap(Hash.sha3(pair)));
            }
            if (level.size() % 2 == 1) {
                up.add(level.get(level.size() - 1));
            }
            level = up;
        }
        return level.get(0);
    }

    /** The root over the digests of {@code readings} (in seq order) in {@code domain}, as they were signed. */
    public static Bytes32 ofReadings(Eip712Domain domain, List<MeterReading> readings) {
        List<Bytes32> leaves = new ArrayList<>(readings.size());
        for (MeterReading r : readings) {
            leaves.add(Eip712.digest(domain, r));
        }
        return of(leaves);
    }
}
