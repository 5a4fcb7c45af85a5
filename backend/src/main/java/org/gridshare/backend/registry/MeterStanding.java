package org.gridshare.backend.registry;

import java.util.Objects;
import org.gridshare.protocol.Bytes32;

/**
 * What the registry says about a meter key at the time of asking.
 *
 * @param state registered and active, revoked, unknown to the registry, or the registry could not be asked
 * @param zone the grid zone the meter is registered to (null unless registered)
 * @param checkedAtMs when the chain was last asked (clock millis)
 */
public record MeterStanding(State state, Bytes32 zone, long checkedAtMs) {
    /** The registry's answer. */
    public enum State {
        ACTIVE,
        REVOKED,
        UNREGISTERED,
        UNAVAILABLE
    }

    public MeterStanding {
        Objects.requireNonNull(state, "state");
    }

    public static MeterStanding unregistered(long nowMs) {
        return new MeterStanding(State.UNREGISTERED, null, nowMs);
    }

    public static MeterStanding unavailable(long nowMs) {
        return new MeterStanding(State.UNAVAILABLE, null, nowMs);
    }
}
