package org.gridshare.backend;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.gridshare.backend.market.MarketSettings;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;

/**
 * Everything the backend needs to run.
 *
 * @param mqttServerUri MQTT 5 broker, e.g. {@code tcp://127.0.0.1:18830}
 * @param kafkaBootstrap Kafka bootstrap servers
 * @param ethRpcUrl JSON-RPC endpoint of the chain holding the MeterRegistry
 * @param registryAddress the MeterRegistry contract
 * @param readingDomain the EIP-712 domain meters sign readings in
 * @param interval length of an aggregation interval (default 15 min; the demo uses 1 min)
 * @param grace how long after an interval's end late readings still count
 * @param stateDir Kafka Streams state directory
 * @param clock the time source (verifiedAtMs, receivedMs, registry cache age)
 * @param registryMaxAge how long a registry answer is trusted before the chain is asked again; the
 *     longest a revocation can go unnoticed
 * @param applicationId Streams application id and prefix of client ids; instances with the same id
 *     share the work
 * @param commitInterval Streams commit interval: with exactly-once, output becomes visible at commit,
 *     so this bounds the verification latency
 * @param market the market pipeline's settings (orders, clearing, statements, settlement); null runs
 *     the metering path only
 */
public record BackendConfig(
        String mqttServerUri,
        String kafkaBootstrap,
        String ethRpcUrl,
        Address registryAddress,
        Eip712Domain readingDomain,
        Duration interval,
        Duration grace,
        Path stateDir,
        Clock clock,
        Duration registryMaxAge,
        String applicationId,
        Duration commitInterval,
        MarketSettings market) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(15);
    public static final Duration DEFAULT_REGISTRY_MAX_AGE = Duration.ofSeconds(2);
    public static final String DEFAULT_APPLICATION_ID = "gridshare-backend";
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);

    public BackendConfig {
        Objects.requireNonNull(mqttServerUri, "mqttServerUri");
        Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
        Objects.requireNonNull(ethRpcUrl, "ethRpcUrl");
        Objects.requireNonNull(registryAddress, "registryAddress");
        Objects.requireNonNull(readingDomain, "readingDomain");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(registryMaxAge, "registryMaxAge");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(commitInterval, "commitInterval");
        if (interval.toMillis() < 1000 || interval.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("interval must be whole seconds, at least 1 s: " + interval);
        }
        if (grace.isNegative() || registryMaxAge.isNegative()) {
            throw new IllegalArgumentException("grace and registryMaxAge must not be negative");
        }
    }

    /** The configuration without a market. */
    public BackendConfig(
            String mqttServerUri,
            String kafkaBootstrap,
            String ethRpcUrl,
            Address registryAddress,
            Eip712Domain readingDomain,
            Duration interval,
            Duration grace,
            Path stateDir,
            Clock clock,
            Duration registryMaxAge,
            String applicationId,
            Duration commitInterval) {
        this(
                mqttServerUri,
                kafkaBootstrap,
                ethRpcUrl,
                registryAddress,
                readingDomain,
                interval,
                grace,
                stateDir,
                clock,
                registryMaxAge,
                applicationId,
                commitInterval,
                null);
    }

    /** The configuration with default registry max age, application id and commit interval. */
    public BackendConfig(
            String mqttServerUri,
            String kafkaBootstrap,
            String ethRpcUrl,
            Address registryAddress,
            Eip712Domain readingDomain,
            Duration interval,
            Duration grace,
            Path stateDir,
            Clock clock) {
        this(
                mqttServerUri,
                kafkaBootstrap,
                ethRpcUrl,
                registryAddress,
                readingDomain,
                interval,
                grace,
                stateDir,
                clock,
                DEFAULT_REGISTRY_MAX_AGE,
                DEFAULT_APPLICATION_ID,
                DEFAULT_COMMIT_INTERVAL);
    }

    /** A copy with another registry max age. */
    public BackendConfig withRegistryMaxAge(Duration maxAge) {
        return new BackendConfig(
                mqttServerUri,
                kafkaBootstrap,
                ethRpcUrl,
                registryAddress,
                readingDomain,
                interval,
                grace,
                stateDir,
                clock,
                maxAge,
                applicationId,
                commitInterval,
                market);
    }

    /** A copy with another application id (separate consumer group, state and MQTT session). */
    public BackendConfig withApplicationId(String id) {
        return new BackendConfig(
                mqttServerUri,
                kafkaBootstrap,
                ethRpcUrl,
                registryAddress,
                readingDomain,
                interval,
                grace,
                stateDir,
                clock,
                registryMaxAge,
                id,
                commitInterval,
                market);
    }

    /** A copy with another Streams commit interval. */
    public BackendConfig withCommitInterval(Duration commit) {
        return new BackendConfig(
                mqttServerUri,
                kafkaBootstrap,
                ethRpcUrl,
                registryAddress,
                readingDomain,
                interval,
                grace,
                stateDir,
                clock,
                registryMaxAge,
                applicationId,
                commit,
                market);
    }

    /** A copy that also runs the market pipeline with {@code settings} (null: metering only). */
    public BackendConfig withMarket(MarketSettings settings) {
        return new BackendConfig(
                mqttServerUri,
                kafkaBootstrap,
                ethRpcUrl,
                registryAddress,
                readingDomain,
                interval,
                grace,
                stateDir,
                clock,
                registryMaxAge,
                applicationId,
                commitInterval,
                settings);
    }
}
