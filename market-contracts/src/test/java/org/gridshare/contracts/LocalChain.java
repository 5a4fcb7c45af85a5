package org.gridshare.contracts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.gridshare.parts.AnvilNode;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/** A real anvil from local-parts plus a web3j client on it, for one test class. */
final class LocalChain implements AutoCloseable {
    final AnvilNode anvil;
    final HttpService http;
    final Web3j web3j;

    private LocalChain(AnvilNode anvil) {
        this.anvil = anvil;
        this.http = new HttpService(anvil.rpcUrl());
        this.web3j = Web3j.build(http);
    }

    /** Calls an anvil-specific JSON-RPC method (evm_setAutomine, evm_mine, ...). */
    Object anvilRpc(String method, Object... params) throws IOException {
        Request<Object, RawResponse> request = new Request<>(method, List.of(params), http, RawResponse.class);
        RawResponse response = request.send();
        if (response.hasError()) {
            throw new IOException(method + ": " + response.getError().getMessage());
        }
        return response.getResult();
    }

    /** Any JSON result, as Jackson maps it. */
    static final class RawResponse extends Response<Object> {}

    static LocalChain start() throws IOException {
        return new LocalChain(AnvilNode.start(repoRoot()));
    }

    /** Surefire runs in the module directory and sets {@code basedir}; the repository is its parent. */
    static Path repoRoot() {
        return Path.of(System.getProperty("basedir", "."))
                .toAbsolutePath()
                .normalize()
                .getParent();
    }

    /** Funded dev account {@code i} (anvil's well-known test keys). */
    Credentials account(int i) {
        return Credentials.create(anvil.devPrivateKeys().get(i));
    }

    @Override
    public void close() {
        web3j.shutdown();
        anvil.close();
    }
}
