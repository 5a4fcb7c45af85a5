package org.gridshare.parts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local Ethereum dev chain: anvil from the npm package {@code @foundry-rs/anvil}, run as a guarded
 * child process on 127.0.0.1 with chain id 31337. The dev keys are read from anvil's own start-up
 * banner; they are public knowledge and for tests and the demo only.
 */
public final class AnvilNode implements AutoCloseable {
    /** Environment variable naming the anvil binary, overriding the npm location. */
    public static final String BINARY_ENV = "GRIDSHARE_ANVIL";
    /** System property naming the anvil binary, overriding the environment variable. */
    public static final String BINARY_PROPERTY = "gridshare.anvil";

    static final String NAME = "anvil";
    private static final long CHAIN_ID = 31337;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("Listening on (127\\.0\\.0\\.1:\\d+)");
    private static final Pattern KEY_LINE = Pattern.compile("^\\s*\\((\\d+)\\)\\s+(0x[0-9a-fA-F]{64})\\s*$");
    private static final Pattern HEX_KEY = Pattern.compile("0x[0-9a-fA-F]{64}");

    private final GuardedProcess process;
    private final String rpcUrl;
    private final long chainId;
    private final List<String> devPrivateKeys;
    private final Thread hook;
    private boolean closed;

    private AnvilNode(GuardedProcess process, String rpcUrl, long chainId, List<String> keys) {
        this.process = process;
        this.rpcUrl = rpcUrl;
        this.chainId = chainId;
        this.devPrivateKeys = List.copyOf(keys);
        this.hook = ShutdownHooks.register(NAME, this::close);
    }

    /**
     * Starts anvil from {@code <repoRoot>/market-contracts/node_modules/@foundry-rs/anvil-linux-<arch>/bin/anvil}
     * (or the binary named by {@value #BINARY_PROPERTY} / {@value #BINARY_ENV}) and waits until it listens.
     *
     * @throws AnvilNotInstalledException when the binary is missing
     * @throws PartStartException when anvil does not come up or prints an unexpected banner
     */
    public static AnvilNode start(Path repoRoot) throws IOException {
        Path bin = locate(repoRoot);
        GuardedProcess process = GuardedProcess.start(
                NAME,
                List.of(bin.toString(), "--host", "127.0.0.1", "--port", "0", "--chain-id", Long.toString(CHAIN_ID)),
                null,
                null);
        try {
            String listening =
                    process.awaitLine(l -> LISTENING.matcher(l).find(), "a \"Listening on\" line", START_TIMEOUT);
            Matcher m = LISTENING.matcher(listening);
            if (!m.find()) {
                throw new IllegalStateException("matched line no longer matches: " + listening);
            }
            List<String> banner = process.headLines();
            List<String> keys = parseKeys(banner, process.lastLines());
            long chainId = parseChainId(banner, process.lastLines());
            if (chainId != CHAIN_ID) {
                throw new PartStartException(
                        NAME, "it reports chain id " + chainId + ", asked for " + CHAIN_ID, process.lastLines());
            }
            return new AnvilNode(process, "http://" + m.group(1), chainId, keys);
        } catch (IOException | RuntimeException e) {
            process.close();
            throw e;
        }
    }

    static Path locate(Path repoRoot) throws AnvilNotInstalledException {
        return locate(repoRoot, System.getProperty(BINARY_PROPERTY), System.getenv(BINARY_ENV));
    }

    static Path locate(Path repoRoot, String property, String env) throws AnvilNotInstalledException {
        String override = property;
        String source = "system property " + BINARY_PROPERTY;
        if (override == null || override.isBlank()) {
            override = env;
            source = "environment variable " + BINARY_ENV;
        }
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p;
            }
            throw new AnvilNotInstalledException(List.of(p), source + " names no executable file");
        }
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String pkg = arch.equals("aarch64") || arch.equals("arm64") ? "anvil-linux-arm64" : "anvil-linux-amd64";
        Path p = repoRoot.resolve("market-contracts/node_modules/@foundry-rs")
                .resolve(pkg)
                .resolve("bin/anvil");
        if (Files.isExecutable(p)) {
            return p;
        }
        throw new AnvilNotInstalledException(
                List.of(p),
                "Run npm ci in market-contracts (" + repoRoot.resolve("market-contracts") + ") to install it.");
    }

    private static List<String> parseKeys(List<String> banner, List<String> tail) throws PartStartException {
        int start = banner.indexOf("Private Keys");
        if (start < 0) {
            throw new PartStartException(NAME, "its start-up output has no \"Private Keys\" section", tail);
        }
        List<String> keys = new ArrayList<>();
        for (int i = start + 1; i < banner.size(); i++) {
            String line = banner.get(i);
            if (line.isBlank() || line.startsWith("=")) {
                if (keys.isEmpty()) {
                    continue;
                }
                break;
            }
            Matcher m = KEY_LINE.matcher(line);
            if (!m.matches() || Integer.parseInt(m.group(1)) != keys.size()) {
                throw new PartStartException(
                        NAME, "unexpected line " + (i + 1) + " in its \"Private Keys\" section: " + line, tail);
            }
            keys.add(m.group(2).toLowerCase(Locale.ROOT));
        }
        if (keys.isEmpty() || !keys.stream().allMatch(k -> HEX_KEY.matcher(k).matches())) {
            throw new PartStartException(NAME, "its \"Private Keys\" section lists no keys", tail);
        }
        return keys;
    }

    private static long parseChainId(List<String> banner, List<String> tail) throws PartStartException {
        int start = banner.indexOf("Chain ID");
        for (int i = start + 1; start >= 0 && i < banner.size(); i++) {
            String line = banner.get(i).trim();
            if (line.isEmpty() || line.startsWith("=")) {
                continue;
            }
            try {
                return Long.parseLong(line);
            } catch (NumberFormatException e) {
                throw new PartStartException(
                        NAME, "line " + (i + 1) + " of its \"Chain ID\" section is not a number: " + line, tail);
            }
        }
        throw new PartStartException(NAME, "its start-up output has no \"Chain ID\" section", tail);
    }

    /** JSON-RPC endpoint, {@code http://127.0.0.1:PORT}. */
    public String rpcUrl() {
        return rpcUrl;
    }

    /** The chain id anvil reported at start-up (31337). */
    public long chainId() {
        return chainId;
    }

    /** The funded dev accounts' private keys as anvil printed them (0x + 64 lowercase hex), account 0 first. */
    public List<String> devPrivateKeys() {
        return devPrivateKeys;
    }

    /** Pid of the anvil process itself (not of its guard). */
    public long pid() {
        return process.childPid();
    }

    /** Stops anvil and waits until it has exited. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ShutdownHooks.unregister(hook);
        process.close();
    }

    @Override
    public String toString() {
        return NAME + " " + rpcUrl + " chain " + chainId;
    }
}
