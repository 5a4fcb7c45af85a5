package org.gridshare.cli.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.gridshare.backend.BackendConfig;
import org.gridshare.backend.run.DeploymentFile;
import org.gridshare.cli.demo.DemoMarket;
import org.gridshare.contracts.ChainCallException;
import org.gridshare.contracts.RegistryClient;
import org.gridshare.parts.AnvilNode;
import org.gridshare.parts.EmbeddedHiveMq;
import org.gridshare.parts.KafkaNode;
import org.gridshare.parts.MqttBroker;
import org.gridshare.parts.RepoRoot;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.ZoneIds;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The embedded parts of a local microgrid and its market, as {@code ./gridshare local up} and
 * {@code ./gridshare demo} both bring them up: HiveMQ CE (MQTT 5), a KRaft Kafka broker and anvil,
 * started side by side in a work directory; the MeterRegistry (operator = anvil's account 0, installer =
 * account 1) and the market deployed through {@link DemoMarket} ({@code MarketDeployment}); households
 * are anvil's accounts 2 and up. The backend settings for these parts come from {@link #backendConfig}.
 * Everything started is stopped by {@link #close()}, in reverse order.
 */
public final class LocalGrid implements AutoCloseable {
    /** The zone every local household is in. */
    public static final String ZONE = "zone-1";

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private MqttBroker broker;
    private KafkaNode kafka;
    private AnvilNode anvil;
    private Web3j web3j;
    private Credentials operator;
    private RegistryClient registryAsInstaller;
    private List<Credentials> households;
    private DemoMarket market;
    private long fromBlock;

    private LocalGrid() {}

    /**
     * Starts the three parts in {@code work} and deploys the market with {@code householdCount} funded
     * households (1..8: anvil's dev accounts); {@code out} gets one line per part.
     */
    public static LocalGrid start(Path work, int householdCount, PrintStream out) throws Exception {
        LocalGrid g = new LocalGrid();
        try {
            g.startParts(work, out);
            g.deploy(householdCount, out);
            return g;
        } catch (Exception e) {
            g.close();
            throw e;
        }
    }

    private void startParts(Path work, PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        Path root = RepoRoot.find();
        // the three parts do not depend on each other: start them side by side
        ExecutorService starter = Executors.newFixedThreadPool(3);
        try {
            Future<MqttBroker> brokerStart = starter.submit(() -> keep(EmbeddedHiveMq.start(work.resolve("mqtt"))));
            Future<KafkaNode> kafkaStart = starter.submit(() -> keep(KafkaNode.start(work.resolve("kafka"))));
            Future<AnvilNode> anvilStart = starter.submit(() -> keep(AnvilNode.start(root)));
            broker = brokerStart.get();
            kafka = kafkaStart.get();
            anvil = anvilStart.get();
        } finally {
            starter.shutdown();
        }
        out.printf("  MQTT 5 broker   %-22s %s%n", broker.name(), broker.serverUri());
        out.printf("  Kafka (KRaft)   %-22s %s%n", "in-process broker", kafka.bootstrapServers());
        out.printf("  chain           %-22s %s (chain id %d)%n", "anvil", anvil.rpcUrl(), anvil.chainId());
        out.printf("  (real parts up in %.1f s)%n", (System.nanoTime() - t0) / 1e9);
    }

    private void deploy(int householdCount, PrintStream out) throws ChainCallException, IOException {
        web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
        keep(web3j::shutdown);
        fromBlock = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        List<String> devKeys = anvil.devPrivateKeys();
        operator = Credentials.create(devKeys.get(0));
        Credentials installer = Credentials.create(devKeys.get(1));
        RegistryClient registryAsOperator = RegistryClient.deploy(web3j, operator);
        registryAsOperator.grantInstaller(Address.fromHex(installer.getAddress()));
        registryAsInstaller = RegistryClient.load(web3j, installer, registryAsOperator.address());
        out.printf(
                "  MeterRegistry   %-22s %s%n",
                "deployed", registryAsOperator.address().toHex());
        households = new ArrayList<>();
        for (int i = 0; i < householdCount; i++) {
            households.add(Credentials.create(devKeys.get(2 + i)));
        }
        market = DemoMarket.deploy(web3j, operator, registryAsOperator, households);
        out.printf(
                "  EnergyMarket    %-22s %s, tariffs feed-in %s / retail %s / grid fee %s per kWh, %s deposited each%n",
                "deployed",
                market.address().toHex(),
                DemoMarket.tokens(DemoMarket.FEED_IN),
                DemoMarket.tokens(DemoMarket.RETAIL),
                DemoMarket.tokens(DemoMarket.GRID_FEE),
                DemoMarket.tokens(DemoMarket.DEPOSIT));
    }

    private <T extends AutoCloseable> T keep(T part) {
        synchronized (parts) {
            parts.push(part);
        }
        return part;
    }

    /**
     * The backend's settings for these parts: readings, statements and orders signed in the market's
     * domain, the market with {@code interval}'s gate closure and grace (see {@link DemoMarket}).
     */
    public BackendConfig backendConfig(Duration interval, Path stateDir, Clock clock) {
        return new BackendConfig(
                        broker.serverUri(),
                        kafka.bootstrapServers(),
                        anvil.rpcUrl(),
                        registry(),
                        domain(),
                        interval,
                        Duration.ofSeconds(10),
                        stateDir,
                        clock)
                .withMarket(market.backendSettings(operator, interval));
    }

    /** Registers {@code meter} to household {@code index}'s account in {@link #ZONE}, as the installer. */
    public void register(Address meter, int index) throws ChainCallException {
        registryAsInstaller.registerMeter(meter, household(index), zoneId());
    }

    /** Where the contracts live, as {@code backend run}'s {@code chain.deploymentFile} reads it. */
    public DeploymentFile deployment() {
        return new DeploymentFile(anvil.chainId(), market.addresses(), fromBlock);
    }

    public Eip712Domain domain() {
        return new Eip712Domain(anvil.chainId(), market.address());
    }

    public Bytes32 zoneId() {
        return ZoneIds.of(ZONE);
    }

    public Address registry() {
        return market.addresses().registry();
    }

    public MqttBroker broker() {
        return broker;
    }

    public KafkaNode kafka() {
        return kafka;
    }

    public AnvilNode anvil() {
        return anvil;
    }

    public DemoMarket market() {
        return market;
    }

    public Credentials operator() {
        return operator;
    }

    /** Household {@code index}'s key (its trading account). */
    public Credentials householdKey(int index) {
        return households.get(index);
    }

    public Address household(int index) {
        return Address.fromHex(households.get(index).getAddress());
    }

    public int households() {
        return households.size();
    }

    /** Removes {@code dir} and everything in it. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() {
        synchronized (parts) {
            while (!parts.isEmpty()) {
                AutoCloseable p = parts.pop();
                try {
                    p.close();
                } catch (Exception e) {
                    System.err.println("while stopping " + p + ": " + e);
                }
            }
        }
    }
}
