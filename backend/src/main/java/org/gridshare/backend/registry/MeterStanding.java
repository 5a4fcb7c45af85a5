package org.gridshare.backend.registry;

import java.util.Objects;
import org.gridshare.protocol.Bytes32;

/**
 * What the registry says about a meter key at the time of asking.
 *
 * @param state registered and active, revoked, unknown to the registry, or the registry could not be asked
 * @param zone the grid zone the meter is registered to (null unless registered)
 * @param checkedAtMs when the answer was last known to be current (clock millis): the lookup, or the last
 *     poll of the registry's events that found none for this meter
 * @param genesis where the meter's reading chain starts; null only from a registry that records none (the
 *     v1 MeterRegistry, until {@code RegistryClient.genesisOf} lands), and for states other than ACTIVE and
 *     REVOKED
 */
public record MeterStanding(State state, Bytes32 zone, long checkedAtMs, Genesis genesis) {
    /** The registry's answer. */
    public enum State {
        ACTIVE,
        REVOKED,
        UNREGISTERED,
        /** The registry could not be asked and no answer younger than the directory's max age is known. */
        UNAVAILABLE
    }

    public MeterStanding {
        Objects.requireNonNull(state, "state");
    }

    /** A standing without a recorded genesis (a v1 registry). */
    public MeterStanding(State state, Bytes32 zone, long checkedAtMs) {
        this(state, zone, checkedAtMs, null);
    }

    /** The same answer, known to be current at {@code atMs}. */
    public MeterStanding confirmedAt(long atMs) {
        return new MeterStanding(state, zone, atMs, genesis);
    }

    public static MeterStanding unregistered(long nowMs) {
        return new MeterStanding(State.UNREGISTERED, null, nowMs);
    }

    public static MeterStanding unavailable(long nowMs) {
        return new MeterStanding(State.UNAVAILABLE, null, nowMs);
    }
}
