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
import org.gridshare.contracts.generated.EnergyMarket;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.FastRawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.utils.Numeric;

/**
 * Settles {@link SettlementBatch}es exactly once, as the operator: checks the chain first
 * ({@code settled(batchId)}), estimates gas with a margin and refuses a batch above the
 * per-transaction cap, manages the account's nonce itself, sends a dropped transaction again with the
 * same nonce and bumped fees, and waits for N confirmations. Policies in {@link SettlementPolicy};
 * the module README ("Settlement client") explains them.
 *
 * <p>One instance per operator key and process; {@code submit} calls on it are serialised. Several
 * instances (or processes) racing on one batch settle it once: the losers report
 * {@link SettlementOutcome.Status#ALREADY_SETTLED}.
 */
public final class SettlementSubmitter {
    private static final String FUNCTION = "submitBatch";
    private static final String ALREADY_SETTLED_ERROR = "BatchAlreadySettled";
    private static final String BATCH_SETTLED_TOPIC = EventEncoder.encode(EnergyMarket.BATCHSETTLED_EVENT);
    private static final BigInteger DEFAULT_TIP = BigInteger.valueOf(1_000_000_000L); // 1 gwei

    /** Told of every transaction sent and of the confirmations still missing, for logs and tests. */
    @FunctionalInterface
    public interface Listener {
        void sent(Bytes32 batchId, String txHash, BigInteger nonce, Fees fees);

        /** Our transaction is mined with {@code have} of {@code want} confirmations; called on each poll until enough. */
        default void confirming(Bytes32 batchId, String txHash, long have, long want) {}

        /** The node's pending state already settles the batch (another sender): we wait instead of sending. */
        default void pendingElsewhere(Bytes32 batchId) {}

        /**
         * Our transaction, seen mined in block {@code blockNumber}, is no longer there: a re-organisation
         * dropped it (or moved it: then confirmations are counted again from its new block).
         */
        default void reorganised(Bytes32 batchId, String txHash, long blockNumber) {}
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
    private final MarketClient market;
    private final String contract;
    private final long chainId;
    private final SettlementPolicy policy;
    private final Clock clock;
    private final Listener listener;
    private final DefaultBlockParameter logsFrom;
    private final RevertDecoder decoder = RevertDecoder.forContract(MarketClient.CONTRACT);
    private BigInteger nextNonce; // null until the first send: then the node's pending nonce

    private SettlementSubmitter(
            Web3j web3j,
            Credentials credentials,
            MarketClient market,
            long chainId,
            SettlementPolicy policy,
            Clock clock,
            Listener listener,
            DefaultBlockParameter logsFrom) {
        this.web3j = web3j;
        this.credentials = credentials;
        this.market = market;
        this.contract = market.address().toHex();
        this.chainId = chainId;
        this.policy = policy;
        this.clock = clock;
        this.listener = listener;
        this.logsFrom = logsFrom;
    }

    /**
     * A submitter for the market at {@code market}, sending as {@code operator}.
     *
     * @param logsFrom first block searched for the {@code BatchSettled} event of an already settled
     *     batch (the market's deployment block; {@code EARLIEST} on a dev chain)
     * @param listener told of every transaction sent; may be null
     */
    public static SettlementSubmitter create(
            Web3j web3j,
            Credentials operator,
            Address market,
            SettlementPolicy policy,
            Clock clock,
            DefaultBlockParameter logsFrom,
            Listener listener)
            throws ChainCallException {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(clock, "clock");
        MarketClient client = MarketClient.load(web3j, operator, market);
        long chainId;
        try {
            chainId = web3j.ethChainId().send().getChainId().longValueExact();
        } catch (IOException | RuntimeException e) {
            throw new ChainCallException(market.toHex(), FUNCTION, "cannot read the chain id: " + e.getMessage(), e);
        }
        return new SettlementSubmitter(
                web3j,
                operator,
                client,
                chainId,
                policy,
                clock,
                listener == null ? (id, h, n, f) -> {} : listener,
                logsFrom == null ? DefaultBlockParameterName.EARLIEST : logsFrom);
    }

