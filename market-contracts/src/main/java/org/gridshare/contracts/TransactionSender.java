package org.gridshare.contracts;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.FastRawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.utils.Numeric;

/**
 * Gets one transaction of one key to one contract mined with N confirmations, whatever the node does
 * with it: manages the key's nonce itself, prices it (EIP-1559 or legacy), sends a dropped
 * transaction again with the same nonce and bumped fees, follows a re-organisation that removes or
 * moves it, and counts confirmations from the block it is in now. What to send, and whether it is
 * still needed, is the caller's: {@link SettlementSubmitter} decides that for settlement batches.
 *
 * <p>Whenever the transaction may have become unnecessary (its nonce was taken, it was dropped or
 * re-organised away) the sender asks the caller's {@link Done} check before sending again, and returns
 * {@link Result.DoneElsewhere} when another transaction already did the work.
 *
 * <p>One instance per key and process; {@code send} calls are serialised.
 */
public final class TransactionSender {
    private static final BigInteger DEFAULT_TIP = BigInteger.valueOf(1_000_000_000L); // 1 gwei

    /** Told of every transaction sent and of what happens to it, for logs and tests. */
    public interface Listener {
        void sent(String txHash, BigInteger nonce, Fees fees);

        /** The transaction is mined with {@code have} of {@code want} confirmations; called on each poll until enough. */
        default void confirming(String txHash, long have, long want) {}

        /**
         * The transaction, seen mined in block {@code blockNumber}, is no longer there: a re-organisation
         * dropped it (or moved it: then confirmations are counted again from its new block).
         */
        default void reorganised(String txHash, long blockNumber) {}
    }

    /** The caller's check whether the chain already has what the transaction would do (another sender's). */
    @FunctionalInterface
    public interface Done {
        boolean check() throws ChainCallException;
    }

    /** How a {@code send} ended. */
    public sealed interface Result {
        /** One of our transactions is mined with enough confirmations (its status may still be a revert). */
        record Mined(TransactionReceipt receipt, long latestBlock) implements Result {}

        /** The {@link Done} check said the work is on the chain already; no transaction of ours did it. */
        record DoneElsewhere() implements Result {}
    }

