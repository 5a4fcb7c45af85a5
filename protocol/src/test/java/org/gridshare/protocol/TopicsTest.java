package org.gridshare.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicsTest {
    private static final Address METER = Address.fromHex("0xF39FD6E51AAD88F6F4CE6AB8827279CFFFB92266");

    @Test
    void device_topics_use_the_lowercase_address_and_parse_back() {
        String fills = Topics.fills("zone-a", METER);
        assertEquals("gridshare/v1/zone-a/0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266/fills", fills);
        assertEquals(Optional.of(new Topics.Device("zone-a", METER.toHex(), Topics.FILLS_KIND)), Topics.parse(fills));
        assertEquals(
                Topics.of("zone-a", METER.toHex(), Topics.STATEMENT_ACKS_KIND), Topics.statementAcks("zone-a", METER));
        assertEquals("gridshare/v1/+/+/readings", Topics.filter(Topics.READINGS_KIND));
    }

    @Test
    void parse_lowercases_the_device_and_refuses_other_shapes() {
        assertEquals(
                "0xabcdef",
                Topics.parse("gridshare/v1/z/0xABCDEF/readings").orElseThrow().device());
        for (String bad : new String[] {
            null, "gridshare/v1/z/d", "gridshare/v2/z/d/readings", "gridshare/v1//d/readings", "gridshare/v1/z/d/r/x"
        }) {
            assertEquals(Optional.empty(), Topics.parse(bad), String.valueOf(bad));
        }
    }

    @Test
    void a_zone_from_configuration_must_be_one_topic_segment() {
        for (String bad : new String[] {"", "a/b", "a+", "#", "a b"}) {
            assertThrows(IllegalArgumentException.class, () -> Topics.readings(bad, METER), bad);
        }
    }

    @Test
    void every_kafka_topic_has_the_same_partition_count() {
        assertEquals(10, Topics.all().size());
        Topics.all().values().forEach(p -> assertEquals(Topics.PARTITIONS, p));
    }

    @Test
    void zone_ids_take_a_hex_id_as_is_and_hash_any_other_name() {
        String id = "0x" + "Ab".repeat(32);
        assertEquals(Bytes32.fromHex(id), ZoneIds.of(id));
        assertEquals(
                new Bytes32(org.web3j.crypto.Hash.sha3("zone-a".getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                ZoneIds.of("zone-a"));
        // 66 characters starting 0x but not hex: a name like any other
        String lookalike = "0x" + "zz".repeat(32);
        assertEquals(
                new Bytes32(org.web3j.crypto.Hash.sha3(lookalike.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                ZoneIds.of(lookalike));
    }
}
