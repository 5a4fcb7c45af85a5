package org.gridshare.contracts;

import java.io.IOException;

/** One node request; its I/O and client failures become a {@link ChainCallException} naming the method. */
final class NodeRpc {
    private NodeRpc() {}

    /** A request to the node. */
    @FunctionalInterface
    interface Call<T> {
        T call() throws IOException;
    }

    /** Runs {@code call}; a failure names {@code contract}, {@code function} and the node {@code method}. */
    static <T> T call(String contract, String function, String method, Call<T> call) throws ChainCallException {
        try {
            return call.call();
        } catch (IOException | RuntimeException e) {
            throw new ChainCallException(contract, function, method + " failed: " + e.getMessage(), e);
        }
    }
}
