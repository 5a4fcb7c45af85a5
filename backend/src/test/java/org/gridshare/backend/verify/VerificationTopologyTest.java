package org.gridshare.backend.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.gridshare.backend.registry.MeterDirectory;
import org.gridshare.backend.registry.MeterStanding;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.ZoneIds;
import org.junit.jupiter.api.Test;

/** The topology's shape: one sub-topology, no repartition, so a meter's readings stay in one task in order. */
class VerificationTopologyTest {
    @Test
    void verifies_and_aggregates_in_one_subtopology_without_repartitioning() {
        MeterDirectory none = new MeterDirectory() {
            @Override
            public MeterStanding standing(Address meter) {
                return MeterStanding.unregistered(0);
            }

            @Override
            public Bytes32 zoneId(String topicZone) {
                return ZoneIds.of(topicZone);
            }
        };
        ReadingVerifier verifier = new ReadingVerifier(
                new Eip712Domain(1, Address.fromHex("0x00000000000000000000000000000000000000aa")),
                none,
                Clock.systemUTC());
        TopologyDescription d = VerificationTopology.build(
                        verifier, Duration.ofMinutes(1), Duration.ofSeconds(30), Clock.systemUTC())
                .describe();
        assertEquals(1, d.subtopologies().size(), d.toString());
        Set<String> sinks = new TreeSet<>();
        for (TopologyDescription.Subtopology s : d.subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Sink sink) {
                    sinks.add(sink.topic());
                }
                if (n instanceof TopologyDescription.Source source) {
                    assertEquals(Set.of(Topics.READINGS), source.topicSet());
                }
            }
        }
        assertEquals(new TreeSet<>(Set.of(Topics.READINGS_VERIFIED, Topics.REJECTED, Topics.INTERVALS)), sinks);
        assertFalse(d.toString().contains("repartition"), d.toString());
    }
}