    /**
     * Settles {@code batch} once. Returns {@code SETTLED} with our transaction, {@code ALREADY_SETTLED}
     * when the chain already had it (nothing sent, or our transaction lost a race), or {@code REVERTED}
     * with the contract's error (not retried).
     *
     * @throws BatchGasCapException the estimate exceeds the gas cap; nothing sent
     * @throws SettlementDeadlineException the deadline passed; safe to call again
     * @throws ChainCallException the node failed or refused the transaction for another reason
     */
    public synchronized SettlementOutcome submit(SettlementBatch batch) throws ChainCallException {
        Instant deadline = clock.instant().plus(policy.deadline());
        Bytes32 id = MarketClient.batchId(batch.zone(), batch.intervalStartMs());
        if (market.isSettled(batch.zone(), batch.intervalStartMs())) {
            return alreadySettled(id);
        }
        String data = market.submitBatchCallData(batch);
        EthEstimateGas est;
        while (true) {
            est = estimate(data);
            if (!est.hasError()) {
                break;
            }
            RevertReason reason = revertOf(est.getError());
            if (!reason.name().equals(ALREADY_SETTLED_ERROR)) {
                return SettlementOutcome.reverted(id, null, -1, 0, reason);
            }
            // the node estimates on its pending state, where another submitter's transaction settles the
            // batch: wait until that is mined, or dropped (the estimate passes again, and we send)
            if (market.isSettled(batch.zone(), batch.intervalStartMs())) {
                return alreadySettled(id);
            }
            listener.pendingElsewhere(id);
            checkDeadline(
                    deadline, "batch " + id + " is settled by a pending transaction that is not mined", List.of());
            pause();
        }
        BigInteger estimate = est.getAmountUsed();
        if (estimate.compareTo(BigInteger.valueOf(policy.gasCap())) > 0) {
            throw new BatchGasCapException(
                    contract,
                    id,
                    batch.zone(),
                    batch.intervalStartMs(),
                    batch.participants().size(),
                    estimate,
                    policy.gasCap());
        }
        BigInteger gasLimit = estimate.multiply(BigInteger.valueOf(100L + policy.gasMarginPercent()))
                .divide(BigInteger.valueOf(100))
                .min(BigInteger.valueOf(policy.gasCap()));
        return sendAndConfirm(batch, id, data, gasLimit, deadline);
    }