    /**
     * Fees of one transaction: EIP-1559 {@code maxFeePerGas} and {@code maxPriorityFeePerGas} when the
     * chain has a base fee, else a legacy {@code gasPrice} (then {@code maxPriorityFeePerGas} is null).
     */
    public record Fees(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {
        public boolean eip1559() {
            return maxPriorityFeePerGas != null;
        }

        /** Every field raised by at least {@code percent}% (rounded up) and at least 1 wei. */
        Fees bump(int percent) {
            return new Fees(
                    raise(maxFeePerGas, percent),
                    maxPriorityFeePerGas == null ? null : raise(maxPriorityFeePerGas, percent));
        }

        /** Field-wise maximum: a bump never goes below what the chain asks now. */
        Fees max(Fees other) {
            return new Fees(
                    maxFeePerGas.max(other.maxFeePerGas),
                    maxPriorityFeePerGas == null || other.maxPriorityFeePerGas == null
                            ? maxPriorityFeePerGas
                            : maxPriorityFeePerGas.max(other.maxPriorityFeePerGas));
        }

        private static BigInteger raise(BigInteger v, int percent) {
            BigInteger[] qr = v.multiply(BigInteger.valueOf(percent)).divideAndRemainder(BigInteger.valueOf(100));
            BigInteger inc = qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
            return v.add(inc.max(BigInteger.ONE));
        }
    }

    private final Web3j web3j;
    private final Credentials credentials;
    private final String contract;
    private final String function;
    private final long chainId;
    private final SettlementPolicy policy;
    private final Clock clock;
    private BigInteger nextNonce; // null until the first send: then the node's pending nonce

    /**
     * A sender of {@code credentials}' transactions to {@code contract} on chain {@code chainId}.
     *
     * @param function names the contract function in errors
     * @param policy the sending part of it: confirmations, fee bump, drop timeout, poll interval, legacy
     * @param clock measures the drop timeout and the caller's deadline
     */
    public TransactionSender(
            Web3j web3j,
            Credentials credentials,
            String contract,
            String function,
            long chainId,
            SettlementPolicy policy,
            Clock clock) {
        this.web3j = Objects.requireNonNull(web3j, "web3j");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.contract = Objects.requireNonNull(contract, "contract");
        this.function = Objects.requireNonNull(function, "function");
        this.chainId = chainId;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Sends {@code data} with {@code gasLimit} until one of the transactions is mined with the policy's
     * confirmations, or {@code done} says another transaction did the work.
     *
     * @param subject what the transaction is for, in errors (e.g. {@code "batch 0x…"})
     *
     * @throws SettlementDeadlineException {@code deadline} passed; the transactions sent may still be mined
     * @throws ChainCallException the node failed or refused the transaction for another reason
     */
    public synchronized Result send(
            String subject, String data, BigInteger gasLimit, Instant deadline, Done done, Listener listener)
            throws ChainCallException {
        if (nextNonce == null) {
            nextNonce = pendingNonce();
        }
        Attempt a = new Attempt(nextNonce, currentFees());
        while (true) {
            checkDeadline(deadline, "no transaction for " + subject + " was mined", a.sent);
            String hash = broadcast(a, subject, data, gasLimit);
            if (hash == null) {
                // another sender of this key, or our own earlier process, used the nonce
                if (done.check()) {
                    return new Result.DoneElsewhere();
                }
                BigInteger pending = pendingNonce();
                if (pending.compareTo(a.nonce) > 0) {
                    a.moveTo(pending);
                } else {
                    a.fees = a.fees.bump(policy.feeBumpPercent()); // our own transaction still waits: replace it
                }
                nextNonce = a.nonce;
                pause(); // the node may keep refusing: never spin
                continue;
            }
            a.sent.add(hash);
            a.forNonce.add(hash);
            nextNonce = a.nonce.add(BigInteger.ONE);
            resetSharedNonce();
            listener.sent(hash, a.nonce, a.fees);
            TransactionReceipt receipt = awaitReceiptOrDrop(a.forNonce, deadline, a.sent);
            Result.Mined mined = receipt == null ? null : confirm(receipt, a.forNonce, deadline, a.sent, listener);
            if (mined != null) {
                return mined;
            }
            // dropped, or mined and then removed by a re-organisation: check the chain before sending again
            if (done.check()) {
                return new Result.DoneElsewhere();
            }
            reprice(a);
            nextNonce = a.nonce;
        }
    }

    /** One {@code send}: the nonce and fees of the next transaction, and what was sent so far. */
    private static final class Attempt {
        BigInteger nonce;
        Fees fees;
        final List<String> sent = new ArrayList<>();
        /** Every hash sent with {@link #nonce}: any of them may be mined. */
        final List<String> forNonce = new ArrayList<>();

        Attempt(BigInteger nonce, Fees fees) {
            this.nonce = nonce;
            this.fees = fees;
        }

        /** The nonce went to another transaction of this key: ours are void, the next one takes {@code next}. */
        void moveTo(BigInteger next) {
            nonce = next;
            forNonce.clear();
        }
    }

    /**
     * Signs and sends the attempt's transaction; returns its hash (also when the node already knows it),
     * or null when the node refuses it for its nonce or its price.
     */
    private String broadcast(Attempt a, String subject, String data, BigInteger gasLimit) throws ChainCallException {
        byte[] signed = sign(a.nonce, gasLimit, data, a.fees);
        String hash = Numeric.toHexString(Hash.sha3(signed));
        EthSendTransaction res = rpc(
                "eth_sendRawTransaction",
                () -> web3j.ethSendRawTransaction(Numeric.toHexString(signed)).send());
        if (res.hasError()) {
            String msg = res.getError().getMessage().toLowerCase(Locale.ROOT);
            if (msg.contains("nonce too low") || msg.contains("underpriced")) {
                return null;
            } else if (!msg.contains("already known")) {
                throw new ChainCallException(
                        contract,
                        function,
                        "node refused transaction " + hash + " for " + subject + ": "
                                + res.getError().getMessage(),
                        null);
            }
        }
        return hash;
    }

    /**
     * After a drop or a re-organisation: a nonce mined meanwhile went to another transaction of this key
     * (move on from it), else the same nonce goes again with bumped fees, never below what the chain asks.
     */
    private void reprice(Attempt a) throws ChainCallException {
        BigInteger minedNonce = latestNonce();
        if (minedNonce.compareTo(a.nonce) > 0) {
            a.moveTo(pendingNonce().max(minedNonce));
        } else {
            a.fees = a.fees.bump(policy.feeBumpPercent()).max(currentFees());
        }
    }

    /** Polls until one of {@code hashes} has a receipt (returned) or all were absent for the drop timeout (null). */
    private TransactionReceipt awaitReceiptOrDrop(List<String> hashes, Instant deadline, List<String> sent)
            throws ChainCallException {
        Instant missingSince = null;
        while (true) {
            boolean anyKnown = false;
            for (String h : hashes) {
                TransactionReceipt r = receipt(h);
                if (r != null) {
                    return r;
                }
                anyKnown |= rpc(
                                "eth_getTransactionByHash",
                                () -> web3j.ethGetTransactionByHash(h).send())
                        .getTransaction()
                        .isPresent();
            }
            Instant now = clock.instant();
            if (anyKnown) {
                missingSince = null;
            } else if (missingSince == null) {
                missingSince = now;
            } else if (!now.isBefore(missingSince.plus(policy.dropTimeout()))) {
                return null;
            }
            checkDeadline(deadline, "transactions " + hashes + " not mined", sent);
            pause();
        }
    }

    /**
     * Waits for N confirmations of {@code receipt}'s transaction, reading the receipt again on every
     * poll: when a re-organisation moved it, counting restarts from its new block; when it removed it
     * and no transaction of the nonce comes back within the drop timeout, returns null (the caller
     * checks the chain and sends again).
     */
    private Result.Mined confirm(
            TransactionReceipt receipt, List<String> forNonce, Instant deadline, List<String> sent, Listener listener)
            throws ChainCallException {
        while (true) {
            long block = receipt.getBlockNumber().longValueExact();
            long latest = rpc("eth_blockNumber", () -> web3j.ethBlockNumber().send())
                    .getBlockNumber()
                    .longValueExact();
            TransactionReceipt again = receipt(receipt.getTransactionHash());
            if (again == null || !again.getBlockHash().equals(receipt.getBlockHash())) {
                listener.reorganised(receipt.getTransactionHash(), block);
                TransactionReceipt moved = again != null ? again : awaitReceiptOrDrop(forNonce, deadline, sent);
                if (moved == null) {
                    return null;
                }
                receipt = moved;
                continue;
            }
            if (latest - block + 1 >= policy.confirmations()) {
                return new Result.Mined(again, latest);
            }
            listener.confirming(receipt.getTransactionHash(), latest - block + 1, policy.confirmations());
            checkDeadline(
                    deadline,
                    "transaction " + receipt.getTransactionHash() + " has " + (latest - block + 1) + " of "
                            + policy.confirmations() + " confirmations",
                    sent);
            pause();
        }
    }

    private byte[] sign(BigInteger nonce, BigInteger gasLimit, String data, Fees fees) {
        RawTransaction raw = fees.eip1559()
                ? RawTransaction.createTransaction(
                        chainId,
                        nonce,
                        gasLimit,
                        contract,
                        BigInteger.ZERO,
                        data,
                        fees.maxPriorityFeePerGas(),
                        fees.maxFeePerGas())
                : RawTransaction.createTransaction(
                        nonce, fees.maxFeePerGas(), gasLimit, contract, BigInteger.ZERO, data);
        return fees.eip1559()
                ? TransactionEncoder.signMessage(raw, credentials)
                : TransactionEncoder.signMessage(raw, chainId, credentials);
    }

    /**
     * EIP-1559 when the latest block has a base fee: tip = the node's suggestion (1 gwei if it has
     * none), max fee = 2 × base fee + tip, which stays valid through six full blocks of +12.5%.
     * Otherwise, or when the policy asks for legacy transactions, the node's {@code eth_gasPrice}.
     */
    Fees currentFees() throws ChainCallException {
        return currentFees(web3j, policy.legacyTransactions(), contract, function);
    }

    /** {@link #currentFees()} on any node; {@code contract} and {@code function} name the caller in errors. */
    static Fees currentFees(Web3j web3j, boolean legacy, String contract, String function) throws ChainCallException {
        try {
            EthBlock.Block latest = legacy
                    ? null
                    : web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
                            .send()
                            .getBlock();
            if (latest != null && latest.getBaseFeePerGasRaw() != null) {
                BigInteger base = latest.getBaseFeePerGas();
                var suggested = web3j.ethMaxPriorityFeePerGas().send();
                BigInteger tip = suggested.hasError() ? DEFAULT_TIP : suggested.getMaxPriorityFeePerGas();
                return new Fees(base.shiftLeft(1).add(tip), tip);
            }
            return new Fees(web3j.ethGasPrice().send().getGasPrice(), null);
        } catch (IOException | RuntimeException e) {
            throw new ChainCallException(contract, function, "reading fees failed: " + e.getMessage(), e);
        }
    }

    private BigInteger pendingNonce() throws ChainCallException {
        return rpc(
                        "eth_getTransactionCount",
                        () -> web3j.ethGetTransactionCount(credentials.getAddress(), DefaultBlockParameterName.PENDING)
                                .send())
                .getTransactionCount();
    }

    private BigInteger latestNonce() throws ChainCallException {
        return rpc(
                        "eth_getTransactionCount",
                        () -> web3j.ethGetTransactionCount(credentials.getAddress(), DefaultBlockParameterName.LATEST)
                                .send())
                .getTransactionCount();
    }

    private TransactionReceipt receipt(String hash) throws ChainCallException {
        return rpc(
                        "eth_getTransactionReceipt",
                        () -> web3j.ethGetTransactionReceipt(hash).send())
                .getTransactionReceipt()
                .orElse(null);
    }

    /** The contract clients of this key cache their nonce: make them read it again after we used one. */
    private void resetSharedNonce() throws ChainCallException {
        TransactionManager tm = ContractTransactor.transactionManager(web3j, credentials, "settlement");
        if (tm instanceof FastRawTransactionManager fast) {
            fast.clearNonce();
        }
    }

    private void checkDeadline(Instant deadline, String what, List<String> sent) throws SettlementDeadlineException {
        if (!clock.instant().isBefore(deadline)) {
            throw new SettlementDeadlineException(
                    contract, "deadline of " + policy.deadline() + " passed: " + what, sent);
        }
    }

    private void pause() {
        LockSupport.parkNanos(policy.pollInterval().toNanos());
    }

    private <T> T rpc(String method, NodeRpc.Call<T> call) throws ChainCallException {
        return NodeRpc.call(contract, function, method, call);
    }
}
