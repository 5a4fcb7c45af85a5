package org.gridshare.protocol.wire;

/**
 * A wire payload was rejected. {@link #reason()} is machine-readable (for the rejected-messages
 * topic); {@link #field()} names the offending JSON field, or is null when the payload as a whole is bad.
 */
public final class WireFormatException extends Exception {
    /** Why a payload was rejected. */
    public enum Reason {
        /** Not a single JSON object (syntax error, duplicate key, trailing data, empty input). */
        MALFORMED_JSON,
        /** A required field is absent. */
        MISSING_FIELD,
        /** A field has the wrong JSON type or a malformed value (bad hex, leading zeros, wrong "type"). */
        BAD_FIELD,
        /** An integer field holds a fraction or exponent form (1.0, 1e3), as a number or a string. */
        FLOAT_NOT_ALLOWED,
        /** An integer field is outside its type's range (uint64, int64, uint32, uint8, side 0..1). */
        OUT_OF_RANGE,
        /** The payload is larger than {@link JsonWire#MAX_PAYLOAD_BYTES}. */
        OVERSIZED,
        /** The signature is not 0x + 65 bytes, or not canonical (high-s, v not 27/28, r or s out of range). */
        BAD_SIGNATURE_ENCODING,
        /** A field that the message type does not have. */
        UNKNOWN_FIELD,
        /** Not a single definite CBOR map (syntax error, duplicate key, trailing data, empty input). */
        MALFORMED_CBOR
    }

    private final Reason reason;
    private final String field;

    public WireFormatException(Reason reason, String field, String message) {
        super(reason + (field == null ? "" : " in field '" + field + "'") + ": " + message);
        this.reason = reason;
        this.field = field;
    }

    public Reason reason() {
        return reason;
    }

    /** The JSON field name, or null when the fault is not in one field. */
    public String field() {
        return field;
    }
}