    private SettlementOutcome sendAndConfirm(
            SettlementBatch batch, Bytes32 id, String data, BigInteger gasLimit, Instant deadline)
            throws ChainCallException {
        List<String> sent = new ArrayList<>();
        if (nextNonce == null) {
            nextNonce = pendingNonce();
        }
        BigInteger nonce = nextNonce;
        Fees fees = currentFees();
        List<String> forNonce = new ArrayList<>(); // every hash sent with `nonce`: any of them may be mined
        while (true) {
            checkDeadline(deadline, "no transaction for batch " + id + " was mined", sent);
            byte[] signed = sign(nonce, gasLimit, data, fees);
            String hash = Numeric.toHexString(Hash.sha3(signed));
            EthSendTransaction res = rpc(
                    () -> web3j.ethSendRawTransaction(Numeric.toHexString(signed))
                            .send(),
                    "eth_sendRawTransaction");
            if (res.hasError()) {
                String msg = res.getError().getMessage().toLowerCase(Locale.ROOT);
                if (msg.contains("nonce too low") || msg.contains("underpriced")) {
                    // another sender of this key, or our own earlier process, used the nonce
                    if (market.isSettled(batch.zone(), batch.intervalStartMs())) {
                        return alreadySettled(id);
                    }
                    BigInteger pending = pendingNonce();
                    if (pending.compareTo(nonce) > 0) {
                        nonce = pending;
                        forNonce.clear();
                    } else {
                        fees = fees.bump(policy.feeBumpPercent()); // our own transaction still waits: replace it
                    }
                    nextNonce = nonce;
                    pause(); // the node may keep refusing: never spin
                    continue;
                } else if (!msg.contains("already known")) {
                    throw new ChainCallException(
                            contract,
                            FUNCTION,
                            "node refused transaction " + hash + " for batch " + id + ": "
                                    + res.getError().getMessage(),
                            null);
                }
            }
            sent.add(hash);
            forNonce.add(hash);
            nextNonce = nonce.add(BigInteger.ONE);
            resetSharedNonce();
            listener.sent(id, hash, nonce, fees);
            TransactionReceipt receipt = awaitReceiptOrDrop(forNonce, deadline, sent);
            SettlementOutcome done =
                    receipt == null ? null : confirm(batch, id, receipt, data, forNonce, deadline, sent);
            if (done != null) {
                return done;
            }
            // dropped, or mined and then removed by a re-organisation: check the chain before sending again
            if (market.isSettled(batch.zone(), batch.intervalStartMs())) {
                return alreadySettled(id);
            }
            BigInteger mined = latestNonce();
            if (mined.compareTo(nonce) > 0) { // the nonce went to another transaction of this key
                nonce = pendingNonce().max(mined);
                forNonce.clear();
            } else {
                fees = fees.bump(policy.feeBumpPercent()).max(currentFees());
            }
            nextNonce = nonce;
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
                anyKnown |= rpc(() -> web3j.ethGetTransactionByHash(h).send(), "eth_getTransactionByHash")
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
    private SettlementOutcome confirm(
            SettlementBatch batch,
            Bytes32 id,
            TransactionReceipt receipt,
            String data,
            List<String> forNonce,
            Instant deadline,
            List<String> sent)
            throws ChainCallException {
        while (true) {
            long block = receipt.getBlockNumber().longValueExact();
            long latest = rpc(() -> web3j.ethBlockNumber().send(), "eth_blockNumber")
                    .getBlockNumber()
                    .longValueExact();
            TransactionReceipt again = receipt(receipt.getTransactionHash());
            if (again == null || !again.getBlockHash().equals(receipt.getBlockHash())) {
                listener.reorganised(id, receipt.getTransactionHash(), block);
                TransactionReceipt moved = again != null ? again : awaitReceiptOrDrop(forNonce, deadline, sent);
                if (moved == null) {
                    return null;
                }
                receipt = moved;
                continue;
            }
            if (latest - block + 1 >= policy.confirmations()) {
                return outcome(batch, id, again, data, latest);
            }
            listener.confirming(id, receipt.getTransactionHash(), latest - block + 1, policy.confirmations());
            checkDeadline(
                    deadline,
                    "transaction " + receipt.getTransactionHash() + " has " + (latest - block + 1) + " of "
                            + policy.confirmations() + " confirmations",
                    sent);
            pause();
        }
    }

    private SettlementOutcome outcome(SettlementBatch batch, Bytes32 id, TransactionReceipt r, String data, long latest)
            throws ChainCallException {
        long block = r.getBlockNumber().longValueExact();
        long gas = r.getGasUsed().longValueExact();
        if (r.isStatusOK()) {
            return SettlementOutcome.settled(id, r.getTransactionHash(), block, gas, latest);
        }
        if (market.isSettled(batch.zone(), batch.intervalStartMs())) {
            return alreadySettled(id); // a racing submitter got in first
        }
        // replay on the state the transaction saw: the block before plus its predecessors in the block
        // are not reachable by eth_call, so replay on the state after the block (it reverted there too)
        EthCall replay = rpc(
                () -> web3j.ethCall(
                                Transaction.createEthCallTransaction(credentials.getAddress(), contract, data),
                                DefaultBlockParameter.valueOf(r.getBlockNumber()))
                        .send(),
                "eth_call");
        RevertReason reason = replay.hasError()
                ? revertOf(replay.getError())
                : decoder.decode(replay.isReverted() ? replay.getRevertReasonEncodedData() : null);
        return SettlementOutcome.reverted(id, r.getTransactionHash(), block, gas, reason);
    }

    private EthEstimateGas estimate(String data) throws ChainCallException {
        return rpc(
                () -> web3j.ethEstimateGas(
                                Transaction.createEthCallTransaction(credentials.getAddress(), contract, data))
                        .send(),
                "eth_estimateGas");
    }

    /** ALREADY_SETTLED with the settling transaction from the BatchSettled event, when the log range has it. */
    private SettlementOutcome alreadySettled(Bytes32 id) throws ChainCallException {
        EthFilter filter = new EthFilter(logsFrom, DefaultBlockParameterName.LATEST, contract)
                .addSingleTopic(BATCH_SETTLED_TOPIC)
                .addSingleTopic(id.toHex());
        EthLog logs = rpc(() -> web3j.ethGetLogs(filter).send(), "eth_getLogs");
        if (logs.hasError() || logs.getLogs().isEmpty()) {
            return SettlementOutcome.alreadySettled(id, null, -1);
        }
        Log log = (Log) logs.getLogs().get(0).get();
        return SettlementOutcome.alreadySettled(
                id, log.getTransactionHash(), log.getBlockNumber().longValueExact());
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
        return currentFees(web3j, policy.legacyTransactions(), contract);
    }

    /** {@link #currentFees()} on any node; {@code contract} names the market in errors. */
    static Fees currentFees(Web3j web3j, boolean legacy, String contract) throws ChainCallException {
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
            throw new ChainCallException(contract, FUNCTION, "reading fees failed: " + e.getMessage(), e);
        }
    }

    private BigInteger pendingNonce() throws ChainCallException {
        return rpc(
                        () -> web3j.ethGetTransactionCount(credentials.getAddress(), DefaultBlockParameterName.PENDING)
                                .send(),
                        "eth_getTransactionCount")
                .getTransactionCount();
    }

    private BigInteger latestNonce() throws ChainCallException {
        return rpc(
                        () -> web3j.ethGetTransactionCount(credentials.getAddress(), DefaultBlockParameterName.LATEST)
                                .send(),
                        "eth_getTransactionCount")
                .getTransactionCount();
    }

    private TransactionReceipt receipt(String hash) throws ChainCallException {
        return rpc(() -> web3j.ethGetTransactionReceipt(hash).send(), "eth_getTransactionReceipt")
                .getTransactionReceipt()
                .orElse(null);
    }

    /** The market clients of this key cache their nonce: make them read it again after we used one. */
    private void resetSharedNonce() throws ChainCallException {
        TransactionManager tm = ContractTransactor.transactionManager(web3j, credentials, "settlement");
        if (tm instanceof FastRawTransactionManager fast) {
            fast.clearNonce();
        }
    }

    private RevertReason revertOf(org.web3j.protocol.core.Response.Error error) throws ChainCallException {
        if (error.getData() == null && !error.getMessage().contains("revert")) {
            throw new ChainCallException(
                    contract, FUNCTION, "node error " + error.getCode() + ": " + error.getMessage(), null);
        }
        return decoder.decode(ContractTransactor.unquote(error.getData()));
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

    /** A node request; I/O failures become a ChainCallException naming the method. */
    @FunctionalInterface
    private interface Rpc<T> {
        T call() throws IOException;
    }

    private <T> T rpc(Rpc<T> call, String method) throws ChainCallException {
        try {
            return call.call();
        } catch (IOException | RuntimeException e) {
            throw new ChainCallException(contract, FUNCTION, method + " failed: " + e.getMessage(), e);
        }
    }

    /** The policy in use. */
    public SettlementPolicy policy() {
        return policy;
    }
}
