package org.gridshare.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Moved from the agent command's test when the command moved into cli: the counters' resume rule. */
class AgentRunTest {
    @Test
    void pulses_resume_from_the_last_signed_register_without_going_below_it() {
        assertEquals(5, AgentRun.pulsesFor(5_000, 1000));
        assertEquals(4, AgentRun.pulsesFor(5_000, 800)); // 4 pulses at 800 imp/kWh = 5000 mWh
        assertEquals(1, AgentRun.pulsesFor(333_333, 3)); // 1 pulse at 3 imp/kWh = floor(1e6 / 3) mWh
        assertEquals(2, AgentRun.pulsesFor(333_334, 3)); // never below the signed register
    }
}
