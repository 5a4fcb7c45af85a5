package org.gridshare.backend.run;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.gridshare.backend.BackendConfig;
import org.gridshare.backend.auction.PriceRule;
import org.gridshare.backend.ingest.coap.DeviceKeys;
import org.gridshare.backend.market.MarketSettings;
import org.gridshare.backend.mqtt.MqttConnections;
import org.gridshare.config.schema.ConfigException;
import org.gridshare.config.schema.ConfigSchema;
import org.gridshare.contracts.MarketDeployment;
import org.gridshare.contracts.SettlementPolicy;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.keys.KeyFiles;
import org.gridshare.protocol.keys.PemTls;
import org.web3j.crypto.Credentials;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The configuration of {@code ./gridshare backend run}: the YAML file validated against
 * {@code backend-config.schema.yaml} (in {@code firmware-config}, by the validator the agent's
 * configuration uses), defaults filled in, then read once into the {@link BackendAssembly.Settings}
 * with the checks the schema cannot express (the operator key file's mode, a deployment file or both
 * addresses, files that must exist), each reported like a schema error:
 * {@code file:line:column: field: reason}. Relative paths are resolved against the file's directory.
 * The operator key and the MQTT password are read here and appear nowhere else: not in
 * {@link #effectiveYaml()}, not in a log line.
 *
 * @param chainId the chain the market is on (from the deployment file, else asked of the chain at start:
 *     {@code 0} here)
 */
public record RunConfig(
        Path source,
        BackendAssembly.Settings settings,
        MqttConnections.Login mqttLogin,
        Map<String, String> kafkaClientProperties,
        MarketDeployment.Addresses addresses,
        long chainId,
        String logFormat,
        String logLevel,
        String effectiveYaml) {

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    /**
     * Reads and checks {@code file}. {@code chainIdOfRpc} is asked only when the addresses do not come
     * from a deployment file (the EIP-712 domain needs the chain id); {@code clock} is the backend's time.
     */
    public static RunConfig load(Path file, ChainIds chainIdOfRpc, Clock clock) throws ConfigException, IOException {
        Map<String, Object> c = new LinkedHashMap<>(ConfigSchema.backend().validate(file));
        Path base = file.toAbsolutePath().getParent();
        Reader r = new Reader(file, base);

        Map<String, Object> chain = section(c, "chain");
        String rpcUrl = (String) chain.get("rpcUrl");
        MarketDeployment.Addresses addresses;
        long chainId;
        long fromBlock = num(chain, "logsFromBlock");
        if (chain.get("deploymentFile") != null) {
            if (chain.get("registry") != null || chain.get("market") != null) {
                throw ConfigSchema.at(
                        file, "chain.deploymentFile", "give either deploymentFile or registry and market, not both");
            }
            Path df = r.existing("chain.deploymentFile", (String) chain.get("deploymentFile"));
            DeploymentFile d;
            try {
                d = DeploymentFile.read(df);
            } catch (IOException e) {
                throw ConfigSchema.at(file, "chain.deploymentFile", e.getMessage());
            }
            addresses = d.addresses();
            chainId = d.chainId();
            fromBlock = Math.max(fromBlock, d.fromBlock());
        } else {
            if (chain.get("registry") == null || chain.get("market") == null) {
                throw ConfigSchema.at(
                        file, "chain", "needs deploymentFile, or both registry and market (the contract addresses)");
            }
            addresses = new MarketDeployment.Addresses(
                    Address.fromHex((String) chain.get("registry")), null, Address.fromHex((String)
                            chain.get("market")));
            try {
                chainId = chainIdOfRpc.of(rpcUrl);
            } catch (IOException e) {
                throw ConfigSchema.at(file, "chain.rpcUrl", "cannot ask the chain for its id: " + e.getMessage());
            }
        }

        Credentials operator = r.operatorKey((String) c.get("operatorKeyFile"));
        Map<String, Object> mqtt = section(c, "mqtt");
        String mqttUri = (String) mqtt.get("serverUri");
        MqttConnections.Login login = r.mqttLogin(mqtt, mqttUri);

        Map<String, Object> kafka = section(c, "kafka");
        String bootstrap = (String) kafka.get("bootstrapServers");
        Map<String, String> clientProps = new LinkedHashMap<>();
        Map<String, Object> given = section(kafka, "clientProperties");
        if (given != null) {
            given.forEach((k, v) -> clientProps.put(k, String.valueOf(v)));
        }
        for (String key : clientProps.keySet()) {
            if (key.equals("bootstrap.servers")) {
                throw ConfigSchema.at(file, "kafka.clientProperties." + key, "set kafka.bootstrapServers instead");
            }
        }
        Map<String, Object> topics = section(kafka, "topics");
        long replication = num(topics, "replicationFactor");
        long minIsr = num(topics, "minInsyncReplicas");
        if (minIsr > replication) {
            throw ConfigSchema.at(
                    file,
                    "kafka.topics.minInsyncReplicas",
                    "must not exceed replicationFactor (" + replication + "), or no write could succeed");
        }

        Map<String, Object> metering = section(c, "metering");
        Duration interval = Duration.ofSeconds(num(metering, "intervalSeconds"));
        Map<String, Object> m = section(c, "market");
        MarketSettings market = null;
        if (Boolean.TRUE.equals(m.get("enabled"))) {
            long confirmations = num(chain, "confirmations");
            SettlementPolicy policy = confirmations == 1
                    ? SettlementPolicy.devChain()
                    : SettlementPolicy.production().withConfirmations((int) confirmations);
            market = new MarketSettings(
                    addresses.market(),
                    operator,
                    interval,
                    Duration.ofSeconds(num(m, "gateClosureSeconds")),
                    m.get("statementGraceSeconds") == null
                            ? interval
                            : Duration.ofSeconds(num(m, "statementGraceSeconds")),
                    Duration.ofMillis(num(m, "clearingDelayMs")),
                    priceRule((String) m.get("priceRule")),
                    policy,
                    MarketSettings.DEFAULT_CHAIN_MAX_AGE,
                    fromBlock,
                    Duration.ofHours(num(m, "horizonHours")));
        }
        String app = (String) c.get("applicationId");
        String instance = c.get("instanceId") != null ? (String) c.get("instanceId") : hostName();
        BackendConfig backend = new BackendConfig(
                        mqttUri,
                        bootstrap,
                        rpcUrl,
                        addresses.registry(),
                        new Eip712Domain(chainId, addresses.market()),
                        interval,
                        Duration.ofSeconds(num(metering, "graceSeconds")),
                        base.resolve((String) c.get("stateDir")).normalize(),
                        clock,
                        Duration.ofMillis(num(chain, "registryMaxAgeMs")),
                        app,
                        Duration.ofMillis(num(metering, "commitIntervalMs")))
                .withMarket(market);

        Map<String, Object> coap = section(c, "coap");
        BackendAssembly.Coap coapSettings = null;
        if (Boolean.TRUE.equals(coap.get("enabled"))) {
            if (coap.get("pskFile") == null) {
                throw ConfigSchema.at(file, "coap", "pskFile is required when CoAP is enabled");
            }
            Path psk = r.secret("coap.pskFile", (String) coap.get("pskFile"));
            DeviceKeys keys;
            try {
                keys = new DeviceKeys().pskFile(psk);
            } catch (IOException | RuntimeException e) {
                throw ConfigSchema.at(file, "coap.pskFile", e.getMessage());
            }
            coapSettings = new BackendAssembly.Coap((String) coap.get("bind"), (int) num(coap, "port"), keys);
        }
        Map<String, Object> http = section(c, "http");
        BackendAssembly.Http httpSettings = Boolean.TRUE.equals(http.get("enabled"))
                ? new BackendAssembly.Http((String) http.get("bind"), (int) num(http, "port"))
                : null;
        BackendAssembly.Settings settings = new BackendAssembly.Settings(
                backend,
                instance,
                Optional.of((short) replication),
                (int) minIsr,
                Boolean.TRUE.equals(topics.get("create")),
                coapSettings,
                httpSettings);
        Map<String, Object> logging = section(c, "logging");
        return new RunConfig(
                file,
                settings,
                login,
                Map.copyOf(clientProps),
                addresses,
                chainId,
                (String) logging.get("format"),
                (String) logging.get("level"),
                yaml(file, c, instance));
    }

    /** How the chain id is asked of a JSON-RPC endpoint (the real one: {@code eth_chainId}). */
    @FunctionalInterface
    public interface ChainIds {
        long of(String rpcUrl) throws IOException;
    }

    /** Makes the MQTT login and the Kafka client properties the ones every backend client uses. */
    public void applyConnections() {
        if (mqttLogin != null) {
            MqttConnections.configure(settings.backend().mqttServerUri(), mqttLogin);
        }
        org.gridshare.backend.kafka.KafkaClients.configure(settings.backend().kafkaBootstrap(), kafkaClientProperties);
    }

    private static PriceRule priceRule(String name) {
        return switch (name) {
            case "buyer" -> PriceRule.BUYER_SIDE;
            case "seller" -> PriceRule.SELLER_SIDE;
            default -> PriceRule.MIDPOINT;
        };
    }

    private static String hostName() {
        try {
            String h = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
            return h.isEmpty() ? "backend" : h;
        } catch (IOException e) {
            return "backend";
        }
    }

    /** The effective configuration (defaults filled in); it names the key and password files, never their content. */
    private static String yaml(Path file, Map<String, Object> effective, String instance) {
        Map<String, Object> shown = new LinkedHashMap<>(effective);
        shown.putIfAbsent("instanceId", instance);
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return "# effective configuration of " + file + "\n" + new Yaml(o).dump(shown);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> m, String name) {
        return (Map<String, Object>) m.get(name);
    }

    private static long num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).longValue();
    }

    /** Resolves and checks the files the configuration names. */
    private record Reader(Path file, Path base) {
        Path existing(String field, String value) throws ConfigException, IOException {
            Path p = base.resolve(value).normalize();
            if (!Files.isRegularFile(p)) {
                throw ConfigSchema.at(file, field, p + " does not exist or is not a file");
            }
            return p;
        }

        /** A file holding a secret: it must exist and be readable by its owner only. */
        Path secret(String field, String value) throws ConfigException, IOException {
            Path p = existing(field, value);
            if (Files.isSymbolicLink(p)) {
                throw ConfigSchema.at(file, field, p + " is a symbolic link (refused for secrets)");
            }
            Set<PosixFilePermission> perms;
            try {
                perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            } catch (UnsupportedOperationException e) {
                throw ConfigSchema.at(file, field, "the file system of " + p + " has no POSIX permissions");
            }
            Set<PosixFilePermission> open = EnumSet.copyOf(perms);
            open.retainAll(GROUP_OR_OTHERS);
            if (!perms.isEmpty() && !open.isEmpty()) {
                throw ConfigSchema.at(
                        file,
                        field,
                        p + " has mode " + PosixFilePermissions.toString(perms)
                                + ": group or others can read it; chmod 600 it");
            }
            return p;
        }

        Credentials operatorKey(String value) throws ConfigException, IOException {
            Path p = secret("operatorKeyFile", value);
            try {
                return KeyFiles.loadCredentials(p);
            } catch (NoSuchFileException e) {
                throw ConfigSchema.at(file, "operatorKeyFile", p + " does not exist");
            } catch (IOException e) {
                // the key file's own exception names the file and the problem, never the key
                throw ConfigSchema.at(file, "operatorKeyFile", e.getMessage());
            }
        }

        MqttConnections.Login mqttLogin(Map<String, Object> mqtt, String uri) throws ConfigException, IOException {
            String user = (String) mqtt.get("username");
            byte[] password = null;
            if (mqtt.get("passwordFile") != null) {
                if (user == null) {
                    throw ConfigSchema.at(file, "mqtt.passwordFile", "a password needs mqtt.username");
                }
                Path p = secret("mqtt.passwordFile", (String) mqtt.get("passwordFile"));
                password = MqttConnections.passwordOf(Files.readString(p, StandardCharsets.UTF_8));
            }
            Map<String, Object> tls = section(mqtt, "tls");
            javax.net.ssl.SSLSocketFactory factory = null;
            if (tls != null) {
                String scheme = uri.substring(0, uri.indexOf(':')).toLowerCase(Locale.ROOT);
                if (!scheme.equals("ssl") && !scheme.equals("wss")) {
                    throw ConfigSchema.at(
                            file, "mqtt.tls", "TLS settings need an ssl:// or wss:// serverUri, not " + uri);
                }
                if ((tls.get("certFile") == null) != (tls.get("keyFile") == null)) {
                    throw ConfigSchema.at(file, "mqtt.tls", "certFile and keyFile go together (mutual TLS)");
                }
                Path ca = existing("mqtt.tls.caFile", (String) tls.get("caFile"));
                Path cert = tls.get("certFile") == null
                        ? null
                        : existing("mqtt.tls.certFile", (String) tls.get("certFile"));
                Path key = tls.get("keyFile") == null ? null : secret("mqtt.tls.keyFile", (String) tls.get("keyFile"));
                try {
                    factory = PemTls.context(ca, cert, key).getSocketFactory();
                } catch (GeneralSecurityException e) {
                    throw ConfigSchema.at(file, "mqtt.tls", e.getMessage());
                }
            } else if (uri.startsWith("ssl://") || uri.startsWith("wss://")) {
                try {
                    factory = javax.net.ssl.SSLContext.getDefault().getSocketFactory(); // the JVM's trust store
                } catch (GeneralSecurityException e) {
                    throw ConfigSchema.at(file, "mqtt.serverUri", "no default TLS context: " + e.getMessage());
                }
            }
            return user == null && factory == null ? null : new MqttConnections.Login(user, password, factory);
        }
    }
}
