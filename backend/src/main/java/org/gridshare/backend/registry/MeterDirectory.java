package org.gridshare.backend.registry;

import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;

/**
 * Answers, for a meter key, whether it is registered, active and in which zone. The verifier asks it
 * once per reading, so implementations cache; each says how fast it notices a revocation.
 */
public interface MeterDirectory extends AutoCloseable {
    /** The meter's standing; never throws for an unreachable registry (answers UNAVAILABLE instead). */
    MeterStanding standing(Address meter);

    /** The on-chain zone id for a zone name as it appears in MQTT topics. */
    Bytes32 zoneId(String topicZone);

    @Override
    default void close() {}
}
