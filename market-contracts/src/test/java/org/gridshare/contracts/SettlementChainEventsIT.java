package org.gridshare.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.gridshare.contracts.generated.EnergyMarket;
import org.gridshare.parts.AnvilNode;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/**
 * {@link SettlementSubmitter} on a real anvil through a re-organisation that removes its mined
 * transaction, with legacy (type-0) transactions, and on a chain without a base fee.
 */
class SettlementChainEventsIT {
    static final long INTERVAL = 1_767_225_600_000L + 40 * 900_000L;
    static final long QUARTER = 900_000L;
    static final long PRICE = 155_000;
    static final Duration WAIT = Duration.ofSeconds(30);
    static LocalChain chain;
    static MarketScenario s;
    static ExecutorService pool;

    record Sent(String hash, BigInteger nonce, TransactionSender.Fees fees) {}

    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final List<Long> confirming = new CopyOnWriteArrayList<>();
    final List<String> reorganised = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void deploy() throws Exception {
        chain = LocalChain.start();
        s = new MarketScenario(chain);
        s.enrol(2);
        pool = Executors.newSingleThreadExecutor();
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

    SettlementSubmitter submitter(SettlementPolicy policy) throws ChainCallException {
        return SettlementSubmitter.create(
                chain.web3j,
                s.operator,
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
                    public void reorganised(Bytes32 batchId, String txHash, long blockNumber) {
                        reorganised.add(txHash);
                    }
                });
    }

    static TransactionReceipt receipt(String hash) throws Exception {
        return chain.web3j
                .ethGetTransactionReceipt(hash)
                .send()
                .getTransactionReceipt()
                .orElse(null);
    }

    static Transaction transaction(String hash) throws Exception {
        return chain.web3j.ethGetTransactionByHash(hash).send().getTransaction().orElse(null);
    }

    static BigInteger nonce() throws Exception {
        return chain.web3j
                .ethGetTransactionCount(s.operator.getAddress(), DefaultBlockParameterName.LATEST)
                .send()
                .getTransactionCount();
    }

    /** Transaction hashes of the BatchSettled events of (ZONE, interval) on the canonical chain. */
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

    /** Market balances of the seller (household 0), the buyer (household 1) and the grid. */
    static List<BigInteger> balances() throws Exception {
        return List.of(
                s.market.balanceOf(s.households.get(0).account()),
                s.market.balanceOf(s.households.get(1).account()),
                s.market.balanceOf(Address.fromHex(s.operator.getAddress())));
    }

    /** A 2-household full delivery at PRICE: seller +1 kWh × price, buyer − price − fee, grid + fee. */
    static List<BigInteger> afterOneSettlement(List<BigInteger> before) {
        return List.of(
                before.get(0).add(BigInteger.valueOf(155_000)),
                before.get(1).subtract(BigInteger.valueOf(165_000)),
                before.get(2).add(BigInteger.valueOf(10_000)));
    }

