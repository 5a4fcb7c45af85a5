package org.gridshare.backend.verify;

import org.gridshare.protocol.Topics;

/**
 * How much of the machine the verification uses.
 *
 * @param streamThreads Kafka Streams threads of this instance ({@code num.stream.threads}); each runs
 *     its share of the {@link Topics#READINGS} partitions, so threads beyond the partition count (summed
 *     over all instances) idle. Default: the available processors, since signer recovery is CPU-bound
 *     and each thread verifies its partitions on one core.
 * @param readingPartitions partitions a new {@link Topics#READINGS} topic (and the topics keyed like it)
 *     should get so that every thread of {@code instances} instances has one: at least
 *     {@code streamThreads × instances}; default {@code max(Topics.PARTITIONS, streamThreads)} for one
 *     instance. An existing topic keeps its count (Kafka can add partitions but that moves keys).
 */
public record VerificationSettings(int streamThreads, int readingPartitions) {
    public VerificationSettings {
        if (streamThreads < 1) {
            throw new IllegalArgumentException("streamThreads must be at least 1, got " + streamThreads);
        }
        if (readingPartitions < 1) {
            throw new IllegalArgumentException("readingPartitions must be at least 1, got " + readingPartitions);
        }
    }

    /** One thread per available processor, partitions for one instance. */
    public static VerificationSettings defaults() {
        return forCores(Runtime.getRuntime().availableProcessors(), 1);
    }

    /** {@code cores} threads per instance and partitions for {@code instances} of them. */
    public static VerificationSettings forCores(int cores, int instances) {
        return new VerificationSettings(cores, Math.max(Topics.PARTITIONS, cores * instances));
    }
}
