package org.gridshare.agent.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.wire.JsonWire;
import org.junit.jupiter.api.Test;

class CompactReadingTest {
    private static final Eip712Domain DOMAIN =
            new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));

    @Test
    void stored_form_rebuilds_the_identical_wire_json_for_extreme_values() {
        Random random = new Random(42);
        Secp256k1Signer key = Secp256k1Signer.generate();
        long[][] values = {
            {1, 0, 0, 0, 0, 0},
            {-1L, -1L, -1L, -1L, Long.MIN_VALUE, 0xFFFF_FFFFL},
            {random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(), 5}
        };
        for (long[] v : values) {
            byte[] prev = new byte[32];
            random.nextBytes(prev);
            Signed<MeterReading> signed = key.sign(
                    DOMAIN, new MeterReading(key.address(), v[0], v[1], v[2], v[3], v[4], v[5], new Bytes32(prev)));
            byte[] stored = CompactReading.encode(signed);
            assertEquals(CompactReading.LENGTH, stored.length);
            byte[] json = JsonWire.encodeReading(signed);
            assertTrue(stored.length * 2 < json.length, stored.length + " vs " + json.length);
            assertArrayEquals(json, CompactReading.toWire(v[0], stored));
        }
    }

    @Test
    void rows_stored_as_json_before_the_binary_form_are_published_as_they_are() {
        byte[] json = "{\"meter\":\"0x00\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertArrayEquals(json, CompactReading.toWire(7, json));
    }

    @Test
    void rejects_a_truncated_row_naming_its_seq() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> CompactReading.toWire(12, new byte[] {1, 2, 3}));
        assertTrue(e.getMessage().contains("seq 12"), e.getMessage());
    }
}
