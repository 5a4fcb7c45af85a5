package org.gridshare.backend.market.orders;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * An order that passed every check, as kept on {@code gridshare.orders.accepted.v1} (key = account):
 * the books are rebuilt from this topic after a restart. uint64 fields are written as Java longs (a
 * value of 2^63 or more appears negative; {@code signedOrder} is authoritative).
 *
 * @param account household account, lowercase 0x
 * @param zone zone name as in the MQTT topic (fills go back to this topic)
 * @param zoneId on-chain zone id, 0x + 64 hex
 * @param orderDigest EIP-712 digest in the market domain
 * @param arrivalMs when the bridge received the order (decides gate closure and time priority)
 * @param signedOrder the order's wire JSON ({@code JsonWire.encodeOrder})
 * @param worstCaseBaseUnits what the order commits of the account's balance at acceptance
 *     ({@link CommittedFunds#worstCase}), decimal; null in records written before the rule
 */
public record AcceptedOrder(
        @JsonProperty("account") String account,
        @JsonProperty("zone") String zone,
        @JsonProperty("zoneId") String zoneId,
        @JsonProperty("intervalStartMs") long intervalStartMs,
        @JsonProperty("side") int side,
        @JsonProperty("energyMilliWh") long energyMilliWh,
        @JsonProperty("limitPricePerKWh") long limitPricePerKWh,
        @JsonProperty("nonce") long nonce,
        @JsonProperty("expiryMs") long expiryMs,
        @JsonProperty("orderDigest") String orderDigest,
        @JsonProperty("arrivalMs") long arrivalMs,
        @JsonProperty("signedOrder") String signedOrder,
        @JsonProperty("worstCaseBaseUnits") String worstCaseBaseUnits) {

    public AcceptedOrder {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(zoneId, "zoneId");
        Objects.requireNonNull(orderDigest, "orderDigest");
        Objects.requireNonNull(signedOrder, "signedOrder");
    }

    /** "buy" or "sell". */
    public String sideName() {
        return side == 0 ? "buy" : "sell";
    }
}
