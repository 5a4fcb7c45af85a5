package org.gridshare.parts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnvilNodeIT {
    private static final Pattern RESULT = Pattern.compile("\"result\"\\s*:\\s*\"(0x[0-9a-fA-F]+)\"");
    static AnvilNode anvil;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        anvil = AnvilNode.start(RepoRoot.find());
    }

    @AfterAll
    static void close_ends_the_anvil_process_and_is_idempotent() {
        long pid = anvil.pid();
        anvil.close();
        assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "anvil " + pid + " still runs");
        anvil.close();
    }

    private String rpc(String method) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(anvil.rpcUrl()))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":[]}"))
                .build();
        String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = RESULT.matcher(body);
        assertTrue(m.find(), method + " answered " + body);
        return m.group(1);
    }

    @Test
    void rpc_url_is_a_loopback_http_address_and_only_loopback_listens() throws Exception {
        assertTrue(anvil.rpcUrl().matches("http://127\\.0\\.0\\.1:\\d+"), anvil.rpcUrl());
        Loopback.assertNotReachableFromOtherAddresses(URI.create(anvil.rpcUrl()).getPort());
    }

    @Test
    void answers_eth_chainId_with_31337() throws Exception {
        assertEquals(31337L, Long.decode(rpc("eth_chainId")));
        assertEquals(31337L, anvil.chainId());
    }

    @Test
    void a_fresh_chain_is_at_block_zero() throws Exception {
        assertEquals(0L, Long.decode(rpc("eth_blockNumber")));
    }

    @Test
    void parses_ten_distinct_dev_keys_from_its_banner() {
        assertEquals(10, anvil.devPrivateKeys().size());
        anvil.devPrivateKeys().forEach(k -> assertTrue(k.matches("0x[0-9a-f]{64}"), k));
        assertEquals(10, new HashSet<>(anvil.devPrivateKeys()).size());
    }

    @Test
    void a_missing_binary_names_the_path_and_the_npm_command(@TempDir Path notARepo) {
        var e = assertThrows(AnvilNotInstalledException.class, () -> AnvilNode.locate(notARepo, null, null));
        assertTrue(
                e.getMessage()
                        .contains(notARepo.resolve("market-contracts/node_modules/@foundry-rs")
                                .toString()),
                e.getMessage());
        assertTrue(e.getMessage().contains("npm ci in market-contracts"), e.getMessage());
    }

    @Test
    void an_override_that_is_not_executable_is_rejected(@TempDir Path dir) {
        var e = assertThrows(
                AnvilNotInstalledException.class,
                () -> AnvilNode.locate(dir, null, dir.resolve("no-such-anvil").toString()));
        assertTrue(e.getMessage().contains(AnvilNode.BINARY_ENV), e.getMessage());
    }
}
