package org.gridshare.protocol.downlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.wire.WireFormatException;
import org.junit.jupiter.api.Test;

/** Each golden file of docs/protocol/downlink decodes, and re-encodes to exactly its bytes. */
class DownlinkGoldenTest {
    private static final Bytes32 DIGEST =
            Bytes32.fromHex("0xc8511c1fdc773103631adb629aa3f586559eedfa886cc2f7a1b5c3a77b884918");

    /** Decodes a golden file with the decoder its name calls for and encodes the result again. */
    static byte[] roundTrip(String name, byte[] json) throws WireFormatException {
        if (name.startsWith("ack")) {
            return Downlink.encode(Downlink.decodeAck(json));
        }
        if (name.startsWith("statement-verdict")) {
            return Downlink.encode(Downlink.decodeStatementVerdict(json));
        }
        return Downlink.encode(Downlink.decodeFills(json));
    }

    @Test
    void every_golden_file_round_trips_byte_for_byte() throws Exception {
        List<String> names = GoldenFiles.names();
        assertEquals(
                List.of(
                        "ack-with-rejections.json",
                        "ack.json",
                        "fill.json",
                        "order-verdict-accepted.json",
                        "order-verdict-rejected-undecodable.json",
                        "order-verdict-rejected.json",
                        "settlement-negative-net.json",
                        "statement-verdict-accepted.json",
                        "statement-verdict-rejected-undecodable.json",
                        "statement-verdict-rejected.json"),
                names);
        for (String name : names) {
            byte[] json = GoldenFiles.bytes(name);
            assertEquals(
                    new String(json, StandardCharsets.UTF_8),
                    new String(roundTrip(name, json), StandardCharsets.UTF_8),
                    name);
        }
    }

    @Test
    void golden_files_hold_the_documented_values() throws Exception {
        Ack ack = Downlink.decodeAck(GoldenFiles.bytes("ack-with-rejections.json"));
        assertEquals("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", ack.meter());
        assertEquals(41L, ack.acceptedThrough());
        assertEquals(
                List.of(
                        new Ack.Rejected(43, "SEQ_GAP", 32, "seq 43 after 41: expected 42"),
                        new Ack.Rejected(44, "BAD_SIGNATURE", 10, null)),
                ack.rejected());
        assertEquals(Optional.of(RejectReason.SEQ_GAP), ack.rejected().get(0).knownReason());
        assertTrue(Downlink.decodeAck(GoldenFiles.bytes("ack.json")).rejected().isEmpty());

        assertEquals(
                OrderVerdict.accepted(DIGEST, 1_764_000_900_000L),
                Downlink.decodeFills(GoldenFiles.bytes("order-verdict-accepted.json")));
        OrderVerdict refused = assertInstanceOf(
                OrderVerdict.class, Downlink.decodeFills(GoldenFiles.bytes("order-verdict-rejected.json")));
        assertEquals(RejectReason.GATE_CLOSED.name(), refused.reason());
        assertEquals(RejectReason.GATE_CLOSED.code(), refused.code());
        OrderVerdict undecodable = assertInstanceOf(
                OrderVerdict.class, Downlink.decodeFills(GoldenFiles.bytes("order-verdict-rejected-undecodable.json")));
        assertNull(undecodable.orderDigest());
        assertNull(undecodable.intervalStartMs());
        assertFalse(undecodable.accepted());

        assertEquals(
                new Fill(DIGEST, 1_764_000_900_000L, Order.SELL, 5000, 1200, 130),
                Downlink.decodeFills(GoldenFiles.bytes("fill.json")));
        Settlement s = assertInstanceOf(
                Settlement.class, Downlink.decodeFills(GoldenFiles.bytes("settlement-negative-net.json")));
        assertEquals(BigInteger.valueOf(-156_000), s.netBaseUnits());
        assertEquals(17, s.blockNumber());

        assertEquals(
                StatementVerdict.accepted(1_764_000_900_000L),
                Downlink.decodeStatementVerdict(GoldenFiles.bytes("statement-verdict-accepted.json")));
        StatementVerdict sv =
                Downlink.decodeStatementVerdict(GoldenFiles.bytes("statement-verdict-rejected-undecodable.json"));
        assertNull(sv.intervalStartMs());
        assertEquals("BAD_FIELD", sv.reason());
    }

    @Test
    void every_example_in_the_downlink_section_of_the_doc_is_a_golden_file() throws Exception {
        String doc = java.nio.file.Files.readString(
                GoldenFiles.DIR.getParent().getParent().resolve("protocol.md"));
        String downlink = doc.substring(doc.indexOf("\n## Downlink"), doc.indexOf("\n## Reject reasons"));
        java.util.Set<String> golden = new java.util.HashSet<>();
        for (String name : GoldenFiles.names()) {
            golden.add(new String(GoldenFiles.bytes(name), StandardCharsets.UTF_8));
            assertTrue(downlink.contains("(protocol/downlink/" + name + ")"), "the doc links " + name);
        }
        int examples = 0;
        for (int at = downlink.indexOf("```json\n"); at >= 0; at = downlink.indexOf("```json\n", at + 1)) {
            String example = downlink.substring(at + 8, downlink.indexOf("\n```", at + 8));
            assertTrue(golden.contains(example), "not a golden file: " + example);
            examples++;
        }
        assertEquals(5, examples, "one example per message kind");
    }
}
