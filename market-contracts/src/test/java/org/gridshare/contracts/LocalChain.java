package org.gridshare.contracts;

import java.io.IOException;
import java.nio.file.Path;
import org.gridshare.localgrid.AnvilNode;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** A real anvil from local-grid plus a web3j client on it, for one test class. */
final class LocalChain implements AutoCloseable {
    final AnvilNode anvil;
    final Web3j web3j;

    private LocalChain(AnvilNode anvil) {
        this.anvil = anvil;
        this.web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
    }

    static LocalChain start() throws IOException {
        return new LocalChain(AnvilNode.start(repoRoot()));
    }

    /** Surefire runs in the module directory and sets {@code basedir}; the repository is its parent. */
    static Path repoRoot() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
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
