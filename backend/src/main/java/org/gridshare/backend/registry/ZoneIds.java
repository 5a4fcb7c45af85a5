package org.gridshare.backend.registry;

import java.nio.charset.StandardCharsets;
import org.gridshare.protocol.Bytes32;
import org.web3j.crypto.Hash;

/**
 * How a zone named in an MQTT topic maps to the bytes32 zone id on-chain: a topic segment that is
 * already {@code 0x} + 64 hex digits is the id itself; any other name is {@code keccak256(utf8(name))}.
 */
public final class ZoneIds {
    private ZoneIds() {}

    /** The on-chain zone id for a topic's zone segment. */
    public static Bytes32 of(String topicZone) {
        if (topicZone.length() == 66 && topicZone.startsWith("0x")) {
            try {
                return Bytes32.fromHex(topicZone);
            } catch (IllegalArgumentException e) {
                // not hex after all: a name that merely looks like one
            }
        }
        return new Bytes32(Hash.sha3(topicZone.getBytes(StandardCharsets.UTF_8)));
    }
}
