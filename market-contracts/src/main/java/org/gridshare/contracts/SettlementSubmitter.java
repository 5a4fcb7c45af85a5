package org.gridshare.contracts;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import org.gridshare.contracts.generated.EnergyMarket;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Settles {@link SettlementBatch}es exactly once, as the operator: checks the chain first
 * ({@code settled(batchId)}), waits while another sender's pending transaction settles the batch,
 * estimates gas with a margin and refuses a batch above the per-transaction cap, then has its
 * {@link TransactionSender} get the transaction mined with N confirmations (nonce, fees, dropped
 * transactions, re-organisations), and reads the outcome: settled, already settled by someone else, or
 * the contract's revert. Policies in {@link SettlementPolicy}; docs/architecture.md ("The settlement client")
 * explains them.
 *
 * <p>One instance per operator key and process; {@code submit} calls on it are serialised. Several
 * instances (or processes) racing on one batch settle it once: the losers report
 * {@link SettlementOutcome.Status#ALREADY_SETTLED}.
 */
public final class SettlementSubmitter {
    private static final String FUNCTION = "submitBatch";
    private static final String ALREADY_SETTLED_ERROR = "BatchAlreadySettled";
    private static final String BATCH_SETTLED_TOPIC = EventEncoder.encode(EnergyMarket.BATCHSETTLED_EVENT);

    /** Told of every transaction sent and of the confirmations still missing, for logs and tests. */
    @FunctionalInterface
    public interface Listener {
        void sent(Bytes32 batchId, String txHash, BigInteger nonce, TransactionSender.Fees fees);

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

    private final Web3j web3j;
    private final Credentials credentials;
    private final MarketClient market;
    private final String contract;
    private final SettlementPolicy policy;
    private final Clock clock;
    private final Listener listener;
    private final DefaultBlockParameter logsFrom;
    private final TransactionSender sender;
    private final RevertDecoder decoder = RevertDecoder.forContract(MarketClient.CONTRACT);

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
        this.policy = policy;
        this.clock = clock;
        this.listener = listener;
        this.logsFrom = logsFrom;
        this.sender = new TransactionSender(web3j, credentials, contract, FUNCTION, chainId, policy, clock);
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
        TransactionSender.Result sent = sender.send(
                "batch " + id,
                data,
                gasLimit,
                deadline,
                () -> market.isSettled(batch.zone(), batch.intervalStartMs()),
                events(id));
        return switch (sent) {
            case TransactionSender.Result.DoneElsewhere d -> alreadySettled(id);
            case TransactionSender.Result.Mined m -> outcome(batch, id, m.receipt(), data, m.latestBlock());
        };
    }

    /** The sender's events, told to our listener as events of batch {@code id}. */
    private TransactionSender.Listener events(Bytes32 id) {
        return new TransactionSender.Listener() {
            @Override
            public void sent(String txHash, BigInteger nonce, TransactionSender.Fees fees) {
                listener.sent(id, txHash, nonce, fees);
            }

            @Override
            public void confirming(String txHash, long have, long want) {
                listener.confirming(id, txHash, have, want);
            }

            @Override
            public void reorganised(String txHash, long blockNumber) {
                listener.reorganised(id, txHash, blockNumber);
            }
        };
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

    private <T> T rpc(NodeRpc.Call<T> call, String method) throws ChainCallException {
        return NodeRpc.call(contract, FUNCTION, method, call);
    }

    /** The policy in use. */
    public SettlementPolicy policy() {
        return policy;
    }
}
