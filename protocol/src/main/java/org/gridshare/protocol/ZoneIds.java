package org.gridshare.protocol;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.web3j.crypto.Hash;

/**
 * How a zone NAME, as used in MQTT topics, maps to the bytes32 zone id on-chain ({@code Order.zone},
 * the MeterRegistry's zone): a name that is {@code 0x} + 64 hex digits is the id itself, any other
 * name is {@code keccak256(utf8(name))}. The agent and the backend both use this one mapping, so an
 * order's zone always matches the topic it is published on (docs/protocol.md, "Topics").
 */
public final class ZoneIds {
    private static final Pattern HEX_ID = Pattern.compile("0x[0-9a-fA-F]{64}");

    private ZoneIds() {}

    /** The on-chain zone id for a topic's zone segment. */
    public static Bytes32 of(String zoneName) {
        if (HEX_ID.matcher(zoneName).matches()) {
            return Bytes32.fromHex(zoneName);
        }
        return new Bytes32(Hash.sha3(zoneName.getBytes(StandardCharsets.UTF_8)));
    }
}
