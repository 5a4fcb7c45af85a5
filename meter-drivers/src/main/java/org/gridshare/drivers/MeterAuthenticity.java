package org.gridshare.drivers;

import java.util.List;
import java.util.Objects;

/**
 * What a meter sent to identify itself and sign its data, kept exactly as sent (upper-case hex) and not
 * verified here: the signed layout, hash and curve are the meter maker's (EDL40 / FNN signatures, NZR's
 * NIST P-256 value signatures, ...), so a verifier that knows the model checks them against these bytes.
 * SML 1.04 only, so far.
 *
 * @param serverId the raw server id of the GetList response (the meter number in DIN 43863-5 binary form)
 * @param publicKey the meter's public key from OBIS {@code 129-129:199.130.5} (81 81 C7 82 05 FF), or null
 * @param listSignature the GetList response's {@code listSignature}, or null
 * @param signedValues the list entries that carry a {@code valSignature}, in frame order
 */
public record MeterAuthenticity(
        String serverId, String publicKey, String listSignature, List<SignedValue> signedValues) {

    /**
     * One list entry with its signature, every field that the meter may have signed as sent.
     *
     * @param obis the entry's OBIS code
     * @param status the entry's status word as an unsigned decimal, or null when absent
     * @param valTime the entry's time as sent ({@code secIndex:N}, {@code timestamp:N},
     *     {@code timestampLocal:N,localOffsetMinutes,seasonOffsetMinutes}), or null when absent
     * @param unit the DLMS unit code, or null
     * @param scaler the power-of-ten scaler, or null
     * @param value the unscaled value: an integer in decimal, an octet string in hex, a boolean
     * @param signature the {@code valSignature} bytes
     */
    public record SignedValue(
            String obis, String status, String valTime, Integer unit, Integer scaler, String value, String signature) {

        public SignedValue {
            Objects.requireNonNull(obis, "obis");
            Objects.requireNonNull(signature, "signature");
        }
    }

    public MeterAuthenticity {
        signedValues = List.copyOf(signedValues);
    }
}
