package org.gridshare.parts;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RepoRootTest {
    @Test
    void finds_the_checkout_holding_mvnw_and_market_contracts() {
        Path root = RepoRoot.find();
        assertTrue(Files.isRegularFile(root.resolve("mvnw")), root.toString());
        assertTrue(Files.isDirectory(root.resolve("market-contracts")), root.toString());
        assertTrue(Files.isDirectory(root.resolve("local-parts")), root.toString());
    }
}
