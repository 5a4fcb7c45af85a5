package org.gridshare.backend.market.settlement;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.gridshare.backend.market.orders.BookKey;

/**
 * One settlement outcome on {@code gridshare.settlement.v1} (key {@code zoneId:intervalStartMs}).
 *
 * @param status HELD (statements missing: {@code missingAccounts}), SETTLED (our transaction),
 *     ALREADY_SETTLED (settled before: an earlier run or another process), REVERTED ({@code errorName})
 * @param participants the settled participants with their nets (SETTLED, ALREADY_SETTLED, REVERTED)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SettlementRecord(
        @JsonProperty("zone") String zone,
        @JsonProperty("zoneId") String zoneId,
        @JsonProperty("intervalStartMs") long intervalStartMs,
        @JsonProperty("status") String status,
        @JsonProperty("batchId") String batchId,
        @JsonProperty("clearingPricePerKWh") long clearingPricePerKWh,
        @JsonProperty("txHash") String txHash,
        @JsonProperty("blockNumber") Long blockNumber,
        @JsonProperty("errorName") String errorName,
        @JsonProperty("missingAccounts") List<String> missingAccounts,
        @JsonProperty("fingerprint") String fingerprint,
        @JsonProperty("participants") List<Participant> participants,
        @JsonProperty("recordedAtMs") long recordedAtMs) {

    public static final String HELD = "HELD";
    public static final String SETTLED = "SETTLED";
    public static final String ALREADY_SETTLED = "ALREADY_SETTLED";
    public static final String REVERTED = "REVERTED";

    /** One participant: {@code netBaseUnits} is a signed decimal string. */
    public record Participant(
            @JsonProperty("account") String account,
            @JsonProperty("meter") String meter,
            @JsonProperty("orderDigest") String orderDigest,
            @JsonProperty("side") String side,
            @JsonProperty("filledMilliWh") long filledMilliWh,
            @JsonProperty("deliveredMilliWh") long deliveredMilliWh,
            @JsonProperty("netBaseUnits") String netBaseUnits) {}

    public BookKey key() {
        return new BookKey(zoneId, intervalStartMs);
    }

    /** True for SETTLED and ALREADY_SETTLED: nothing more to do for this book. */
    public boolean isFinal() {
        return SETTLED.equals(status) || ALREADY_SETTLED.equals(status);
    }
}
