package org.gridshare.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.web3j.crypto.Hash;

/**
 * The gridshare EIP-712 domain: name {@code "gridshare"}, version {@code "1"}, the chain id and the
 * market contract as verifying contract. {@code chainId} is a uint256 on the chain; gridshare only
 * accepts ids that fit a non-negative long.
 */
public record Eip712Domain(long chainId, Address verifyingContract) {
    public static final String NAME = "gridshare";
    public static final String VERSION = "1";
    public static final String TYPE =
            "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
    private static final byte[] TYPE_HASH = StructEncoder.typeHash(TYPE);
    private static final Bytes32 NAME_HASH = Bytes32.wrap(Hash.sha3(NAME.getBytes(StandardCharsets.UTF_8)));
    private static final Bytes32 VERSION_HASH = Bytes32.wrap(Hash.sha3(VERSION.getBytes(StandardCharsets.UTF_8)));

    public Eip712Domain {
        Objects.requireNonNull(verifyingContract, "verifyingContract");
        if (chainId <= 0) {
            throw new MalformedValueException("chainId", -1, "must be positive, got " + chainId);
        }
    }

    /** The domain separator: {@code hashStruct(EIP712Domain)}. */
    public Bytes32 separator() {
        return new StructEncoder(TYPE_HASH, 4)
                .bytes32(NAME_HASH)
                .bytes32(VERSION_HASH)
                .uint(chainId)
                .address(verifyingContract)
                .hash();
    }
}
