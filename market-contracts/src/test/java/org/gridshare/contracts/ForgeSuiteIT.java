package org.gridshare.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the Solidity tests (src/test/solidity) with the native forge binary from npm and fails when
 * forge does. The binary is started directly: the npm {@code forge} wrapper exits 0 even on failures.
 * forge's output goes to the test log. An integration test (verify), not a unit test: the tests themselves run
 * in forge's own EVM in well under a second, but from a clean build forge first compiles every contract and test
 * with solcjs through the IR pipeline (via_ir), which took 247 s of a loaded 2-core machine.
 */
class ForgeSuiteIT {
    /** At least the tests written in src/test/solidity when this was written; a lost suite fails here. */
    static final int MIN_TESTS = 60;

    static final Pattern SUMMARY = Pattern.compile("(\\d+) tests passed, (\\d+) failed, (\\d+) skipped");

    @Test
    void solidity_tests_pass_under_forge() throws Exception {
        Path module = LocalChain.repoRoot().resolve("market-contracts");
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String pkg = arch.equals("aarch64") || arch.equals("arm64") ? "forge-linux-arm64" : "forge-linux-amd64";
        Path forge = module.resolve("node_modules/@foundry-rs").resolve(pkg).resolve("bin/forge");
        assertTrue(Files.isExecutable(forge), forge + " missing: the build runs npm ci in market-contracts");

        Process p = new ProcessBuilder(forge.toString(), "test", "--color", "never")
                .directory(module.toFile())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                System.out.println("[forge] " + line);
                lines.add(line);
            }
        }
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("forge did not finish within 5 minutes");
        }
        int exit = p.exitValue();
        Matcher summary = lines.stream()
                .map(SUMMARY::matcher)
                .filter(Matcher::find)
                .reduce((a, b) -> b)
                .orElseThrow(
                        () -> new AssertionError("forge printed no summary line, exit " + exit + ": " + tail(lines)));
        int passed = Integer.parseInt(summary.group(1));
        int failed = Integer.parseInt(summary.group(2));
        assertEquals(0, failed, "forge failures: " + tail(lines));
        assertEquals(0, exit, "forge exit status: " + tail(lines));
        assertTrue(passed >= MIN_TESTS, "forge ran only " + passed + " tests");
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
