package org.gridshare.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.gridshare.contracts.generated.EnergyMarket;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Order;
import org.gridshare.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** {@link SettlementSubmitter} on a real anvil: confirmations, dropped transactions, idempotence, races, reverts, the gas cap. */
class SettlementSubmitterIT {
    static final long INTERVAL = 1_767_225_600_000L;
    static final long QUARTER = 900_000L;
    static final long PRICE = 155_000;
    static final Duration WAIT = Duration.ofSeconds(30);
    static LocalChain chain;
    static MarketScenario s;
    static Credentials second;
    static ExecutorService pool;

    /** One transaction the submitter reported. */
    record Sent(String hash, BigInteger nonce, TransactionSender.Fees fees) {}

    final List<Sent> sent = new CopyOnWriteArrayList<>();
    /** Confirmation counts the submitter reported while waiting. */
    final List<Long> confirming = new CopyOnWriteArrayList<>();
    /** Set once a submitter saw the batch settled by someone else's pending transaction. */
    final List<Bytes32> pendingElsewhere = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void deploy() throws Exception {
        chain = LocalChain.start();
        s = new MarketScenario(chain);
        s.enrol(4);
        second = chain.account(1);
        s.market.grantOperator(Address.fromHex(second.getAddress()));
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (chain != null) {
            chain.close();
        }
    }

    @AfterEach
    void automineBackOn() throws Exception {
        chain.anvilRpc("evm_setIntervalMining", 0);
        chain.anvilRpc("evm_setAutomine", true);
    }

    SettlementSubmitter submitter(Credentials who, SettlementPolicy policy) throws ChainCallException {
        return SettlementSubmitter.create(
                chain.web3j,
                who,
                s.market.address(),
                policy,
                Clock.systemUTC(),
                DefaultBlockParameterName.EARLIEST,
                new SettlementSubmitter.Listener() {
                    @Override
                    public void sent(Bytes32 batchId, String txHash, BigInteger nonce, TransactionSender.Fees fees) {
                        sent.add(new Sent(txHash, nonce, fees));
                    }

                    @Override
                    public void confirming(Bytes32 batchId, String txHash, long have, long want) {
                        confirming.add(have);
                    }

                    @Override
                    public void pendingElsewhere(Bytes32 batchId) {
                        pendingElsewhere.add(batchId);
                    }
                });
    }

    static SettlementPolicy dev() {
        return SettlementPolicy.devChain();
    }

    static BigInteger nonce(Credentials who) throws Exception {
        return chain.web3j
                .ethGetTransactionCount(who.getAddress(), DefaultBlockParameterName.PENDING)
                .send()
                .getTransactionCount();
    }

    static TransactionReceipt receipt(String hash) throws Exception {
        return chain.web3j
                .ethGetTransactionReceipt(hash)
                .send()
                .getTransactionReceipt()
                .orElse(null);
    }

    /** Transaction hashes of every BatchSettled event of (ZONE, interval). */
    static List<String> settledEvents(long interval) throws Exception {
        Bytes32 id = MarketClient.batchId(MarketScenario.ZONE, interval);
        EthFilter f = new EthFilter(
                        DefaultBlockParameterName.EARLIEST,
                        DefaultBlockParameterName.LATEST,
                        s.market.address().toHex())
                .addSingleTopic(EventEncoder.encode(EnergyMarket.BATCHSETTLED_EVENT))
                .addSingleTopic(id.toHex());
        List<String> hashes = new ArrayList<>();
        for (org.web3j.protocol.core.methods.response.EthLog.LogResult<?> r :
                chain.web3j.ethGetLogs(f).send().getLogs()) {
            hashes.add(((org.web3j.protocol.core.methods.response.Log) r.get()).getTransactionHash());
        }
        return hashes;
    }

    static <T> Future<T> async(Callable<T> c) {
        return pool.submit(c);
    }

    @Test
    void settles_a_batch_only_after_three_confirmations() throws Exception {
        long interval = INTERVAL;
        SettlementSubmitter sub = submitter(s.operator, dev().withConfirmations(3));
        Future<SettlementOutcome> result = async(() -> sub.submit(s.fullDeliveryBatch(2, interval, PRICE)));
        Await.untilChecked("the submitter waiting at 1 confirmation", WAIT, () -> confirming.contains(1L));
        TransactionReceipt mined = receipt(sent.get(0).hash());
        assertFalse(result.isDone(), "not settled at 1 of 3");
        chain.anvilRpc("evm_mine");
        Await.untilChecked("the submitter waiting at 2 confirmations", WAIT, () -> confirming.contains(2L));
        assertFalse(result.isDone(), "not settled at 2 of 3");
        chain.anvilRpc("evm_mine");

        SettlementOutcome out = result.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(SettlementOutcome.Status.SETTLED, out.status());
        assertEquals(mined.getTransactionHash(), out.txHash());
        assertEquals(mined.getBlockNumber().longValueExact(), out.blockNumber());
        assertEquals(mined.getGasUsed().longValueExact(), out.gasUsed());
        assertTrue(
                out.confirmedAtBlock() - out.blockNumber() + 1 >= 3,
                "confirmed at " + out.confirmedAtBlock() + " for block " + out.blockNumber());
        assertTrue(s.market.isSettled(MarketScenario.ZONE, interval));
        assertEquals(1, sent.size());
    }