    @Test
    void a_settlement_removed_by_a_reorganisation_is_sent_again_and_settles_exactly_once() throws Exception {
        long interval = INTERVAL;
        List<BigInteger> before = balances();
        BigInteger nonceBefore = nonce();
        SettlementSubmitter sub =
                submitter(SettlementPolicy.devChain().withConfirmations(3).withDropTimeout(Duration.ofMillis(500)));
        Future<SettlementOutcome> result = pool.submit(() -> sub.submit(s.fullDeliveryBatch(2, interval, PRICE)));
        Await.untilChecked("the submitter waiting at 1 of 3 confirmations", WAIT, () -> confirming.contains(1L));
        String first = sent.get(0).hash();
        TransactionReceipt minedFirst = receipt(first);
        assertTrue(s.market.isSettled(MarketScenario.ZONE, interval), "settled in the block seen");

        // the block holding the settlement is replaced by an empty one at the same height
        chain.anvilRpc("anvil_reorg", 1, List.of());
        assertNotEquals(
                minedFirst.getBlockHash(),
                chain.web3j
                        .ethGetBlockByNumber(DefaultBlockParameter.valueOf(minedFirst.getBlockNumber()), false)
                        .send()
                        .getBlock()
                        .getHash(),
                "re-organised");
        Await.untilChecked("the submitter noticing the re-organisation", WAIT, () -> !reorganised.isEmpty());
        assertFalse(result.isDone(), "not settled while its transaction is gone");
        confirming.clear();
        Await.untilChecked(
                "the settlement mined again and waiting for confirmations", WAIT, () -> confirming.contains(1L));
        chain.anvilRpc("evm_mine");
        chain.anvilRpc("evm_mine");

        SettlementOutcome out = result.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(SettlementOutcome.Status.SETTLED, out.status(), out.toString());
        assertEquals(first, reorganised.get(0));
        TransactionReceipt settling = receipt(out.txHash());
        assertEquals(
                settling.getBlockHash(),
                chain.web3j
                        .ethGetBlockByNumber(DefaultBlockParameter.valueOf(settling.getBlockNumber()), false)
                        .send()
                        .getBlock()
                        .getHash(),
                "the settling block is canonical");
        assertEquals(List.of(out.txHash()), settledEvents(interval), "one BatchSettled event on the canonical chain");
        assertEquals(afterOneSettlement(before), balances(), "money moved exactly once");
        assertEquals(nonceBefore.add(BigInteger.ONE), nonce(), "one nonce used");
        assertTrue(sent.stream().allMatch(t -> t.nonce().equals(nonceBefore)), "every send reused the nonce: " + sent);
        System.out.println("re-organisation: sent " + sent.size() + " transaction(s), settled by " + out.txHash()
                + (out.txHash().equals(first) ? " (the first one, mined again)" : " (a resend)"));
    }

    @Test
    void a_settlement_moved_to_a_later_block_by_a_reorganisation_counts_confirmations_from_there() throws Exception {
        long interval = INTERVAL + 2 * QUARTER;
        List<BigInteger> before = balances();
        SettlementSubmitter sub = submitter(SettlementPolicy.devChain().withConfirmations(3));
        Future<SettlementOutcome> result = pool.submit(() -> sub.submit(s.fullDeliveryBatch(2, interval, PRICE)));
        Await.untilChecked("the submitter waiting at 1 of 3 confirmations", WAIT, () -> confirming.contains(1L));
        String hash = sent.get(0).hash();
        long firstBlock = receipt(hash).getBlockNumber().longValueExact();
        chain.anvilRpc("evm_mine");
        Await.untilChecked("the submitter waiting at 2 of 3 confirmations", WAIT, () -> confirming.contains(2L));
        String raw = (String) chain.anvilRpc("eth_getRawTransactionByHash", hash);

        // the last two blocks are replaced; the same transaction lands in the second of the new ones
        chain.anvilRpc("anvil_reorg", 2, List.of(List.of(raw, 1)));
        TransactionReceipt moved = receipt(hash);
        assertEquals(firstBlock + 1, moved.getBlockNumber().longValueExact(), "moved one block later");
        chain.anvilRpc("evm_mine"); // 3 blocks from the old one, 2 from the new one
        Await.untilChecked(
                "the submitter noticing the move and waiting at 2 of 3, or returning",
                WAIT,
                () -> result.isDone() || reorganised.contains(hash) && confirming.get(confirming.size() - 1) == 2L);
        assertFalse(result.isDone(), "2 confirmations of the new block are not 3");
        chain.anvilRpc("evm_mine");

        SettlementOutcome out = result.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(SettlementOutcome.Status.SETTLED, out.status(), out.toString());
        assertEquals(hash, out.txHash());
        assertEquals(moved.getBlockNumber().longValueExact(), out.blockNumber(), "the block it moved to");
        assertTrue(out.confirmedAtBlock() - out.blockNumber() + 1 >= 3, "3 confirmations of the new block: " + out);
        assertEquals(1, sent.size(), "nothing resent: the transaction was still on the chain");
        assertEquals(List.of(hash), settledEvents(interval));
        assertEquals(afterOneSettlement(before), balances());
    }

