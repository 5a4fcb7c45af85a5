package org.gridshare.backend.market.statements;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A statement that passed every check, on {@code gridshare.statements.verified.v1} (key = meter). The
 * latest record per (meter, interval) wins.
 *
 * @param account the household the meter is registered to (at verification)
 * @param zone zone name as in the MQTT topic
 * @param zoneId on-chain zone id
 * @param statementDigest EIP-712 digest in the market domain
 * @param signedStatement the statement's wire JSON ({@code JsonWire.encodeStatement})
 */
public record VerifiedStatement(
        @JsonProperty("meter") String meter,
        @JsonProperty("account") String account,
        @JsonProperty("zone") String zone,
        @JsonProperty("zoneId") String zoneId,
        @JsonProperty("intervalStartMs") long intervalStartMs,
        @JsonProperty("intervalSeconds") long intervalSeconds,
        @JsonProperty("importMilliWh") long importMilliWh,
        @JsonProperty("exportMilliWh") long exportMilliWh,
        @JsonProperty("statementDigest") String statementDigest,
        @JsonProperty("arrivalMs") long arrivalMs,
        @JsonProperty("verifiedAtMs") long verifiedAtMs,
        @JsonProperty("signedStatement") String signedStatement) {}
