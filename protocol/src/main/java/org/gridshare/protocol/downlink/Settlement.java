package org.gridshare.protocol.downlink;

import java.math.BigInteger;
import java.util.Objects;
import org.gridshare.protocol.Bytes32;

/**
 * A filled order's settlement once its batch has the confirmations ({@code "type":"settlement"};
 * docs/protocol.md, "Settlement").
 *
 * @param netBaseUnits what the account received (positive) or paid (negative), in token base units;
 *     on the wire a signed decimal string, because it may exceed 64 bits
 * @param deliveredMilliWh the energy the meter actually delivered or took in the interval
 * @param txHash the settlement transaction
 * @param blockNumber the block that holds it
 */
public record Settlement(
        Bytes32 orderDigest,
        long intervalStartMs,
        BigInteger netBaseUnits,
        long deliveredMilliWh,
        Bytes32 txHash,
        long blockNumber)
        implements FillsMessage {
    public Settlement {
        Objects.requireNonNull(orderDigest, "orderDigest");
        Objects.requireNonNull(netBaseUnits, "netBaseUnits");
        Objects.requireNonNull(txHash, "txHash");
    }
}
