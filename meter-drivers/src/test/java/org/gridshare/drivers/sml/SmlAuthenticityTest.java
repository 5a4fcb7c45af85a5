package org.gridshare.drivers.sml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.HexFormat;
import org.gridshare.drivers.MeterAuthenticity;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ReadingJson;
import org.gridshare.drivers.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.openmuc.jsml.structures.EMessageBody;
import org.openmuc.jsml.structures.Integer16;
import org.openmuc.jsml.structures.Integer64;
import org.openmuc.jsml.structures.Integer8;
import org.openmuc.jsml.structures.OctetString;
import org.openmuc.jsml.structures.SmlList;
import org.openmuc.jsml.structures.SmlListEntry;
import org.openmuc.jsml.structures.SmlMessage;
import org.openmuc.jsml.structures.SmlMessageBody;
import org.openmuc.jsml.structures.SmlSignature;
import org.openmuc.jsml.structures.SmlStatus;
import org.openmuc.jsml.structures.SmlTime;
import org.openmuc.jsml.structures.SmlTimestamp;
import org.openmuc.jsml.structures.SmlTimestampLocal;
import org.openmuc.jsml.structures.SmlUnit;
import org.openmuc.jsml.structures.SmlValue;
import org.openmuc.jsml.structures.Unsigned32;
import org.openmuc.jsml.structures.Unsigned8;
import org.openmuc.jsml.structures.responses.SmlGetListRes;

