package org.gridshare.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.gridshare.protocol.wire.JsonObject;
import org.gridshare.protocol.wire.StrictJson;
import org.gridshare.protocol.wire.WireFormatException;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

class CommissioningRecordTest {
    static CommissioningRecord sample(String meterId, String protocolVersion) {
        return new CommissioningRecord(
                1,
                "box-17",
                Address.fromHex("0x90f79bf6eb2c4f870365e785982e1f101e93b906"),
                Address.fromHex("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"),
                meterId,
                "dsmr",
                protocolVersion,
                "/dev/serial/by-id/usb-FTDI_P1-if00-port0",
                "115200 8N1",
                6_825_000L,
                2_444_000L,
                "zone-a",
                Address.fromHex("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"),
                1_796_000_000_000L,
                1,
                1_796_003_600_000L,
                31337,
                Address.fromHex("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"));
    }

    static final String CANONICAL = "{\"boxId\":\"box-17\",\"chainId\":31337,\"commissionedAtMs\":1796000000000,"
            + "\"exportMilliWh\":2444000,\"genesisSeq\":1,\"household\":\"0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc\","
            + "\"importMilliWh\":6825000,\"installer\":\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\","
            + "\"meter\":\"0x90f79bf6eb2c4f870365e785982e1f101e93b906\",\"meterId\":\"K8EG004046395507\","
            + "\"port\":\"/dev/serial/by-id/usb-FTDI_P1-if00-port0\",\"protocol\":\"dsmr\",\"protocolVersion\":\"5.0\","
            + "\"registry\":\"0xe7f1725e7734ce288f8367e1bb143e90bb3f0512\",\"settings\":\"115200 8N1\","
            + "\"validFromMs\":1796003600000,\"version\":1,\"zone\":\"zone-a\"}";

    @Test
    void canonical_json_has_sorted_keys_no_whitespace_and_plain_integers() {
        CommissioningRecord r = sample("K8EG004046395507", "5.0");
        assertEquals(CANONICAL, new String(r.canonicalJson(), StandardCharsets.US_ASCII));
        assertEquals(Bytes32.wrap(Hash.sha3(CANONICAL.getBytes(StandardCharsets.US_ASCII))), r.digest());
        assertEquals(ZoneIds.of("zone-a"), r.zoneId());
    }

    @Test
    void any_serialisation_reads_back_to_the_same_digest() throws Exception {
        CommissioningRecord r = sample("ISK\"5\\x", null);
        assertTrue(new String(r.canonicalJson(), StandardCharsets.US_ASCII).contains("\"protocolVersion\":null"));
        String pretty = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(r.canonicalJson())
                .toPrettyString();
        CommissioningRecord back =
                CommissioningRecord.fromJson(StrictJson.object(pretty.getBytes(StandardCharsets.UTF_8), 65_536));
        assertEquals(r, back);
        assertEquals(r.digest(), back.digest());
        assertNull(back.protocolVersion());
    }

    @Test
    void every_field_changes_the_digest() {
        Bytes32 d = sample("K8EG004046395507", "5.0").digest();
        assertNotEquals(d, sample("K8EG004046395508", "5.0").digest());
        assertNotEquals(d, sample("K8EG004046395507", null).digest());
    }

    @Test
    void refuses_what_would_make_the_canonical_form_ambiguous() throws Exception {
        assertThrows(MalformedValueException.class, () -> sample("Zähler", "5.0"));
        assertThrows(MalformedValueException.class, () -> sample("a\nb", "5.0"));
        assertThrows(MalformedValueException.class, () -> sample("", "5.0"));
        String unknown = CANONICAL.replace("\"zone\":", "\"extra\":1,\"zone\":");
        WireFormatException e = assertThrows(
                WireFormatException.class,
                () -> CommissioningRecord.fromJson(
                        StrictJson.object(unknown.getBytes(StandardCharsets.US_ASCII), 65_536)));
        assertEquals("extra", e.field());
        String fraction = CANONICAL.replace("\"importMilliWh\":6825000", "\"importMilliWh\":6825000.0");
        assertThrows(
                WireFormatException.class,
                () -> CommissioningRecord.fromJson(
                        StrictJson.object(fraction.getBytes(StandardCharsets.US_ASCII), 65_536)));
        String seq0 = CANONICAL.replace("\"genesisSeq\":1", "\"genesisSeq\":0");
        assertThrows(
                WireFormatException.class,
                () -> CommissioningRecord.fromJson(
                        JsonObject.of(com.fasterxml.jackson.databind.json.JsonMapper.builder()
                                .build()
                                .readTree(seq0))));
    }
}
