package org.gridshare.agent.market;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import org.gridshare.agent.inbox.JsonFields;
import org.gridshare.agent.inbox.MalformedMessageException;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Order;

/**
 * What the backend sends on {@code gridshare/v1/{zone}/{account}/fills}, told apart by {@code type}
 * (market wire contract): an order verdict, a fill at clearing, or a settlement once the batch is
 * mined. Unknown fields are ignored; integers must be JSON integers, {@code netBaseUnits} a signed
 * decimal string.
 */
public sealed interface MarketMessage {
    /** The order's EIP-712 digest, which identifies it. */
    Bytes32 orderDigest();

    long intervalStartMs();

    /** {@code {"type":"order","orderDigest","intervalStartMs","status":"accepted"|"rejected","reason","code","detail"}}. */
    record Verdict(Bytes32 orderDigest, long intervalStartMs, boolean accepted, String reason, int code, String detail)
            implements MarketMessage {}

    /** {@code {"type":"fill","orderDigest","intervalStartMs","side":"buy"|"sell","energyMilliWh","filledMilliWh","clearingPricePerKWh"}}. */
    record Fill(
            Bytes32 orderDigest,
            long intervalStartMs,
            int side,
            long energyMilliWh,
            long filledMilliWh,
            long clearingPricePerKWh)
            implements MarketMessage {}

    /** {@code {"type":"settlement","orderDigest","intervalStartMs","netBaseUnits":"-1234","deliveredMilliWh","txHash","blockNumber"}}. */
    record Settlement(
            Bytes32 orderDigest,
            long intervalStartMs,
            BigInteger netBaseUnits,
            long deliveredMilliWh,
            Bytes32 txHash,
            long blockNumber)
            implements MarketMessage {}

    /** Parses one message. */
    static MarketMessage parse(byte[] json) throws MalformedMessageException {
        JsonNode n = JsonFields.object(json);
        String type = JsonFields.text(n, "type");
        Bytes32 digest = JsonFields.bytes32(n, "orderDigest");
        long start = JsonFields.nonNegative(n, "intervalStartMs");
        switch (type) {
            case "order" -> {
                String status = JsonFields.text(n, "status");
                return switch (status) {
                    case "accepted" -> new Verdict(digest, start, true, null, 0, null);
                    case "rejected" ->
                        new Verdict(
                                digest,
                                start,
                                false,
                                JsonFields.text(n, "reason"),
                                JsonFields.optionalInt(n, "code"),
                                JsonFields.optionalText(n, "detail"));
                    default ->
                        throw new MalformedMessageException(
                                "status", "neither accepted nor rejected: " + JsonFields.abbreviate(status));
                };
            }
            case "fill" -> {
                String side = JsonFields.text(n, "side");
                int s = switch (side) {
                    case "buy" -> Order.BUY;
                    case "sell" -> Order.SELL;
                    default ->
                        throw new MalformedMessageException(
                                "side", "neither buy nor sell: " + JsonFields.abbreviate(side));
                };
                long energy = JsonFields.nonNegative(n, "energyMilliWh");
                long filled = JsonFields.nonNegative(n, "filledMilliWh");
                if (filled > energy) {
                    throw new MalformedMessageException("filledMilliWh", filled + " exceeds the order's " + energy);
                }
                return new Fill(digest, start, s, energy, filled, JsonFields.nonNegative(n, "clearingPricePerKWh"));
            }
            case "settlement" -> {
                String net = JsonFields.text(n, "netBaseUnits");
                if (!net.matches("-?(0|[1-9][0-9]{0,76})")) {
                    throw new MalformedMessageException(
                            "netBaseUnits", "not a signed decimal integer: " + JsonFields.abbreviate(net));
                }
                return new Settlement(
                        digest,
                        start,
                        new BigInteger(net),
                        JsonFields.nonNegative(n, "deliveredMilliWh"),
                        JsonFields.bytes32(n, "txHash"),
                        JsonFields.nonNegative(n, "blockNumber"));
            }
            default ->
                throw new MalformedMessageException(
                        "type", "not order, fill or settlement: " + JsonFields.abbreviate(type));
        }
    }
}
