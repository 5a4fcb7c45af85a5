package org.gridshare.protocol;

import org.web3j.crypto.Hash;

/** EIP-712 digests, equal to Solidity {@code _hashTypedDataV4} for the same domain and message. */
public final class Eip712 {
    private Eip712() {}

    /** {@code keccak256(0x19 0x01 || domainSeparator || hashStruct(message))}. */
    public static Bytes32 digest(Eip712Domain domain, TypedMessage message) {
        return digest(domain.separator(), message.structHash());
    }

    /** The same digest from a precomputed domain separator. */
    public static Bytes32 digest(Bytes32 separator, Bytes32 structHash) {
        byte[] buf = new byte[66];
        buf[0] = 0x19;
        buf[1] = 0x01;
        separator.writeTo(buf, 2);
        structHash.writeTo(buf, 34);
        return Bytes32.wrap(Hash.sha3(buf));
    }
}
