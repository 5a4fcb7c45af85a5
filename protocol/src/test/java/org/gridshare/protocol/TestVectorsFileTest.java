package org.gridshare.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.StructuredDataEncoder;
import org.web3j.utils.Numeric;

/** The committed test vectors are checked independently and can never drift from the code. */
class TestVectorsFileTest {
    @Test
    void every_committed_digest_equals_web3j_and_every_signature_recovers_its_signer() throws Exception {
        JsonNode vectors = TypedDataJson.MAPPER.readTree(TestVectorsGenerator.FILE.toFile());
        assertTrue(vectors.isArray() && vectors.size() >= 24, "at least 24 vectors");
        Set<String> types = new HashSet<>();
        Set<Long> chains = new HashSet<>();
        for (JsonNode v : vectors) {
            ObjectNode typed = TypedDataJson.MAPPER.createObjectNode();
            for (String k : new String[] {"types", "domain", "primaryType", "message"}) {
                typed.set(k, v.get(k));
            }
            byte[] web3jDigest =
                    new StructuredDataEncoder(TypedDataJson.MAPPER.writeValueAsString(typed)).hashStructuredData();
            Bytes32 digest = Bytes32.fromHex(v.get("digest").textValue());
            assertEquals(
                    Numeric.toHexString(web3jDigest),
                    digest.toHex(),
                    v.get("description").textValue());
            Address recovered = SignatureVerifier.recover(
                    digest, Signature.fromHex(v.get("signature").textValue()));
            assertEquals(
                    Address.fromHex(v.get("signer").textValue()),
                    recovered,
                    v.get("description").textValue());
            assertEquals(v.get("signer").textValue(), recovered.toChecksumHex());
            types.add(v.get("primaryType").textValue());
            chains.add(Long.parseLong(v.get("domain").get("chainId").asText()));
        }
        assertEquals(Set.of("MeterReading", "IntervalStatement", "Order"), types);
        assertTrue(chains.size() >= 4, "several chain ids: " + chains);
    }

    @Test
    void committed_file_equals_a_fresh_rendering() throws Exception {
        String committed = Files.readString(TestVectorsGenerator.FILE, StandardCharsets.UTF_8);
        assertEquals(
                TestVectorsGenerator.render(),
                committed,
                "docs/protocol/test-vectors.json is stale: rerun TestVectorsGenerator (see its Javadoc)");
    }
}
