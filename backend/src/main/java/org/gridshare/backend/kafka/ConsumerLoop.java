package org.gridshare.backend.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka consumer on its own thread, with the lifecycle every backend consumer shares: subscribe
 * (or assign), poll, hand each non-empty poll to the {@link Batch handler}, commit, run the
 * {@link #afterPoll(Step) after-poll step}; after a failed round back off, let the owner rebuild its
 * state ({@link #onRecovery(Step)}) and rewind to the committed offsets, so the records of the failed
 * round are read again; on {@link #close()} stop and close the consumer.
 *
 * <p>Three ways to read (one factory each): {@link #subscribe} a consumer group (partitions balanced
 * between instances), {@link #assign} every partition to one consumer that still commits as its group,
 * or read {@link #fromBeginning} without a group (the reader's whole state is rebuilt from the topics, so
 * nothing is committed and a failed round is not rewound).
 *
 * <p>Only the loop's thread may touch the consumer once {@link #start()} ran: {@link #caughtUp()} and
 * {@link #endOffsets()} are meant for the handler and the after-poll step (and for the owner before
 * {@code start}).
 *
 * <pre>{@code
 * ConsumerLoop loop = ConsumerLoop.assign("gridshare-market-statements", bootstrap, groupId, Topics.STATEMENTS)
 *         .onRecords(this::round)
 *         .start();
 * }</pre>
 */
public final class ConsumerLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Back-off after a failed round: Kafka or a downstream part is failing, and retrying at once only spins. */
    private static final Duration BACK_OFF = Duration.ofSeconds(1);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final long JOIN_MS = 15_000;

    /** What the loop does with the records of one poll; throwing fails the round (nothing is committed). */
    @FunctionalInterface
    public interface Batch {
        void handle(ConsumerRecords<String, byte[]> records) throws Exception;
    }

    /** A step of the loop besides handling records; throwing fails the round. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private final String name;
    private final KafkaConsumer<String, byte[]> consumer;
    private final boolean commits;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Duration pollTimeout = Duration.ofMillis(100);
    private Batch handler = records -> {};
    private Step afterPoll = () -> {};
    private Step recovery = () -> {};
    private Thread thread;

    private ConsumerLoop(String name, KafkaConsumer<String, byte[]> consumer, boolean commits) {
        this.name = name;
        this.consumer = consumer;
        this.commits = commits;
    }

    /**
     * Subscribes to {@code topics} as consumer group {@code groupId}: partitions are balanced between the
     * group's instances; each resumes from the group's committed offsets (else the earliest).
     */
    public static ConsumerLoop subscribe(String name, String bootstrap, String groupId, List<String> topics) {
        Objects.requireNonNull(groupId, "groupId");
        KafkaConsumer<String, byte[]> c = KafkaClients.consumer(bootstrap, groupId);
        try {
            c.subscribe(topics);
        } catch (RuntimeException e) {
            c.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            throw e;
        }
        return new ConsumerLoop(name, c, true);
    }

    /**
     * Assigns every partition of {@code topics} to this consumer (no rebalances), resuming from the
     * offsets committed as {@code groupId} (else the earliest).
     *
     * @throws IllegalStateException a topic does not exist
     */
    public static ConsumerLoop assign(String name, String bootstrap, String groupId, String... topics) {
        Objects.requireNonNull(groupId, "groupId");
        KafkaConsumer<String, byte[]> c = KafkaClients.consumer(bootstrap, groupId);
        try {
            c.assign(KafkaClients.partitions(c, topics));
        } catch (RuntimeException e) {
            c.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            throw e;
        }
        return new ConsumerLoop(name, c, true);
    }

    /**
     * Reads every partition of {@code topics} from its beginning, without a consumer group: nothing is
     * committed, and a failed round is only retried after the back-off (the handler keeps what it read).
     *
     * @throws IllegalStateException a topic does not exist
     */
    public static ConsumerLoop fromBeginning(String name, String bootstrap, String... topics) {
        KafkaConsumer<String, byte[]> c = KafkaClients.consumer(bootstrap, null);
        try {
            List<TopicPartition> tps = KafkaClients.partitions(c, topics);
            c.assign(tps);
            c.seekToBeginning(tps);
        } catch (RuntimeException e) {
            c.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            throw e;
        }
        return new ConsumerLoop(name, c, false);
    }

    /** How long one poll waits for records (100 ms unless set). */
    public ConsumerLoop pollTimeout(Duration timeout) {
        this.pollTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** Handles the records of every non-empty poll; they are committed after it returns. */
    public ConsumerLoop onRecords(Batch handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /** Runs after every poll, with or without records (after their commit): time-driven work such as clearing. */
    public ConsumerLoop afterPoll(Step step) {
        this.afterPoll = Objects.requireNonNull(step, "step");
        return this;
    }

    /**
     * Runs after a failed round, after the back-off and before the rewind: the owner drops or rebuilds
     * what it derived from the records it will now read again. When it throws, the loop backs off and
     * calls it again before polling.
     */
    public ConsumerLoop onRecovery(Step step) {
        this.recovery = Objects.requireNonNull(step, "step");
        return this;
    }

    /** Starts the loop's thread (a daemon named after the loop); returns this loop. */
    public synchronized ConsumerLoop start() {
        if (thread != null) {
            throw new IllegalStateException(name + " is already started");
        }
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** The current end offset of every partition this consumer has. Only on the loop's thread once started. */
    public Map<TopicPartition, Long> endOffsets() {
        return consumer.endOffsets(consumer.assignment(), WAIT);
    }

    /** True when this consumer has read every partition it has to its current end. Only on the loop's thread. */
    public boolean caughtUp() {
        return caughtUp(endOffsets());
    }

    /** True when this consumer's position has reached {@code end} on every partition in it. Only on the loop's thread. */
    public boolean caughtUp(Map<TopicPartition, Long> end) {
        return KafkaClients.caughtUp(consumer, end);
    }

    private void run() {
        try {
            while (running.get()) {
                try {
                    round();
                } catch (WakeupException e) {
                    throw e;
                } catch (Exception e) {
                    if (!running.get()) {
                        return;
                    }
                    LOG.warn(
                            "{}: round failed; {}",
                            name,
                            commits ? "re-reading from the committed offsets" : "trying again",
                            e);
                    recover();
                }
            }
        } catch (WakeupException e) {
            // close() woke the consumer up: stop
        } finally {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        }
    }

    private void round() throws Exception {
        ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
        if (!records.isEmpty()) {
            handler.handle(records);
            if (commits) {
                consumer.commitSync();
            }
        }
        afterPoll.run();
    }

    private void recover() {
        while (running.get()) {
            backOff();
            try {
                recovery.run();
                if (commits) {
                    rewindToCommitted();
                }
                return;
            } catch (WakeupException e) {
                throw e;
            } catch (Exception e) {
                if (!running.get()) {
                    return;
                }
                LOG.warn("{}: recovering from the failed round failed; trying again", name, e);
            }
        }
    }

    /**
     * Seeks every assigned partition back to its committed offset (its beginning when nothing is
     * committed), so the records of a failed round are read again.
     */
    private void rewindToCommitted() {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, WAIT);
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata c = committed.get(tp);
            if (c == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, c.offset());
            }
        }
    }

    /** Waits {@link #BACK_OFF}, returning early once the loop is stopping. */
    private void backOff() {
        long until = System.nanoTime() + BACK_OFF.toNanos();
        while (running.get() && System.nanoTime() < until) {
            try {
                Thread.sleep(50); // checked against running every 50 ms, so close() is not held up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops the loop: wakes the consumer up, waits for the thread, which closes the consumer. */
    @Override
    public void close() {
        running.set(false);
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT)); // never started: nobody else closes it
            return;
        }
        consumer.wakeup();
        try {
            t.join(JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            LOG.warn("{} did not stop within {} ms; its consumer is closed when it does", name, JOIN_MS);
        }
    }
}
