package org.gridshare.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadingChainTest {
    private final Eip712Domain domain = new Eip712Domain(31337, Address.fromHex("0x" + "ab".repeat(20)));
    private final Address meter = Address.fromHex("0x" + "cd".repeat(20));

    private List<MeterReading> chain(int n) {
        List<MeterReading> out = new ArrayList<>();
        Bytes32 prev = Bytes32.ZERO;
        for (int i = 0; i < n; i++) {
            MeterReading r = new MeterReading(meter, i + 1, 1_764_000_000_000L + 1000L * i, 100L * i, 0, -500, 0, prev);
            out.add(r);
            prev = ReadingChain.link(domain, r);
        }
        return out;
    }

    @Test
    void links_each_reading_to_the_digest_of_the_previous_one() {
        List<MeterReading> c = chain(5);
        assertEquals(Bytes32.ZERO, c.get(0).prev());
        for (int i = 1; i < c.size(); i++) {
            assertEquals(Eip712.digest(domain, c.get(i - 1)), c.get(i).prev());
            assertTrue(ReadingChain.follows(domain, c.get(i - 1), c.get(i)));
        }
    }

    @Test
    void detects_a_tampered_or_reordered_predecessor() {
        List<MeterReading> c = chain(3);
        MeterReading first = c.get(0);
        MeterReading tampered = new MeterReading(
                meter,
                first.seq(),
                first.timeMs(),
                first.importMilliWh() + 1,
                first.exportMilliWh(),
                first.powerMilliW(),
                first.status(),
                first.prev());
        assertFalse(ReadingChain.follows(domain, tampered, c.get(1)));
        assertFalse(ReadingChain.follows(domain, c.get(1), c.get(0)));
        assertFalse(ReadingChain.follows(domain, c.get(0), c.get(2)));
        Eip712Domain other = new Eip712Domain(1, domain.verifyingContract());
        assertFalse(ReadingChain.follows(other, c.get(0), c.get(1)));
    }

    @Test
    void requires_a_strictly_greater_unsigned_sequence() {
        MeterReading big = new MeterReading(meter, Long.MAX_VALUE + 1, 0, 0, 0, 0, 0, Bytes32.ZERO);
        MeterReading reused =
                new MeterReading(meter, Long.MAX_VALUE + 1, 1, 0, 0, 0, 0, ReadingChain.link(domain, big));
        MeterReading after = new MeterReading(meter, Long.MAX_VALUE + 2, 1, 0, 0, 0, 0, ReadingChain.link(domain, big));
        assertFalse(ReadingChain.follows(domain, big, reused));
        assertTrue(ReadingChain.follows(domain, big, after));
    }
}
