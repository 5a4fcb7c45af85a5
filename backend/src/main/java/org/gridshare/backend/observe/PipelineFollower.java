package org.gridshare.backend.observe;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.gridshare.backend.RecordJson;
import org.gridshare.backend.kafka.KafkaClients;
import org.gridshare.backend.market.settlement.SettlementRecord;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.backend.verify.VerifiedReading;
import org.gridshare.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Feeds {@link BackendMetrics} from the backend's output topics (read_committed, no consumer group, so
 * it takes nothing from the instances' groups): verified and rejected readings from the moment it
 * starts, every settlement outcome from the beginning (the batches' current status), and the gas of
 * each settlement transaction recorded after it started (its receipt, from the chain).
 */
public final class PipelineFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineFollower.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final BackendMetrics metrics;
    private final Web3j web3j;
    private final Map<TopicPartition, Long> settlementStart;
    private final Thread thread;
    private volatile boolean running = true;

    private PipelineFollower(String bootstrap, BackendMetrics metrics, Web3j web3j) {
        this.metrics = metrics;
        this.web3j = web3j;
        this.consumer = KafkaClients.consumer(bootstrap, null);
        List<TopicPartition> live = KafkaClients.partitions(consumer, Topics.READINGS_VERIFIED, Topics.REJECTED);
        List<TopicPartition> settlement = KafkaClients.partitions(consumer, Topics.SETTLEMENT);
        List<TopicPartition> all = new ArrayList<>(live);
        all.addAll(settlement);
        consumer.assign(all);
        consumer.seekToEnd(live);
        consumer.seekToBeginning(settlement);
        this.settlementStart = consumer.endOffsets(settlement, Duration.ofSeconds(30));
        this.thread = Thread.ofPlatform().name("gridshare-metrics").daemon().start(this::run);
    }

    /** Starts following; {@code web3j} reads settlement receipts (null: no gas figures). */
    public static PipelineFollower start(String bootstrap, BackendMetrics metrics, Web3j web3j) {
        return new PipelineFollower(bootstrap, metrics, web3j);
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        handle(r);
                    } catch (RuntimeException e) {
                        // the backend's own JSON; an unreadable record only costs a figure, never the follower
                        LOG.debug("metrics skip {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
                    }
                }
            }
        } catch (WakeupException | InterruptException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.warn("metrics follower stopped: {}", e.toString());
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
        switch (r.topic()) {
            case Topics.READINGS_VERIFIED -> metrics.verified(RecordJson.read(r.value(), VerifiedReading.class));
            case Topics.REJECTED -> metrics.rejected(RecordJson.read(r.value(), Rejection.class));
            case Topics.SETTLEMENT -> {
                SettlementRecord s = RecordJson.read(r.value(), SettlementRecord.class);
                boolean live =
                        r.offset() >= settlementStart.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L);
                long gas = live && SettlementRecord.SETTLED.equals(s.status()) ? gasOf(s.txHash()) : 0;
                metrics.settlement(s, gas);
            }
            default -> {}
        }
    }

    private long gasOf(String txHash) {
        if (web3j == null || txHash == null) {
            return 0;
        }
        try {
            Optional<TransactionReceipt> receipt =
                    web3j.ethGetTransactionReceipt(txHash).send().getTransactionReceipt();
            return receipt.map(t -> t.getGasUsed().longValueExact()).orElse(0L);
        } catch (IOException | RuntimeException e) {
            LOG.debug("no receipt for {}: {}", txHash, e.toString());
            return 0;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
