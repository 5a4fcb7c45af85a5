package org.gridshare.backend.market.clearing;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.gridshare.backend.market.orders.BookKey;

/**
 * One cleared book on {@code gridshare.clearing.v1} (key {@code zoneId:intervalStartMs}): the price,
 * the matched volume and every order of the book with its fill. Settlement is built from this record
 * alone (with the statements), so it carries the signed orders.
 *
 * @param zone zone name as in MQTT topics
 * @param matched whether anything traded; {@code clearingPricePerKWh} is 0 when not
 * @param orders every order of the book, ascending by account
 */
public record ClearingRecord(
        @JsonProperty("zone") String zone,
        @JsonProperty("zoneId") String zoneId,
        @JsonProperty("intervalStartMs") long intervalStartMs,
        @JsonProperty("intervalSeconds") long intervalSeconds,
        @JsonProperty("gateClosureMs") long gateClosureMs,
        @JsonProperty("clearedAtMs") long clearedAtMs,
        @JsonProperty("priceRule") String priceRule,
        @JsonProperty("feedInTariff") long feedInTariff,
        @JsonProperty("retailTariff") long retailTariff,
        @JsonProperty("matched") boolean matched,
        @JsonProperty("clearingPricePerKWh") long clearingPricePerKWh,
        @JsonProperty("matchedMilliWh") long matchedMilliWh,
        @JsonProperty("orders") List<Entry> orders) {

    /**
     * One order of the book.
     *
     * @param excluded why the order did not take part (its limit left the tariffs between acceptance
     *     and clearing), else null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(
            @JsonProperty("account") String account,
            @JsonProperty("zone") String zone,
            @JsonProperty("orderDigest") String orderDigest,
            @JsonProperty("side") int side,
            @JsonProperty("energyMilliWh") long energyMilliWh,
            @JsonProperty("limitPricePerKWh") long limitPricePerKWh,
            @JsonProperty("nonce") long nonce,
            @JsonProperty("arrivalMs") long arrivalMs,
            @JsonProperty("filledMilliWh") long filledMilliWh,
            @JsonProperty("excluded") String excluded,
            @JsonProperty("signedOrder") String signedOrder) {

        public String sideName() {
            return side == 0 ? "buy" : "sell";
        }
    }

    public ClearingRecord {
        orders = orders == null ? List.of() : List.copyOf(orders);
    }

    /** The book this record clears. */
    public BookKey key() {
        return new BookKey(zoneId, intervalStartMs);
    }

    /** Interval end, Unix ms. */
    public long intervalEndMs() {
        return intervalStartMs + intervalSeconds * 1000;
    }
}
