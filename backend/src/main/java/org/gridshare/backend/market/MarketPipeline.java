package org.gridshare.backend.market;

import java.math.BigInteger;
import java.time.Clock;
import org.gridshare.backend.market.chain.Web3MarketChain;
import org.gridshare.backend.market.orders.CommittedFunds;
import org.gridshare.backend.market.orders.OrderIntake;
import org.gridshare.backend.market.orders.OrderValidator;
import org.gridshare.backend.market.settlement.SettlementJob;
import org.gridshare.backend.market.statements.StatementIntake;
import org.gridshare.backend.market.statements.StatementVerifier;
import org.gridshare.backend.market.statements.VerifiedReadingChains;
import org.gridshare.backend.market.statements.VerifiedReadingFeed;
import org.gridshare.contracts.SettlementSubmitter;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.http.HttpService;

/**
 * The grid operator's market: order intake and clearing, statement intake, settlement, each on its own
 * thread, all state in Kafka and on the chain (docs/architecture.md, "The backend's market pipeline").
 * {@code Backend.start} runs it when the config carries {@link MarketSettings}.
 */
public final class MarketPipeline implements AutoCloseable {
    private final Web3j web3j;
    private final Web3MarketChain chain;
    private final MqttNotifier mqtt;
    private final OrderIntake orders;
    private final VerifiedReadingFeed readings;
    private final StatementIntake statements;
    private final SettlementJob settlement;
    private final Eip712Domain domain;

    private MarketPipeline(
            Web3j web3j,
            Web3MarketChain chain,
            MqttNotifier mqtt,
            OrderIntake orders,
            VerifiedReadingFeed readings,
            StatementIntake statements,
            SettlementJob settlement,
            Eip712Domain domain) {
        this.web3j = web3j;
        this.chain = chain;
        this.mqtt = mqtt;
        this.orders = orders;
        this.readings = readings;
        this.statements = statements;
        this.settlement = settlement;
        this.domain = domain;
    }

    /**
     * Starts the pipeline; returns once the books are rebuilt from Kafka and every consumer is assigned.
     *
     * @param applicationId prefix of consumer groups and client ids (keep it stable: offsets live there)
     * @param clock market time: gate closure, settlement due times, the settlement deadline and drop timeout
     *     (the bridge stamps arrivals with it too)
     */
    public static MarketPipeline start(
            MarketSettings settings,
            String mqttServerUri,
            String kafkaBootstrap,
            String ethRpcUrl,
            Address registry,
            String applicationId,
            Clock clock) {
        Web3j web3j = Web3j.build(new HttpService(ethRpcUrl));
        Web3MarketChain chain = null;
        MqttNotifier mqtt = null;
        OrderIntake orders = null;
        VerifiedReadingFeed readings = null;
        StatementIntake statements = null;
        try {
            long chainId = web3j.ethChainId().send().getChainId().longValueExact();
            Eip712Domain domain = new Eip712Domain(chainId, settings.marketAddress());
            chain = Web3MarketChain.connect(
                    web3j, settings.marketAddress(), registry, settings.chainMaxAge(), clock, settings.logsFromBlock());
            chain.tariffs(); // fail fast on a wrong market address
            mqtt = MqttNotifier.connect(mqttServerUri, applicationId + "-market");
            SettlementSubmitter submitter = SettlementSubmitter.create(
                    web3j,
                    settings.operator(),
                    settings.marketAddress(),
                    settings.settlementPolicy(),
                    clock,
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(settings.logsFromBlock())),
                    null);
            orders = OrderIntake.start(
                    kafkaBootstrap,
                    applicationId + "-market-orders",
                    new OrderValidator(domain, settings, chain, new CommittedFunds()),
                    settings,
                    chain,
                    mqtt,
                    clock);
            readings = VerifiedReadingFeed.start(
                    kafkaBootstrap,
                    "gridshare-market-reading-chains",
                    new VerifiedReadingChains(settings.intervalMs(), VerifiedReadingChains.RETENTION.toMillis()));
            statements = StatementIntake.start(
                    kafkaBootstrap,
                    applicationId + "-market-statements",
                    new StatementVerifier(domain, settings, chain, readings.chains(), clock),
                    mqtt,
                    clock);
            SettlementJob settlement = SettlementJob.start(
                    kafkaBootstrap, applicationId + "-market-settlement", settings, submitter, chain, mqtt, clock);
            return new MarketPipeline(web3j, chain, mqtt, orders, readings, statements, settlement, domain);
        } catch (Exception e) {
            closeQuietly(statements);
            closeQuietly(readings);
            closeQuietly(orders);
            closeQuietly(mqtt);
            web3j.shutdown();
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(
                    "cannot start the market pipeline for " + settings.marketAddress() + " at " + ethRpcUrl + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // already failing; the first error is the one reported
            }
        }
    }

    /** The EIP-712 domain orders and statements are verified in (verifying contract = the market). */
    public Eip712Domain domain() {
        return domain;
    }

    public OrderIntake orders() {
        return orders;
    }

    public StatementIntake statements() {
        return statements;
    }

    public SettlementJob settlement() {
        return settlement;
    }

    /** MQTT messages to households and meters that were given up (docs/architecture.md, delivery to devices). */
    public long notificationsFailed() {
        return mqtt.failed();
    }

    @Override
    public void close() {
        closeAll(settlement, statements, readings, orders, mqtt, chain, web3j::shutdown);
    }

    /** Closes each in turn, every one even when an earlier one fails; the first failure is thrown. */
    private static void closeAll(AutoCloseable... parts) {
        RuntimeException first = null;
        for (AutoCloseable p : parts) {
            try {
                p.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