/** The meter's public key and signatures, surfaced as sent: from real eHZ captures and from frames made with jSML's encoder. */
class SmlAuthenticityTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** The 48 key bytes after {@code 81 81 C7 82 05 FF}, four empty fields and the TL bytes {@code 83 02}, found by plain byte search. */
    private static String keyBytesInCapture(byte[] capture) {
        String hex = HEX.formatHex(capture);
        int at = hex.indexOf("8181C78205FF010101018302");
        assertTrue(at >= 0 && at % 2 == 0, "public key entry in the capture");
        int from = at + 24;
        return hex.substring(from, from + 96);
    }

    @Test
    void iskra_mt175_public_key_is_surfaced_exactly_as_the_meter_sent_it() throws Exception {
        byte[] capture = Fixtures.bytes(Fixtures.ROOT.resolve("sml/ISKRA_MT175_eHZ.bin"));
        NormalizedReading r = SmlDecoder.decode(SmlDecoderTest.firstFrame("sml/ISKRA_MT175_eHZ.bin"));
        MeterAuthenticity a = r.authenticity();
        assertNotNull(a);
        assertEquals(keyBytesInCapture(capture), a.publicKey());
        assertEquals(96, a.publicKey().length(), "48 bytes");
        assertEquals("090149534B000403DF63", a.serverId(), "raw server id: 09 01 'ISK' 00 04 03 DF 63");
        assertEquals("1ISK0067362659", r.meterId(), "the same id as printed on the meter");
        assertNull(a.listSignature(), "this meter signs nothing in its push");
        assertTrue(a.signedValues().isEmpty());
    }

    @Test
    void emh_ehz_public_key_too() throws Exception {
        byte[] capture = Fixtures.bytes(Fixtures.ROOT.resolve("sml/EMH_eHZ-HW8E2A5L0EK2P_2.bin"));
        NormalizedReading r = SmlDecoder.decode(SmlDecoderTest.firstFrame("sml/EMH_eHZ-HW8E2A5L0EK2P_2.bin"));
        assertEquals(keyBytesInCapture(capture), r.authenticity().publicKey());
    }

    @Test
    void meters_without_a_key_still_report_their_raw_server_id_and_no_key() throws Exception {
        NormalizedReading r = SmlDecoder.decode(SmlDecoderTest.firstFrame("sml/DZG_DVS-7420.2V.G2_mtr2_neg.bin"));
        assertNull(r.authenticity().publicKey());
        assertNotNull(r.authenticity().serverId());
    }

    @Test
    void list_and_value_signatures_made_with_jsml_come_out_byte_for_byte() throws Exception {
        byte[] serverId = HexFormat.of().parseHex("0A01454D48000012D687");
        byte[] listSig = new byte[64];
        byte[] valSig = new byte[48];
        for (int i = 0; i < listSig.length; i++) {
            listSig[i] = (byte) (0xA0 + i);
        }
        for (int i = 0; i < valSig.length; i++) {
            valSig[i] = (byte) (0x10 + i);
        }
        SmlListEntry energy = new SmlListEntry(
                new OctetString(HexFormat.of().parseHex("0100010800FF")),
                new SmlStatus(new Unsigned8(0x82)),
                new SmlTime(SmlTime.SECINDEX, new Unsigned32(1234567)),
                new SmlUnit(new Unsigned8(30)),
                new Integer8((byte) -1),
                new SmlValue(new Integer64(123456789L)),
                new SmlSignature(new OctetString(valSig)));
        SmlListEntry power = new SmlListEntry(
                new OctetString(HexFormat.of().parseHex("0100100700FF")),
                null,
                null,
                new SmlUnit(new Unsigned8(27)),
                new Integer8((byte) 0),
                new SmlValue(new Integer64(-450L)),
                null);
        SmlListEntry export = new SmlListEntry(
                new OctetString(HexFormat.of().parseHex("0100020800FF")),
                null,
                new SmlTime(
                        SmlTime.TIMESTAMP_LOCAL,
                        new SmlTimestampLocal(
                                new SmlTimestamp(new Unsigned32(1_764_000_000L)),
                                new Integer16((short) 60),
                                new Integer16((short) 0))),
                new SmlUnit(new Unsigned8(30)),
                new Integer8((byte) 0),
                new SmlValue(new Integer64(42L)),
                new SmlSignature(new OctetString(new byte[] {(byte) 0xEE, (byte) 0xFF})));
        SmlGetListRes list = new SmlGetListRes(
                null,
                new OctetString(serverId),
                null,
                new SmlTime(SmlTime.SECINDEX, new Unsigned32(1234567)),
                new SmlList(new SmlListEntry[] {energy, power, export}),
                new SmlSignature(new OctetString(listSig)),
                null);
        SmlMessage message = new SmlMessage(
                new OctetString(new byte[] {1, 2, 3}),
                new Unsigned8(0),
                new Unsigned8(0),
                new SmlMessageBody(EMessageBody.GET_LIST_RESPONSE.id(), list));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        message.encode(new DataOutputStream(file));

        NormalizedReading r = SmlDecoder.decode(SmlDecoderTest.wrap(file.toByteArray()));
        assertEquals(12_345_678_900L, r.importMilliWh(), "123456789 × 10^-1 Wh");
        assertEquals("1EMH0001234567", r.meterId());
        MeterAuthenticity a = r.authenticity();
        assertEquals(HEX.formatHex(serverId), a.serverId());
        assertEquals(HEX.formatHex(listSig), a.listSignature());
        assertNull(a.publicKey());
        assertEquals(2, a.signedValues().size(), "only the entries that carry a signature");
        MeterAuthenticity.SignedValue v = a.signedValues().get(0);
        assertEquals(
                new MeterAuthenticity.SignedValue(
                        "1-0:1.8.0", "130", "secIndex:1234567", 30, -1, "123456789", HEX.formatHex(valSig)),
                v);
        assertEquals(
                new MeterAuthenticity.SignedValue(
                        "1-0:2.8.0", null, "timestampLocal:1764000000,60,0", 30, 0, "42", "EEFF"),
                a.signedValues().get(1));

        JsonNode json = ReadingJson.toTree(r).get("authenticity");
        assertEquals(HEX.formatHex(listSig), json.get("listSignature").asText());
        assertEquals("1-0:1.8.0", json.get("signedValues").get(0).get("obis").asText());
        assertEquals(
                HEX.formatHex(valSig),
                json.get("signedValues").get(0).get("signature").asText());
        assertTrue(json.get("publicKey").isNull());
    }
}
