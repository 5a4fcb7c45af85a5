package org.gridshare.protocol.downlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.wire.WireFormatException;
import org.gridshare.protocol.wire.WireFormatException.Reason;
import org.junit.jupiter.api.Test;

class DownlinkTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static WireFormatException ackFails(String json) {
        return assertThrows(WireFormatException.class, () -> Downlink.decodeAck(utf8(json)));
    }

    @Test
    void ack_ignores_unknown_fields_and_defaults_code_and_detail() throws Exception {
        Ack ack = Downlink.decodeAck(
                utf8("{\"meter\":\"0xab\",\"x\":[1],\"rejected\":[{\"seq\":3,\"reason\":\"SEQ_GAP\",\"y\":true}]}"));
        assertNull(ack.acceptedThrough());
        assertEquals(List.of(new Ack.Rejected(3, "SEQ_GAP", 0, null)), ack.rejected());
    }

    @Test
    void ack_errors_name_the_field_with_its_path() {
        WireFormatException e = ackFails(
                "{\"meter\":\"0xab\",\"rejected\":[{\"seq\":1,\"reason\":\"A\"},{\"seq\":2.5,\"reason\":\"B\"}]}");
        assertEquals("rejected[1].seq", e.field());
        assertEquals(Reason.FLOAT_NOT_ALLOWED, e.reason());
        assertEquals(
                Reason.OUT_OF_RANGE,
                ackFails("{\"meter\":\"0xab\",\"acceptedThrough\":-1}").reason());
        assertEquals(
                "acceptedThrough",
                ackFails("{\"meter\":\"0xab\",\"acceptedThrough\":\"5\"}").field());
        assertEquals("meter", ackFails("{\"acceptedThrough\":5}").field());
        assertEquals(
                Reason.MALFORMED_JSON,
                ackFails("{\"meter\":\"0xab\",\"meter\":\"0xcd\"}").reason());
        assertEquals(Reason.MALFORMED_JSON, ackFails("{\"meter\":\"0xab\"} {}").reason());
        assertEquals(
                "rejected[0]", ackFails("{\"meter\":\"0xab\",\"rejected\":[5]}").field());
    }

    @Test
    void size_limits_are_checked_before_parsing() {
        byte[] big = new byte[Downlink.MAX_MESSAGE_BYTES + 1];
        assertEquals(
                Reason.OVERSIZED,
                assertThrows(WireFormatException.class, () -> Downlink.decodeFills(big))
                        .reason());
        assertEquals(
                Reason.OVERSIZED,
                assertThrows(WireFormatException.class, () -> Downlink.decodeStatementVerdict(big))
                        .reason());
        // an ack lists a whole round of rejections, so it has more room: this one is parsed (and is no object)
        assertEquals(
                Reason.MALFORMED_JSON,
                assertThrows(WireFormatException.class, () -> Downlink.decodeAck(big))
                        .reason());
        assertEquals(
                Reason.OVERSIZED,
                assertThrows(WireFormatException.class, () -> Downlink.decodeAck(new byte[Downlink.MAX_ACK_BYTES + 1]))
                        .reason());
    }

    @Test
    void a_verdict_names_its_order_with_digest_and_interval_together() {
        WireFormatException e = assertThrows(
                WireFormatException.class,
                () -> Downlink.decodeFills(
                        utf8("{\"type\":\"order\",\"intervalStartMs\":9,\"status\":\"rejected\",\"reason\":\"X\"}")));
        assertEquals("orderDigest", e.field());
        assertEquals(
                "status",
                assertThrows(
                                WireFormatException.class,
                                () -> Downlink.decodeStatementVerdict(
                                        utf8("{\"intervalStartMs\":9,\"status\":\"maybe\"}")))
                        .field());
        assertEquals(
                "intervalStartMs",
                assertThrows(
                                WireFormatException.class,
                                () -> Downlink.decodeStatementVerdict(utf8("{\"status\":\"accepted\"}")))
                        .field());
    }

    @Test
    void encoding_writes_only_what_a_message_has() {
        assertEquals(
                "{\"meter\":\"0xab\"}",
                new String(Downlink.encode(new Ack("0xab", null, null)), StandardCharsets.UTF_8));
        assertEquals(
                "{\"status\":\"rejected\",\"reason\":\"INTERNAL_ERROR\",\"code\":99}",
                new String(
                        Downlink.encode(StatementVerdict.rejected(null, RejectReason.INTERNAL_ERROR, null)),
                        StandardCharsets.UTF_8));
    }
}
