package org.gridshare.protocol;

import java.util.Locale;
import java.util.Optional;

/**
 * Why a message was not accepted. The numeric code is stable and machine-readable (it is written to
 * {@code gridshare.rejected.v1} next to the name, and sent to the device in acks and verdicts as
 * {@code reason} and {@code code}); never renumber, only add. See docs/protocol.md, "Reject reasons".
 */
public enum RejectReason {
    /** The payload is not JSON, or not a JSON object. */
    MALFORMED_JSON(1),
    /** A required field is absent. */
    MISSING_FIELD(2),
    /** A field has the wrong type or form (e.g. an address that is not 20 hex bytes). */
    BAD_FIELD(3),
    /** A number carried a fraction or exponent where an exact integer is required. */
    FLOAT_NOT_ALLOWED(4),
    /** An integer does not fit its EIP-712 type (uint64, int64, uint32). */
    OUT_OF_RANGE(5),
    /** The payload is larger than the wire limit; only its first bytes are kept. */
    OVERSIZED(6),
    /** A field the format does not know. */
    UNKNOWN_FIELD(7),
    /** The MQTT topic does not have the form gridshare/v1/{zone}/{meter}/{kind}. */
    BAD_TOPIC(8),
    /** The CoAP payload is not one CBOR map (syntax error, duplicate key, trailing data, empty). */
    MALFORMED_CBOR(9),
    /**
     * The signature is malformed, does not recover, or recovers another key than the reading's
     * {@code meter} (forged, or a field changed after signing).
     */
    BAD_SIGNATURE(10),
    /**
     * A validly signed message was published on the topic of another device than its signer (a reading
     * or statement on another meter's topic, an order on another account's topic).
     */
    SIGNER_MISMATCH(11),
    /** The meter is not in the on-chain MeterRegistry. */
    UNREGISTERED_METER(20),
    /** The meter was revoked on-chain. */
    REVOKED_METER(21),
    /** The meter is registered to a different zone than the topic names. */
    ZONE_MISMATCH(22),
    /** The chain could not be asked about an unknown meter; the reading is kept here for replay. */
    REGISTRY_UNAVAILABLE(23),
    /** The same reading (same seq, same digest) as the last accepted one: dropped, counted. */
    DUPLICATE(30),
    /** A seq at or below the last accepted one that is not the same reading. */
    REPLAYED_SEQ(31),
    /** A seq beyond last+1: the agent's outbox re-sends from its last acknowledged seq. */
    SEQ_GAP(32),
    /** {@code prev} is not the digest of the last accepted reading of this meter. */
    BROKEN_CHAIN(33),
    /** A cumulative import or export register is below the last accepted reading's (meter reset?). */
    REGISTER_DECREASED(34),
    /** Market: the order's interval start is not a multiple of the market interval (epoch-aligned). */
    INTERVAL_NOT_ALIGNED(40),
    /** Market: the order names another zone than the MQTT topic it was published on. */
    ORDER_ZONE_MISMATCH(41),
    /** Market: the order arrived at or after its interval's gate closure, or its book was already cleared. */
    GATE_CLOSED(42),
    /** Market: the order expires before its interval's gate closure. */
    ORDER_EXPIRED(43),
    /** Market: the limit price lies outside the contract's published [feed-in, retail] tariffs. */
    LIMIT_OUTSIDE_TARIFFS(44),
    /** Market: the nonce is not above the highest nonce already accepted from the account. */
    NONCE_NOT_INCREASING(45),
    /** Market: the account has no active meter registered on-chain in the order's zone. */
    NO_ACTIVE_METER(46),
    /** Market: the order's energy is zero or does not fit a signed 64-bit integer. */
    ORDER_ENERGY_INVALID(47),
    /** Market: the order is for an interval further ahead than the backend keeps books for. */
    INTERVAL_TOO_FAR(48),
    /** Market: the statement's interval length is not the market interval, or its start is not aligned. */
    STATEMENT_INTERVAL_MISMATCH(50),
    /** Market: a statement register or seq range runs backwards (end below start). */
    STATEMENT_RANGE_INVALID(51),
    /** Market: the statement arrived before its interval ended. */
    STATEMENT_BEFORE_INTERVAL_END(52),
    /**
     * Market: the statement's seq range is not that of the meter's verified readings of the interval (none
     * verified in it, or other first or last seq).
     */
    STATEMENT_SEQ_MISMATCH(53),
    /**
     * Market: a boundary register differs from the verified chain (start = the last verified reading before
     * the interval, end = the interval's last verified reading).
     */
    STATEMENT_REGISTERS_MISMATCH(54),
    /** Market: the readingsRoot is not the root over the digests of the interval's verified readings. */
    STATEMENT_ROOT_MISMATCH(55),
    /**
     * Market: the readings the statement covers are not all verified yet (transient: the meter sends the
     * statement again and it is checked once they are).
     */
    READINGS_NOT_VERIFIED(56),
    /**
     * Market: the account's on-chain balance (pending withdrawals not counted) does not cover the worst case
     * of all its open orders including this one (docs/market-rules.md, "Committed funds").
     */
    INSUFFICIENT_FUNDS(60),
    /** A fault of the backend itself while handling this record; the record is kept for replay. */
    INTERNAL_ERROR(99);

    private final int code;

    RejectReason(int code) {
        this.code = code;
    }

    /** The stable numeric code. */
    public int code() {
        return code;
    }

    /**
     * Whether the backend may accept the very same message later without the device changing anything:
     * the fault was the backend's (its chain lookup or itself), not the message's. A device keeps such a
     * message and sends it again; every other reason is final for that message. (A reading refused with
     * {@link #SEQ_GAP} is not transient in this sense: the reading is fine but the ones before it are
     * missing, so the agent's outbox re-sends from its last acknowledged seq instead.)
     */
    public boolean isTransient() {
        return this == REGISTRY_UNAVAILABLE || this == INTERNAL_ERROR || this == READINGS_NOT_VERIFIED;
    }

    /** The reason with exactly this name, as sent on the wire; empty for a name this version does not know. */
    public static Optional<RejectReason> named(String name) {
        for (RejectReason r : values()) {
            if (r.name().equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The reason with this name (any case), or {@code fallback} when there is none. */
    public static RejectReason fromName(String name, RejectReason fallback) {
        if (name == null) {
            return fallback;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }

    /** The reason with this numeric code. */
    public static RejectReason fromCode(int code) {
        for (RejectReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("no reject reason with code " + code);
    }
}
