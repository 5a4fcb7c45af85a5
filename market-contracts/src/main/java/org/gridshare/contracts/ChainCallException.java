package org.gridshare.contracts;

/**
 * A contract call or transaction that did not complete: the node could not be reached, the
 * transaction was not mined in time, or (see {@link ContractRevertException}) the contract reverted.
 * The message names the contract address and the function.
 */
public class ChainCallException extends Exception {
    private final String contract;
    private final String function;

    public ChainCallException(String contract, String function, String message, Throwable cause) {
        super(function + " on " + contract + ": " + message, cause);
        this.contract = contract;
        this.function = function;
    }

    /** The contract address, {@code 0x}-prefixed, or {@code "(deploy)"} for a deployment. */
    public String contract() {
        return contract;
    }

    /** The Solidity function that was called, e.g. {@code registerMeter}. */
    public String function() {
        return function;
    }
}
