package org.gridshare.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the eth_signTypedData_v4 JSON of a gridshare message field by field, written independently
 * of {@link StructEncoder} so that web3j's {@code StructuredDataEncoder} can cross-check our digests.
 * uint64/int64 values are written as decimal strings, small fields as numbers.
 */
public final class TypedDataJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    /** 2^53 - 1: larger chain ids are written as decimal strings so JavaScript reads them exactly. */
    static final long MAX_SAFE_JS_INTEGER = (1L << 53) - 1;

    private TypedDataJson() {}

    public static ObjectNode of(Eip712Domain domain, TypedMessage message) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode types = root.putObject("types");
        ArrayNode domainType = types.putArray("EIP712Domain");
        field(domainType, "name", "string");
        field(domainType, "version", "string");
        field(domainType, "chainId", "uint256");
        field(domainType, "verifyingContract", "address");
        ArrayNode primary = types.putArray(message.primaryType());
        ObjectNode d = root.putObject("domain");
        d.put("name", "gridshare");
        d.put("version", "1");
        if (domain.chainId() <= MAX_SAFE_JS_INTEGER) {
            d.put("chainId", domain.chainId());
        } else {
            d.put("chainId", Long.toString(domain.chainId()));
        }
        d.put("verifyingContract", domain.verifyingContract().toChecksumHex());
        root.put("primaryType", message.primaryType());
        ObjectNode m = root.putObject("message");
        switch (message) {
            case MeterReading r -> {
                field(primary, "meter", "address");
                field(primary, "seq", "uint64");
                field(primary, "timeMs", "uint64");
                field(primary, "importMilliWh", "uint64");
                field(primary, "exportMilliWh", "uint64");
                field(primary, "powerMilliW", "int64");
                field(primary, "status", "uint32");
                field(primary, "prev", "bytes32");
                m.put("meter", r.meter().toChecksumHex());
                m.put("seq", Long.toUnsignedString(r.seq()));
                m.put("timeMs", Long.toUnsignedString(r.timeMs()));
                m.put("importMilliWh", Long.toUnsignedString(r.importMilliWh()));
                m.put("exportMilliWh", Long.toUnsignedString(r.exportMilliWh()));
                m.put("powerMilliW", Long.toString(r.powerMilliW()));
                m.put("status", r.status());
                m.put("prev", r.prev().toHex());
            }
            case IntervalStatement s -> {
                field(primary, "meter", "address");
                field(primary, "intervalStartMs", "uint64");
                field(primary, "intervalSeconds", "uint32");
                field(primary, "importStart", "uint64");
                field(primary, "importEnd", "uint64");
                field(primary, "exportStart", "uint64");
                field(primary, "exportEnd", "uint64");
                field(primary, "firstSeq", "uint64");
                field(primary, "lastSeq", "uint64");
                field(primary, "readingsRoot", "bytes32");
                m.put("meter", s.meter().toChecksumHex());
                m.put("intervalStartMs", Long.toUnsignedString(s.intervalStartMs()));
                m.put("intervalSeconds", s.intervalSeconds());
                m.put("importStart", Long.toUnsignedString(s.importStart()));
                m.put("importEnd", Long.toUnsignedString(s.importEnd()));
                m.put("exportStart", Long.toUnsignedString(s.exportStart()));
                m.put("exportEnd", Long.toUnsignedString(s.exportEnd()));
                m.put("firstSeq", Long.toUnsignedString(s.firstSeq()));
                m.put("lastSeq", Long.toUnsignedString(s.lastSeq()));
                m.put("readingsRoot", s.readingsRoot().toHex());
            }
            case Order o -> {
                field(primary, "account", "address");
                field(primary, "zone", "bytes32");
                field(primary, "intervalStartMs", "uint64");
                field(primary, "side", "uint8");
                field(primary, "energyMilliWh", "uint64");
                field(primary, "limitPricePerKWh", "uint64");
                field(primary, "nonce", "uint64");
                field(primary, "expiryMs", "uint64");
                m.put("account", o.account().toChecksumHex());
                m.put("zone", o.zone().toHex());
                m.put("intervalStartMs", Long.toUnsignedString(o.intervalStartMs()));
                m.put("side", o.side());
                m.put("energyMilliWh", Long.toUnsignedString(o.energyMilliWh()));
                m.put("limitPricePerKWh", Long.toUnsignedString(o.limitPricePerKWh()));
                m.put("nonce", Long.toUnsignedString(o.nonce()));
                m.put("expiryMs", Long.toUnsignedString(o.expiryMs()));
            }
            default -> throw new IllegalArgumentException("unknown message type " + message.primaryType());
        }
        return root;
    }

    private static void field(ArrayNode array, String name, String type) {
        array.addObject().put("name", name).put("type", type);
    }
}
