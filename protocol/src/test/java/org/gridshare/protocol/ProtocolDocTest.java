package org.gridshare.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gridshare.protocol.wire.JsonWire;
import org.junit.jupiter.api.Test;

/** docs/protocol.md states the type strings and a wire example; both must stay true. */
class ProtocolDocTest {
    private static final Path DOC =
            TestVectorsGenerator.FILE.getParent().getParent().resolve("protocol.md");

    @Test
    void doc_lists_the_type_strings_exactly_as_hashed() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        for (String type : new String[] {Eip712Domain.TYPE, MeterReading.TYPE, IntervalStatement.TYPE, Order.TYPE}) {
            assertTrue(doc.contains("\n" + type + "\n"), "docs/protocol.md lacks the line " + type);
        }
    }

    @Test
    void doc_wire_example_decodes_and_recovers_its_signer() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int marker = doc.indexOf("<!-- wire-example");
        int start = doc.indexOf("```json\n", marker) + "```json\n".length();
        String json = doc.substring(start, doc.indexOf("\n```", start));
        Signed<MeterReading> signed = JsonWire.decodeReading(json.getBytes(StandardCharsets.UTF_8));
        Eip712Domain domain = new Eip712Domain(31337, Address.fromHex("0x5FbDB2315678afecb367f032d93F642f64180aa3"));
        Bytes32 digest = Eip712.digest(domain, signed.message());
        assertTrue(doc.contains(digest.toHex()), "doc states the digest " + digest);
        assertEquals(
                Address.fromHex("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
                SignatureVerifier.recover(domain, signed));
        assertEquals(json, new String(JsonWire.encodeReading(signed), StandardCharsets.UTF_8), "canonical encoding");
    }
}
