package org.gridshare.contracts;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;

/**
 * A meter key's entry in the on-chain {@code MeterRegistry}. Times are block timestamps (second
 * resolution). A revoked entry stays for audit: {@code active} is false and {@code revokedAt} set.
 *
 * @param meter the meter key's address
 * @param household the household account the meter is bound to
 * @param zone the grid zone id
 * @param registeredAt block time of the registration
 * @param revokedAt block time of the revocation, empty while active
 * @param active registered and not revoked
 */
public record MeterRecord(
        Address meter,
        Address household,
        Bytes32 zone,
        Instant registeredAt,
        Optional<Instant> revokedAt,
        boolean active) {
    public MeterRecord {
        Objects.requireNonNull(meter, "meter");
        Objects.requireNonNull(household, "household");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(registeredAt, "registeredAt");
        Objects.requireNonNull(revokedAt, "revokedAt");
    }
}
