package org.gridshare.contracts;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.tx.FastRawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * Sends transactions and calls for one contract through a generated web3j wrapper and turns every
 * revert into a {@link ContractRevertException} with the decoded error. A transaction is simulated
 * with {@code eth_call} first, so one that would revert is never sent; a transaction that still
 * fails once mined (another one changed the state in between) is replayed on the state after its
 * block to read the reason.
 */
final class ContractTransactor {
    /** Receipt polling: anvil mines at once, a QBFT chain within a few seconds. */
    static final long POLL_MILLIS = 50;

    static final int POLL_ATTEMPTS = 1_200;

    private final Web3j web3j;
    private final String from;
    private final String contract;
    private final RevertDecoder decoder;

    ContractTransactor(Web3j web3j, Credentials credentials, String contract, RevertDecoder decoder) {
        this.web3j = web3j;
        this.from = credentials.getAddress();
        this.contract = contract;
        this.decoder = decoder;
    }

    /**
     * One nonce-caching transaction manager per (node client, account): every contract client of the
     * same key on the same {@link Web3j} shares it, so their nonces never collide.
     */
    private static final Map<Web3j, Map<String, TransactionManager>> MANAGERS = new WeakHashMap<>();

    /** The shared nonce-caching raw transaction manager of this account, polling every {@value #POLL_MILLIS} ms. */
    static TransactionManager transactionManager(Web3j web3j, Credentials credentials, String what)
            throws ChainCallException {
        synchronized (MANAGERS) {
            Map<String, TransactionManager> byAccount = MANAGERS.computeIfAbsent(web3j, w -> new HashMap<>());
            TransactionManager tm = byAccount.get(credentials.getAddress());
            if (tm == null) {
                tm = newTransactionManager(web3j, credentials, what);
                byAccount.put(credentials.getAddress(), tm);
            }
            return tm;
        }
    }

    private static TransactionManager newTransactionManager(Web3j web3j, Credentials credentials, String what)
            throws ChainCallException {
        long chainId;
        try {
            chainId = web3j.ethChainId().send().getChainId().longValueExact();
        } catch (IOException | RuntimeException e) {
            throw new ChainCallException("(node)", what, "cannot read the chain id: " + e.getMessage(), e);
        }
        return new FastRawTransactionManager(
                web3j, credentials, chainId, new PollingTransactionReceiptProcessor(web3j, POLL_MILLIS, POLL_ATTEMPTS));
    }

    /** Simulates, sends and waits for the receipt of {@code call}. */
    TransactionReceipt send(String function, RemoteFunctionCall<TransactionReceipt> call) throws ChainCallException {
        String data = call.encodeFunctionCall();
        simulate(function, data, DefaultBlockParameterName.LATEST);
        TransactionReceipt receipt;
        try {
            receipt = call.send();
        } catch (TransactionException e) {
            TransactionReceipt failed = e.getTransactionReceipt().orElse(null);
            if (failed != null && failed.getBlockNumber() != null) {
                // replay on the state after the block that mined it: the transaction that got in first
                // (and made this one fail) is part of that state
                simulate(function, data, DefaultBlockParameter.valueOf(failed.getBlockNumber()));
            }
            throw new ChainCallException(contract, function, e.getMessage(), e);
        } catch (Exception e) {
            throw new ChainCallException(contract, function, String.valueOf(e.getMessage()), e);
        }
        if (!receipt.isStatusOK()) {
            throw new ChainCallException(
                    contract,
                    function,
                    "transaction " + receipt.getTransactionHash() + " failed with status " + receipt.getStatus(),
                    null);
        }
        return receipt;
    }

    /** Runs a view through its wrapper, decoding a revert. */
    <T> T call(String function, RemoteFunctionCall<T> call) throws ChainCallException {
        try {
            return call.send();
        } catch (Exception e) {
            simulate(function, call.encodeFunctionCall(), DefaultBlockParameterName.LATEST);
            throw new ChainCallException(contract, function, String.valueOf(e.getMessage()), e);
        }
    }

    private void simulate(String function, String data, DefaultBlockParameter block) throws ChainCallException {
        EthCall result;
        try {
            result = web3j.ethCall(Transaction.createEthCallTransaction(from, contract, data), block)
                    .send();
        } catch (IOException e) {
            throw new ChainCallException(contract, function, "node unreachable: " + e.getMessage(), e);
        }
        if (result.hasError()
                && result.getError().getData() == null
                && !result.getError().getMessage().contains("revert")) {
            throw new ChainCallException(
                    contract,
                    function,
                    "node error " + result.getError().getCode() + ": "
                            + result.getError().getMessage(),
                    null);
        }
        if (result.hasError() || result.isReverted()) {
            String revertData = result.hasError() ? result.getError().getData() : result.getRevertReasonEncodedData();
            throw new ContractRevertException(contract, function, decoder.decode(unquote(revertData)));
        }
    }

    /** web3j keeps a JSON-RPC error's {@code data} as JSON text, so a hex string arrives quoted. */
    static String unquote(String data) {
        if (data == null) {
            return null;
        }
        String t = data.trim();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }
}