    @Test
    void a_dropped_transaction_is_sent_again_with_the_same_nonce_and_higher_fees_and_settles_once() throws Exception {
        long interval = INTERVAL + QUARTER;
        BigInteger before = nonce(s.operator);
        chain.anvilRpc("evm_setAutomine", false);
        SettlementSubmitter sub = submitter(s.operator, dev().withDropTimeout(Duration.ofMillis(500)));
        Future<SettlementOutcome> result = async(() -> sub.submit(s.fullDeliveryBatch(2, interval, PRICE)));
        Await.untilChecked(
                "the first transaction in the pool",
                WAIT,
                () -> !sent.isEmpty()
                        && chain.web3j
                                .ethGetTransactionByHash(sent.get(0).hash())
                                .send()
                                .getTransaction()
                                .isPresent());
        String first = sent.get(0).hash();
        chain.anvilRpc("anvil_dropTransaction", first);
        chain.anvilRpc("evm_setAutomine", true);

        SettlementOutcome out = result.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(SettlementOutcome.Status.SETTLED, out.status());
        assertEquals(2, sent.size(), "sent once, dropped, sent again: " + sent);
        Sent again = sent.get(1);
        assertEquals(again.hash(), out.txHash());
        assertEquals(before, sent.get(0).nonce());
        assertEquals(before, again.nonce(), "the same nonce");
        TransactionSender.Fees f0 = sent.get(0).fees();
        TransactionSender.Fees f1 = again.fees();
        assertTrue(
                f1.maxFeePerGas()
                                .multiply(BigInteger.TEN)
                                .compareTo(f0.maxFeePerGas().multiply(BigInteger.valueOf(11)))
                        >= 0,
                "max fee +10%: " + f0 + " -> " + f1);
        assertTrue(f0.eip1559(), "anvil has a base fee, so EIP-1559 fields");
        assertTrue(
                f1.maxPriorityFeePerGas()
                                .multiply(BigInteger.TEN)
                                .compareTo(f0.maxPriorityFeePerGas().multiply(BigInteger.valueOf(11)))
                        >= 0,
                "tip +10%");
        assertNull(receipt(first), "the dropped one never mined");
        assertEquals(List.of(again.hash()), settledEvents(interval), "settled exactly once");
        assertEquals(before.add(BigInteger.ONE), nonce(s.operator));
    }

    @Test
    void a_second_submission_of_a_settled_batch_reports_already_settled_without_sending() throws Exception {
        long interval = INTERVAL + 2 * QUARTER;
        SettlementBatch batch = s.fullDeliveryBatch(2, interval, PRICE);
        SettlementOutcome first = submitter(s.operator, dev()).submit(batch);
        assertEquals(SettlementOutcome.Status.SETTLED, first.status());
        BigInteger before = nonce(s.operator);
        sent.clear();

        // a new submitter, as a restarted process would have
        SettlementOutcome again = submitter(s.operator, dev()).submit(batch);

        assertEquals(SettlementOutcome.Status.ALREADY_SETTLED, again.status());
        assertEquals(first.txHash(), again.txHash(), "the settling transaction, found by its BatchSettled event");
        assertEquals(first.blockNumber(), again.blockNumber());
        assertEquals(before, nonce(s.operator), "nothing sent");
        assertTrue(sent.isEmpty());
        assertEquals(List.of(first.txHash()), settledEvents(interval));
    }

