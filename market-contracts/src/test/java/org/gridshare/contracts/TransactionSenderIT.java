package org.gridshare.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.gridshare.testsupport.Await;
import org.gridshare.testsupport.TestClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * {@link TransactionSender} on a real anvil, with plain value-less transfers between dev accounts (the
 * sender does not care what the transaction does): confirmations, consecutive nonces, a dropped
 * transaction re-priced with its nonce, the caller's "done elsewhere" check, the deadline on the
 * injected clock.
 */
class TransactionSenderIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final BigInteger TRANSFER_GAS = BigInteger.valueOf(21_000);

    static LocalChain chain;
    static ExecutorService pool;
    static Credentials from;
    static String to;

    /** One transaction the sender reported. */
    record Sent(String hash, BigInteger nonce, TransactionSender.Fees fees) {}

    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final List<Long> confirming = new CopyOnWriteArrayList<>();

    final TransactionSender.Listener listener = new TransactionSender.Listener() {
        @Override
        public void sent(String txHash, BigInteger nonce, TransactionSender.Fees fees) {
            sent.add(new Sent(txHash, nonce, fees));
        }

        @Override
        public void confirming(String txHash, long have, long want) {
            confirming.add(have);
        }
    };

    @BeforeAll
    static void start() throws Exception {
        chain = LocalChain.start();
        pool = Executors.newFixedThreadPool(2);
        from = chain.account(5); // an account no other test class of this chain sends from
        to = chain.account(6).getAddress();
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
        chain.anvilRpc("evm_setAutomine", true);
    }

    TransactionSender sender(SettlementPolicy policy, Clock clock) {
        return new TransactionSender(chain.web3j, from, to, "transfer", chain.anvil.chainId(), policy, clock);
    }

    static BigInteger nonce(DefaultBlockParameterName at) throws Exception {
        return chain.web3j.ethGetTransactionCount(from.getAddress(), at).send().getTransactionCount();
    }

    static boolean inPool(String hash) throws Exception {
        return chain.web3j.ethGetTransactionByHash(hash).send().getTransaction().isPresent();
    }

    static boolean never() {
        return false;
    }

    Future<TransactionSender.Result> sendAsync(TransactionSender s, TransactionSender.Done done, Clock clock) {
        return pool.submit(() -> s.send(
                "transfer test", "0x", TRANSFER_GAS, clock.instant().plus(Duration.ofMinutes(1)), done, listener));
    }

    @Test
    void a_transaction_is_returned_once_it_has_the_confirmations_asked_and_they_are_counted_on_the_way()
            throws Exception {
        BigInteger before = nonce(DefaultBlockParameterName.PENDING);
        TransactionSender s = sender(SettlementPolicy.devChain().withConfirmations(3), Clock.systemUTC());

        Future<TransactionSender.Result> result = sendAsync(s, TransactionSenderIT::never, Clock.systemUTC());
        Await.until("the sender waiting at 1 of 3 confirmations", WAIT, () -> confirming.contains(1L));
        assertFalse(result.isDone(), "1 confirmation is not 3");
        chain.anvilRpc("evm_mine");
        Await.until("the sender waiting at 2 of 3 confirmations", WAIT, () -> confirming.contains(2L));
        assertFalse(result.isDone(), "2 confirmations are not 3");
        chain.anvilRpc("evm_mine");

        TransactionSender.Result.Mined mined =
                assertInstanceOf(TransactionSender.Result.Mined.class, result.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        TransactionReceipt r = mined.receipt();
        assertTrue(r.isStatusOK(), r.toString());
        assertEquals(1, sent.size(), "one transaction: " + sent);
        assertEquals(sent.get(0).hash(), r.getTransactionHash());
        assertEquals(before, sent.get(0).nonce(), "the account's next nonce");
        assertTrue(mined.latestBlock() - r.getBlockNumber().longValueExact() + 1 >= 3, "3 confirmations: " + mined);
    }

    @Test
    void consecutive_sends_take_consecutive_nonces() throws Exception {
        BigInteger before = nonce(DefaultBlockParameterName.PENDING);
        TransactionSender s = sender(SettlementPolicy.devChain(), Clock.systemUTC());

        for (int i = 0; i < 3; i++) {
            TransactionSender.Result r =
                    sendAsync(s, TransactionSenderIT::never, Clock.systemUTC()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertInstanceOf(TransactionSender.Result.Mined.class, r);
        }

        assertEquals(
                List.of(before, before.add(BigInteger.ONE), before.add(BigInteger.TWO)),
                sent.stream().map(Sent::nonce).toList());
        assertEquals(before.add(BigInteger.valueOf(3)), nonce(DefaultBlockParameterName.LATEST), "all three mined");
    }

    @Test
    void a_dropped_transaction_is_sent_again_with_its_nonce_and_fees_raised_by_the_bump() throws Exception {
        BigInteger before = nonce(DefaultBlockParameterName.PENDING);
        chain.anvilRpc("evm_setAutomine", false);
        TransactionSender s =
                sender(SettlementPolicy.devChain().withDropTimeout(Duration.ofMillis(500)), Clock.systemUTC());

        Future<TransactionSender.Result> result = sendAsync(s, TransactionSenderIT::never, Clock.systemUTC());
        Await.until("the first transaction in the pool", WAIT, () -> {
            try {
                return !sent.isEmpty() && inPool(sent.get(0).hash());
            } catch (Exception e) {
                return false;
            }
        });
        chain.anvilRpc("anvil_dropTransaction", sent.get(0).hash());
        chain.anvilRpc("evm_setAutomine", true);

        TransactionSender.Result.Mined mined =
                assertInstanceOf(TransactionSender.Result.Mined.class, result.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(2, sent.size(), "sent, dropped, sent again: " + sent);
        assertEquals(sent.get(1).hash(), mined.receipt().getTransactionHash());
        assertEquals(List.of(before, before), sent.stream().map(Sent::nonce).toList(), "the same nonce");
        TransactionSender.Fees first = sent.get(0).fees();
        TransactionSender.Fees again = sent.get(1).fees();
        assertTrue(
                again.maxFeePerGas()
                                .multiply(BigInteger.TEN)
                                .compareTo(first.maxFeePerGas().multiply(BigInteger.valueOf(12)))
                        >= 0,
                "max fee +20%: " + first + " -> " + again);
        assertNull(
                chain.web3j
                        .ethGetTransactionReceipt(sent.get(0).hash())
                        .send()
                        .getTransactionReceipt()
                        .orElse(null),
                "the dropped one never mined");
    }

    @Test
    void a_dropped_transaction_whose_work_is_done_elsewhere_is_not_sent_again() throws Exception {
        chain.anvilRpc("evm_setAutomine", false);
        AtomicBoolean doneElsewhere = new AtomicBoolean();
        AtomicInteger checks = new AtomicInteger();
        TransactionSender s =
                sender(SettlementPolicy.devChain().withDropTimeout(Duration.ofMillis(500)), Clock.systemUTC());

        Future<TransactionSender.Result> result = sendAsync(
                s,
                () -> {
                    checks.incrementAndGet();
                    return doneElsewhere.get();
                },
                Clock.systemUTC());
        Await.until("the transaction in the pool", WAIT, () -> !sent.isEmpty());
        doneElsewhere.set(true);
        chain.anvilRpc("anvil_dropTransaction", sent.get(0).hash());

        assertInstanceOf(TransactionSender.Result.DoneElsewhere.class, result.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(1, sent.size(), "nothing sent after the check said done: " + sent);
        assertTrue(checks.get() >= 1, "the check was asked");
    }

    @Test
    void the_deadline_is_kept_on_the_injected_clock_and_names_what_was_sent() throws Exception {
        chain.anvilRpc("evm_setAutomine", false);
        TestClock clock = TestClock.at(1_800_000_000_000L);
        TransactionSender s = sender(SettlementPolicy.devChain(), clock);

        Future<TransactionSender.Result> result = sendAsync(s, TransactionSenderIT::never, clock);
        Await.until("the transaction sent", WAIT, () -> !sent.isEmpty());
        assertFalse(
                Await.holdsWithin(Duration.ofMillis(500), result::isDone),
                "waiting for a block while the clock stands before the deadline");
        clock.advance(Duration.ofMinutes(2));

        ExecutionException e =
                assertThrows(ExecutionException.class, () -> result.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        SettlementDeadlineException deadline = assertInstanceOf(SettlementDeadlineException.class, e.getCause());
        assertEquals(List.of(sent.get(0).hash()), deadline.sentTransactions());
        assertTrue(deadline.getMessage().contains(sent.get(0).hash()), deadline.getMessage());
        chain.anvilRpc("evm_mine"); // the pending transfer goes, so the next test's nonce is clean
    }
}
