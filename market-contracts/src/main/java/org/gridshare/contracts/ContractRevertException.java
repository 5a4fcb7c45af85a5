package org.gridshare.contracts;

import java.util.List;

/**
 * The contract reverted. {@link #errorName()} is the Solidity custom error decoded from the revert
 * data with the contract's ABI (e.g. {@code MeterAlreadyRegistered}, {@code
 * AccessControlUnauthorizedAccount}), {@code Error} for a string reason, {@code Panic} for a panic
 * code, or {@code UNKNOWN} when the selector is not in the ABI; the raw data is always kept.
 */
public final class ContractRevertException extends ChainCallException {
    private final transient RevertReason reason;

    public ContractRevertException(String contract, String function, RevertReason reason) {
        super(contract, function, "reverted with " + reason, null);
        this.reason = reason;
    }

    /** The decoded revert. */
    public RevertReason reason() {
        return reason;
    }

    /** Shorthand for {@code reason().name()}. */
    public String errorName() {
        return reason.name();
    }

    /** Shorthand for {@code reason().arguments()}. */
    public List<String> arguments() {
        return reason.arguments();
    }
}