    @Test
    void two_submitters_racing_one_batch_settle_it_once() throws Exception {
        long interval = INTERVAL + 3 * QUARTER;
        SettlementBatch batch = s.fullDeliveryBatch(4, interval, PRICE);
        SettlementSubmitter a = submitter(s.operator, dev());
        SettlementSubmitter b = submitter(second, dev());
        chain.anvilRpc("evm_setAutomine", false);
        chain.anvilRpc("evm_setIntervalMining", 1);
        CountDownLatch start = new CountDownLatch(1);
        Future<SettlementOutcome> fa = async(() -> {
            start.await();
            return a.submit(batch);
        });
        Future<SettlementOutcome> fb = async(() -> {
            start.await();
            return b.submit(batch);
        });
        start.countDown();

        SettlementOutcome oa = fa.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        SettlementOutcome ob = fb.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(
                Set.of(SettlementOutcome.Status.SETTLED, SettlementOutcome.Status.ALREADY_SETTLED),
                Set.of(oa.status(), ob.status()),
                oa + " / " + ob);
        SettlementOutcome winner = oa.status() == SettlementOutcome.Status.SETTLED ? oa : ob;
        SettlementOutcome loser = winner == oa ? ob : oa;
        assertEquals(winner.txHash(), loser.txHash(), "the loser names the winner's transaction");
        assertEquals(List.of(winner.txHash()), settledEvents(interval), "one BatchSettled event");
    }

    @Test
    void a_transaction_that_loses_the_race_in_the_same_block_reports_already_settled() throws Exception {
        long interval = INTERVAL + 8 * QUARTER;
        SettlementBatch batch = s.fullDeliveryBatch(2, interval, PRICE);
        SettlementSubmitter a = submitter(s.operator, dev().withDropTimeout(Duration.ofMillis(500)));
        SettlementSubmitter b = submitter(second, dev());
        chain.anvilRpc("evm_setAutomine", false);
        Future<SettlementOutcome> fa = async(() -> a.submit(batch));
        Await.untilChecked("a's first transaction", WAIT, () -> sent.size() == 1);
        // a's transaction leaves our node's pool (as if it sat only in another node's), so b's estimate passes
        chain.anvilRpc("anvil_dropTransaction", sent.get(0).hash());
        Future<SettlementOutcome> fb = async(() -> b.submit(batch));
        Await.untilChecked("b's transaction and a's resubmission", WAIT, () -> sent.size() == 3);
        chain.anvilRpc("evm_mine");

        SettlementOutcome oa = fa.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        SettlementOutcome ob = fb.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        SettlementOutcome winner = oa.status() == SettlementOutcome.Status.SETTLED ? oa : ob;
        SettlementOutcome loser = winner == oa ? ob : oa;
        assertEquals(SettlementOutcome.Status.SETTLED, winner.status(), oa + " / " + ob);
        assertEquals(SettlementOutcome.Status.ALREADY_SETTLED, loser.status(), oa + " / " + ob);
        assertEquals(winner.txHash(), loser.txHash(), "the loser names the winner's transaction");
        String loserTx = sent.get(1).hash().equals(winner.txHash())
                ? sent.get(2).hash()
                : sent.get(1).hash();
        assertFalse(receipt(loserTx).isStatusOK(), "the losing transaction reverted on-chain");
        assertEquals(receipt(loserTx).getBlockNumber(), receipt(winner.txHash()).getBlockNumber(), "same block");
        assertEquals(List.of(winner.txHash()), settledEvents(interval));
    }

    @Test
    void a_submitter_waits_for_another_ones_pending_settlement_and_sends_itself_when_that_is_dropped()
            throws Exception {
        long interval = INTERVAL + 9 * QUARTER;
        SettlementBatch batch = s.fullDeliveryBatch(2, interval, PRICE);
        SettlementSubmitter a = submitter(s.operator, dev().withDropTimeout(Duration.ofSeconds(2)));
        SettlementSubmitter b = submitter(second, dev());
        BigInteger bNonce = nonce(second);
        chain.anvilRpc("evm_setAutomine", false);
        Future<SettlementOutcome> fa = async(() -> a.submit(batch));
        Await.untilChecked("a's transaction", WAIT, () -> sent.size() == 1);
        Future<SettlementOutcome> fb = async(() -> b.submit(batch));
        Await.untilChecked("b seeing a's pending settlement", WAIT, () -> !pendingElsewhere.isEmpty());
        assertEquals(1, sent.size(), "b sent nothing while a's transaction was pending");
        chain.anvilRpc("anvil_dropTransaction", sent.get(0).hash());
        chain.anvilRpc("evm_setAutomine", true);

        SettlementOutcome ob = fb.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        SettlementOutcome oa = fa.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(SettlementOutcome.Status.SETTLED, ob.status(), "b settles once a's transaction is gone");
        assertEquals(SettlementOutcome.Status.ALREADY_SETTLED, oa.status(), "a checks the chain before resending");
        assertEquals(ob.txHash(), oa.txHash());
        assertEquals(2, sent.size(), "a did not resend: " + sent);
        assertEquals(bNonce.add(BigInteger.ONE), nonce(second));
        assertEquals(List.of(ob.txHash()), settledEvents(interval));
    }

