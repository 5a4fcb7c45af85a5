package org.gridshare.backend.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gridshare.contracts.MarketDeployment;
import org.gridshare.protocol.Address;

/**
 * Where a market's contracts live, as a small JSON file that {@code ./gridshare local up} writes and
 * {@code backend run} reads ({@code chain.deploymentFile}):
 * {@code {"chainId": 31337, "registry": "0x…", "token": "0x…", "market": "0x…", "fromBlock": 0}}.
 * {@code fromBlock} is the first block of the deployment (where event searches start).
 */
public record DeploymentFile(long chainId, MarketDeployment.Addresses addresses, long fromBlock) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code file}; the exception names the field that is missing or malformed. */
    public static DeploymentFile read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": must be a JSON object");
        }
        return new DeploymentFile(
                number(file, root, "chainId"),
                new MarketDeployment.Addresses(
                        address(file, root, "registry"), address(file, root, "token"), address(file, root, "market")),
                root.has("fromBlock") ? number(file, root, "fromBlock") : 0);
    }

    /** Writes this deployment to {@code file} (replacing it). */
    public void write(Path file) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("chainId", chainId);
        o.put("registry", addresses.registry().toHex());
        o.put("token", addresses.token().toHex());
        o.put("market", addresses.market().toHex());
        o.put("fromBlock", fromBlock);
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
    }

    private static long number(Path file, JsonNode root, String field) throws IOException {
        JsonNode n = root.get(field);
        if (n == null || !n.canConvertToExactIntegral() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new IOException(file + ": " + field + " must be a non-negative whole number");
        }
        return n.asLong();
    }

    private static Address address(Path file, JsonNode root, String field) throws IOException {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual()) {
            throw new IOException(file + ": " + field + " must be a 0x address string");
        }
        try {
            return Address.fromHex(n.asText());
        } catch (RuntimeException e) {
            throw new IOException(file + ": " + field + ": " + e.getMessage(), e);
        }
    }
}
