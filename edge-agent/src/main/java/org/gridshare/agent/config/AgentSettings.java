package org.gridshare.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import org.gridshare.protocol.Eip712Domain;

/**
 * The agent itself: where its keys and outbox live, its zone and reading period, and the EIP-712 domain
 * (the {@code chain} section) its readings are signed for.
 */
public record AgentSettings(
        Path dataDir, String zone, Path meterKeyFile, Duration readingPeriod, Eip712Domain domain) {}
