package org.gridshare.agent.statement;

import org.gridshare.protocol.Bytes32;

/**
 * A committed reading as the statement journal keeps it until its interval is stated: seq, signed
 * time, registers (mWh) and its EIP-712 digest (as signed, in the readings' domain).
 */
public record JournaledReading(long seq, long timeMs, long importMilliWh, long exportMilliWh, Bytes32 digest) {}
