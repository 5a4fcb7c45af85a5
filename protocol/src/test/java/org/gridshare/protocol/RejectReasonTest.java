package org.gridshare.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RejectReasonTest {
    @Test
    void only_the_backends_own_faults_are_transient() {
        Set<RejectReason> transientOnes = Arrays.stream(RejectReason.values())
                .filter(RejectReason::isTransient)
                .collect(Collectors.toSet());
        assertEquals(
                Set.of(
                        RejectReason.REGISTRY_UNAVAILABLE,
                        RejectReason.INTERNAL_ERROR,
                        RejectReason.READINGS_NOT_VERIFIED),
                transientOnes);
    }

    @Test
    void codes_are_unique_and_stable() {
        Set<Integer> codes = new HashSet<>();
        for (RejectReason r : RejectReason.values()) {
            assertEquals(true, codes.add(r.code()), "code " + r.code() + " twice");
            assertEquals(r, RejectReason.fromCode(r.code()));
        }
        assertEquals(32, RejectReason.SEQ_GAP.code());
        assertEquals(99, RejectReason.INTERNAL_ERROR.code());
    }

    @Test
    void wire_names_match_exactly() {
        assertEquals(Optional.of(RejectReason.SEQ_GAP), RejectReason.named("SEQ_GAP"));
        assertEquals(Optional.empty(), RejectReason.named("seq_gap"));
        assertEquals(Optional.empty(), RejectReason.named("BAD_ROOT"));
        assertEquals(Optional.empty(), RejectReason.named(null));
    }
}
