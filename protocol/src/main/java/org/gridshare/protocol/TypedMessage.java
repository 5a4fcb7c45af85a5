package org.gridshare.protocol;

/** A message signed under EIP-712: its primary type name and its {@code hashStruct}. */
public interface TypedMessage {
    /** The EIP-712 primary type name, e.g. {@code "MeterReading"}. */
    String primaryType();

    /** {@code keccak256(typeHash || encodeData(message))}. */
    Bytes32 structHash();
}