    @Test
    void legacy_transactions_settle_and_a_dropped_one_is_repriced_with_the_same_nonce() throws Exception {
        long interval = INTERVAL + QUARTER;
        List<BigInteger> before = balances();
        BigInteger nonceBefore = nonce();
        chain.anvilRpc("evm_setAutomine", false);
        SettlementSubmitter sub = submitter(
                SettlementPolicy.devChain().withLegacyTransactions(true).withDropTimeout(Duration.ofMillis(500)));
        Future<SettlementOutcome> result = pool.submit(() -> sub.submit(s.fullDeliveryBatch(2, interval, PRICE)));
        Await.untilChecked(
                "the first transaction in the pool",
                WAIT,
                () -> !sent.isEmpty() && transaction(sent.get(0).hash()) != null);
        Transaction firstTx = transaction(sent.get(0).hash());
        chain.anvilRpc("anvil_dropTransaction", sent.get(0).hash());
        chain.anvilRpc("evm_setAutomine", true);

        SettlementOutcome out = result.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(SettlementOutcome.Status.SETTLED, out.status(), out.toString());
        assertEquals(2, sent.size(), "sent, dropped, sent again: " + sent);
        assertEquals(sent.get(1).hash(), out.txHash());
        Transaction settling = transaction(out.txHash());
        for (Transaction t : List.of(firstTx, settling)) {
            assertEquals("0x0", t.getType(), "a legacy transaction");
            assertEquals(Long.valueOf(chain.anvil.chainId()), t.getChainId(), "EIP-155 replay protection");
            assertNull(t.getMaxFeePerGasRaw(), "no EIP-1559 fields");
            assertEquals(nonceBefore, t.getNonce(), "the same nonce");
        }
        assertFalse(sent.get(0).fees().eip1559());
        assertEquals(sent.get(0).fees().maxFeePerGas(), firstTx.getGasPrice(), "priced by eth_gasPrice");
        assertTrue(
                settling.getGasPrice()
                                .multiply(BigInteger.TEN)
                                .compareTo(firstTx.getGasPrice().multiply(BigInteger.valueOf(12)))
                        >= 0,
                "gas price +20%: " + firstTx.getGasPrice() + " -> " + settling.getGasPrice());
        assertNull(receipt(sent.get(0).hash()), "the dropped one never mined");
        assertEquals(List.of(out.txHash()), settledEvents(interval));
        assertEquals(afterOneSettlement(before), balances());
        assertEquals(nonceBefore.add(BigInteger.ONE), nonce());
    }

    @Test
    void a_chain_without_a_base_fee_is_priced_by_gas_price_and_cannot_run_the_market() throws Exception {
        Path module = LocalChain.repoRoot().resolve("market-contracts");
        Path wrapper = module.resolve("target/anvil-berlin");
        Path real = module.resolve("node_modules/@foundry-rs/anvil-linux-"
                + (System.getProperty("os.arch").contains("aarch64") ? "arm64" : "amd64") + "/bin/anvil");
        Files.writeString(wrapper, "#!/bin/sh\nexec '" + real + "' --hardfork berlin \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        AnvilNode berlin;
        synchronized (System.getProperties()) {
            System.setProperty(AnvilNode.BINARY_PROPERTY, wrapper.toString());
            try {
                berlin = AnvilNode.start(LocalChain.repoRoot());
            } finally {
                System.clearProperty(AnvilNode.BINARY_PROPERTY);
            }
        }
        Web3j web3j = Web3j.build(new HttpService(berlin.rpcUrl()));
        try {
            assertNull(
                    web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
                            .send()
                            .getBlock()
                            .getBaseFeePerGasRaw(),
                    "a pre-London block has no base fee");

            TransactionSender.Fees fees = TransactionSender.currentFees(web3j, false, "market", "submitBatch");

            assertFalse(fees.eip1559(), "legacy pricing without a base fee");
            assertEquals(web3j.ethGasPrice().send().getGasPrice(), fees.maxFeePerGas());
            // the contracts are built for Prague (PUSH0, transient storage): a pre-London chain cannot run them
            Credentials operator = Credentials.create(berlin.devPrivateKeys().get(0));
            assertThrows(ChainCallException.class, () -> TokenClient.deploy(web3j, operator, "gridshare euro", "gEUR"));
        } finally {
            web3j.shutdown();
            berlin.close();
        }
    }
}
