package org.gridshare.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ValuesTest {
    @Test
    void address_checksum_matches_eip55_examples() {
        for (String s : new String[] {
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"
        }) {
            Address a = Address.fromHex(s.toLowerCase());
            assertEquals(s, a.toChecksumHex());
            assertEquals(s.toLowerCase(), a.toHex());
            assertEquals(a, Address.fromHex(s.toUpperCase().replace("0X", "0x")));
        }
    }

    @Test
    void address_rejects_bad_hex_with_offset() {
        MalformedValueException e = assertThrows(
                MalformedValueException.class, () -> Address.fromHex("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg"));
        assertEquals(41, e.offset());
        assertEquals("address", e.what());
        assertThrows(MalformedValueException.class, () -> Address.fromHex("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
        assertThrows(MalformedValueException.class, () -> Address.fromHex("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA"));
        assertThrows(MalformedValueException.class, () -> Address.fromHex(null));
        assertThrows(MalformedValueException.class, () -> Address.fromHex("0x" + "\u0661".repeat(40)));
        assertThrows(MalformedValueException.class, () -> new Address(new byte[19]));
    }

    @Test
    void values_compare_by_content_and_do_not_share_arrays() {
        byte[] raw = new byte[32];
        raw[0] = 7;
        Bytes32 a = new Bytes32(raw);
        raw[0] = 8;
        assertEquals(7, a.bytes()[0]);
        a.bytes()[0] = 9;
        assertEquals(7, a.bytes()[0]);
        byte[] seven = new byte[32];
        seven[0] = 7;
        assertEquals(a, new Bytes32(seven));
        assertEquals(a.hashCode(), new Bytes32(seven).hashCode());
        assertNotEquals(a, Bytes32.ZERO);
        assertEquals(a, Bytes32.fromHex(a.toHex()));
        assertEquals(Bytes32.ZERO, Bytes32.fromHex("0x" + "0".repeat(64)));
    }

    @Test
    void signature_round_trips_through_bytes_and_hex() {
        Signature s = Secp256k1Signer.fromPrivateKey(Secp256k1SignerTest.randomKey(new java.util.Random(5)))
                .sign(Bytes32.ZERO);
        assertEquals(s, Signature.fromBytes(s.toBytes()));
        assertEquals(s, Signature.fromHex(s.toHex()));
        assertEquals(132, s.toHex().length());
        assertArrayEquals(
                s.toBytes(),
                Signature.fromHex(s.toHex().toUpperCase().replace("0X", "0x")).toBytes());
    }

    @Test
    void signature_rejects_non_canonical_forms() {
        byte[] ok = Secp256k1Signer.fromPrivateKey(Secp256k1SignerTest.randomKey(new java.util.Random(6)))
                .sign(Bytes32.ZERO)
                .toBytes();
        for (int v : new int[] {0, 1, 26, 29, 255}) {
            byte[] b = ok.clone();
            b[64] = (byte) v;
            assertThrows(NonCanonicalSignatureException.class, () -> Signature.fromBytes(b), "v=" + v);
        }
        byte[] zeroR = ok.clone();
        java.util.Arrays.fill(zeroR, 0, 32, (byte) 0);
        assertThrows(NonCanonicalSignatureException.class, () -> Signature.fromBytes(zeroR));
        byte[] bigR = ok.clone();
        java.util.Arrays.fill(bigR, 0, 32, (byte) 0xff);
        assertThrows(NonCanonicalSignatureException.class, () -> Signature.fromBytes(bigR));
        byte[] zeroS = ok.clone();
        java.util.Arrays.fill(zeroS, 32, 64, (byte) 0);
        assertThrows(NonCanonicalSignatureException.class, () -> Signature.fromBytes(zeroS));
        assertThrows(MalformedValueException.class, () -> Signature.fromBytes(new byte[64]));
        assertThrows(MalformedValueException.class, () -> Signature.fromHex("0x1234"));
    }

    @Test
    void messages_reject_out_of_range_small_fields() {
        Address a = Address.fromHex("0x" + "11".repeat(20));
        assertThrows(
                MalformedValueException.class, () -> new MeterReading(a, 0, 0, 0, 0, 0, 0x1_0000_0000L, Bytes32.ZERO));
        assertThrows(MalformedValueException.class, () -> new MeterReading(a, 0, 0, 0, 0, 0, -1, Bytes32.ZERO));
        assertThrows(
                MalformedValueException.class,
                () -> new IntervalStatement(a, 0, 0x1_0000_0000L, 0, 0, 0, 0, 0, 0, Bytes32.ZERO));
        assertThrows(MalformedValueException.class, () -> new Order(a, Bytes32.ZERO, 0, 2, 0, 0, 0, 0));
        assertThrows(MalformedValueException.class, () -> new Eip712Domain(0, a));
    }

    @Test
    void reading_to_string_shows_unsigned_values() {
        Address a = Address.fromHex("0x" + "11".repeat(20));
        String s = new MeterReading(a, -1L, 0, 0, 0, -5, 0, Bytes32.ZERO).toString();
        assertEquals(true, s.contains("seq=18446744073709551615") && s.contains("powerMilliW=-5"), s);
    }

    @Test
    void status_flags_are_distinct_bits() {
        assertEquals(7, MeterStatus.METER_ERROR | MeterStatus.CLOCK_UNSYNCHRONISED | MeterStatus.CLOCK_STEPPED_BACK);
        assertEquals(true, MeterStatus.has(5, MeterStatus.CLOCK_STEPPED_BACK));
        assertEquals(false, MeterStatus.has(5, MeterStatus.CLOCK_UNSYNCHRONISED));
    }
}