    @Test
    void a_forged_order_signature_is_reported_reverted_by_name_and_not_sent() throws Exception {
        long interval = INTERVAL + 4 * QUARTER;
        SettlementBatch honest = s.fullDeliveryBatch(2, interval, PRICE);
        SettlementBatch.Participant p = honest.participants().get(0);
        // household 2's key signs household 0's order
        SettlementBatch.Participant forged = new SettlementBatch.Participant(
                s.households.get(2).signer().sign(s.domain, p.order().message()), p.statement(), p.fillMilliWh());
        SettlementBatch batch = new SettlementBatch(
                MarketScenario.ZONE,
                interval,
                MarketScenario.INTERVAL_SECONDS,
                PRICE,
                List.of(forged, honest.participants().get(1)));
        BigInteger before = nonce(s.operator);

        SettlementOutcome out = submitter(s.operator, dev()).submit(batch);

        assertEquals(SettlementOutcome.Status.REVERTED, out.status());
        assertEquals("OrderSignerMismatch", out.errorName());
        assertEquals("0", out.revert().arguments().get(0), "participant index");
        assertNull(out.txHash());
        assertTrue(sent.isEmpty(), "no transaction, no retry");
        assertEquals(before, nonce(s.operator));
        assertFalse(s.market.isSettled(MarketScenario.ZONE, interval));
    }

    @Test
    void a_batch_with_an_expired_order_is_reported_reverted_by_name_and_not_sent() throws Exception {
        long interval = INTERVAL + 10 * QUARTER;
        // one household sells, one buys; the buyer's order was void a minute before the interval began
        SettlementBatch batch = new SettlementBatch(
                MarketScenario.ZONE,
                interval,
                MarketScenario.INTERVAL_SECONDS,
                PRICE,
                List.of(
                        s.participant(
                                0, interval, Order.SELL, 1_000_000, MarketScenario.FEED_IN, 1_000_000, 0, 1_000_000),
                        s.participant(
                                1,
                                interval,
                                Order.BUY,
                                1_000_000,
                                MarketScenario.RETAIL,
                                1_000_000,
                                1_000_000,
                                0,
                                interval - 60_000)));
        BigInteger before = nonce(s.operator);

        SettlementOutcome out = submitter(s.operator, dev()).submit(batch);

        assertEquals(SettlementOutcome.Status.REVERTED, out.status());
        assertEquals("OrderExpired", out.errorName());
        assertEquals(
                List.of(Long.toString(interval - 60_000), Long.toString(interval)),
                out.revert().arguments().subList(1, 3),
                "expiry and interval start");
        assertTrue(sent.isEmpty(), "no transaction, no retry");
        assertEquals(before, nonce(s.operator));
        assertFalse(s.market.isSettled(MarketScenario.ZONE, interval));
    }

    @Test
    void a_batch_estimated_above_the_gas_cap_is_refused_naming_batch_and_estimate() throws Exception {
        long interval = INTERVAL + 5 * QUARTER;
        SettlementBatch batch = s.fullDeliveryBatch(4, interval, PRICE);
        BigInteger before = nonce(s.operator);
        long cap = 100_000; // a 4-participant batch needs about 150,000

        BatchGasCapException e = assertThrows(
                BatchGasCapException.class,
                () -> submitter(s.operator, dev().withGasCap(cap)).submit(batch));

        assertTrue(e.estimate().compareTo(BigInteger.valueOf(cap)) > 0, "estimate " + e.estimate());
        assertEquals(4, e.participants());
        assertEquals(interval, e.intervalStartMs());
        assertTrue(
                e.getMessage()
                        .contains(MarketClient.batchId(MarketScenario.ZONE, interval)
                                .toString()),
                e.getMessage());
        assertTrue(e.getMessage().contains(e.estimate().toString()), e.getMessage());
        assertEquals(before, nonce(s.operator), "nothing sent");
        assertTrue(sent.isEmpty());
        assertNotEquals(null, e.zone());
    }

    @Test
    void the_market_client_of_the_same_key_keeps_working_after_the_submitter_used_nonces() throws Exception {
        long interval = INTERVAL + 6 * QUARTER;
        assertEquals(
                SettlementOutcome.Status.SETTLED,
                submitter(s.operator, dev())
                        .submit(s.fullDeliveryBatch(2, interval, PRICE))
                        .status());
        // the shared nonce-caching manager of the operator must not reuse the submitter's nonce
        assertNotNull(s.market.setTariffs(MarketScenario.FEED_IN, MarketScenario.RETAIL, MarketScenario.FEE));
        assertEquals(
                SettlementOutcome.Status.SETTLED,
                submitter(s.operator, dev())
                        .submit(s.fullDeliveryBatch(2, interval + QUARTER, PRICE))
                        .status());
    }
}
