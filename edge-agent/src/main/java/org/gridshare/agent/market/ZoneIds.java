package org.gridshare.agent.market;

import java.nio.charset.StandardCharsets;
import org.gridshare.protocol.Bytes32;
import org.web3j.crypto.Hash;

/**
 * The bytes32 zone id of {@code Order.zone} for the zone NAME used in topics, exactly as the backend
 * maps it (market wire contract): a name that is {@code 0x} + 64 hex digits is the id itself, any
 * other name is {@code keccak256(utf8(name))}.
 */
public final class ZoneIds {
    private ZoneIds() {}

    public static Bytes32 of(String zoneName) {
        if (zoneName.length() == 66 && zoneName.matches("0x[0-9a-fA-F]{64}")) {
            return Bytes32.fromHex(zoneName);
        }
        return new Bytes32(Hash.sha3(zoneName.getBytes(StandardCharsets.UTF_8)));
    }
}
