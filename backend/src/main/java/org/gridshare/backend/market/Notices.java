package org.gridshare.backend.market;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.gridshare.backend.ingest.MqttTopic;
import org.gridshare.backend.rejects.RejectReason;

/**
 * The messages the market sends to devices (docs: the market wire contract). Households get order
 * verdicts, fills and settlements on {@code gridshare/v1/{zone}/{account}/fills}; meters get statement
 * verdicts on {@code gridshare/v1/{zone}/{meter}/statement-acks}. Integers are JSON numbers, except
 * {@code netBaseUnits}, a signed decimal string.
 */
public final class Notices {
    private Notices() {}

    /** The topic a household's order verdicts, fills and settlements go to. */
    public static String fillsTopic(String zone, String account) {
        return MqttTopic.of(zone, account, "fills");
    }

    /** The topic a meter's statement verdicts go to. */
    public static String statementAcksTopic(String zone, String meter) {
        return MqttTopic.of(zone, meter, "statement-acks");
    }

    /** Verdict on one order: accepted, or rejected with the reason's name, code and detail. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OrderVerdict(
            @JsonProperty("type") String type,
            @JsonProperty("orderDigest") String orderDigest,
            @JsonProperty("intervalStartMs") Long intervalStartMs,
            @JsonProperty("status") String status,
            @JsonProperty("reason") String reason,
            @JsonProperty("code") Integer code,
            @JsonProperty("detail") String detail) {

        public static OrderVerdict accepted(String digest, long intervalStartMs) {
            return new OrderVerdict("order", digest, intervalStartMs, "accepted", null, null, null);
        }

        public static OrderVerdict rejected(String digest, Long intervalStartMs, RejectReason reason, String detail) {
            return new OrderVerdict("order", digest, intervalStartMs, "rejected", reason.name(), reason.code(), detail);
        }
    }

    /** An accepted order's fill at clearing (0 when unfilled). */
    public record Fill(
            @JsonProperty("type") String type,
            @JsonProperty("orderDigest") String orderDigest,
            @JsonProperty("intervalStartMs") long intervalStartMs,
            @JsonProperty("side") String side,
            @JsonProperty("energyMilliWh") long energyMilliWh,
            @JsonProperty("filledMilliWh") long filledMilliWh,
            @JsonProperty("clearingPricePerKWh") long clearingPricePerKWh) {

        public Fill(
                String orderDigest,
                long intervalStartMs,
                String side,
                long energyMilliWh,
                long filledMilliWh,
                long clearingPricePerKWh) {
            this("fill", orderDigest, intervalStartMs, side, energyMilliWh, filledMilliWh, clearingPricePerKWh);
        }
    }

    /** A filled order's settlement once the batch has its confirmations. */
    public record Settlement(
            @JsonProperty("type") String type,
            @JsonProperty("orderDigest") String orderDigest,
            @JsonProperty("intervalStartMs") long intervalStartMs,
            @JsonProperty("netBaseUnits") String netBaseUnits,
            @JsonProperty("deliveredMilliWh") long deliveredMilliWh,
            @JsonProperty("txHash") String txHash,
            @JsonProperty("blockNumber") long blockNumber) {

        public Settlement(
                String orderDigest,
                long intervalStartMs,
                String netBaseUnits,
                long deliveredMilliWh,
                String txHash,
                long blockNumber) {
            this("settlement", orderDigest, intervalStartMs, netBaseUnits, deliveredMilliWh, txHash, blockNumber);
        }
    }

    /** Verdict on one statement. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StatementAck(
            @JsonProperty("intervalStartMs") Long intervalStartMs,
            @JsonProperty("status") String status,
            @JsonProperty("reason") String reason,
            @JsonProperty("code") Integer code,
            @JsonProperty("detail") String detail) {

        public static StatementAck accepted(long intervalStartMs) {
            return new StatementAck(intervalStartMs, "accepted", null, null, null);
        }

        public static StatementAck rejected(Long intervalStartMs, RejectReason reason, String detail) {
            return new StatementAck(intervalStartMs, "rejected", reason.name(), reason.code(), detail);
        }
    }
}
