package org.gridshare.protocol.downlink;

import org.gridshare.protocol.Bytes32;

/**
 * What the backend sends on {@code gridshare/v1/{zone}/{account}/fills}, told apart by {@code "type"}:
 * the verdict on an order, its fill at clearing, and its settlement once the batch is mined
 * (docs/protocol.md, "Fills topic").
 */
public sealed interface FillsMessage permits OrderVerdict, Fill, Settlement {
    /**
     * The order's EIP-712 digest, which identifies it; null only in a rejected {@link OrderVerdict} on a
     * payload the backend could not decode.
     */
    Bytes32 orderDigest();
}
