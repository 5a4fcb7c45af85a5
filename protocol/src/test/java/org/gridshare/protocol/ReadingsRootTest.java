package org.gridshare.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The expected roots were computed outside Java, with the js-sha3 Keccak-256 that solc ships
 * (leaves 0x00…01, 0x00…02, …): two = k(l1‖l2), three = k(k(l1‖l2)‖l3),
 * five = k(k(k(l1‖l2)‖k(l3‖l4))‖l5).
 */
class ReadingsRootTest {
    private static Bytes32 leaf(int i) {
        byte[] b = new byte[32];
        b[31] = (byte) i;
        return new Bytes32(b);
    }

    @Test
    void one_leaf_is_its_own_root() {
        assertEquals(leaf(7), ReadingsRoot.of(List.of(leaf(7))));
    }

    @Test
    void pairs_are_hashed_left_then_right() {
        assertEquals(
                Bytes32.fromHex("0xe90b7bceb6e7df5418fb78d8ee546e97c83a08bbccc01a0644d599ccd2a7c2e0"),
                ReadingsRoot.of(List.of(leaf(1), leaf(2))));
        assertNotEquals(
                ReadingsRoot.of(List.of(leaf(1), leaf(2))),
                ReadingsRoot.of(List.of(leaf(2), leaf(1))),
                "the root commits to the order");
    }

    @Test
    void an_odd_node_is_carried_up_unchanged() {
        assertEquals(
                Bytes32.fromHex("0x5b462f578537e091d2e07e7a9ce57dd98b869843ef18fbcf05a78900cbd9841b"),
                ReadingsRoot.of(List.of(leaf(1), leaf(2), leaf(3))));
        assertEquals(
                Bytes32.fromHex("0xb5d850029ab79de62afca0b80d447f59a0a624f73eb0ccd5cf8cf1ca78910556"),
                ReadingsRoot.of(List.of(leaf(1), leaf(2), leaf(3), leaf(4), leaf(5))));
    }

    @Test
    void root_of_readings_uses_their_eip712_digests() {
        Eip712Domain domain = new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
        Address meter = Address.fromHex("0x00000000000000000000000000000000000000aa");
        MeterReading a = new MeterReading(meter, 1, 1000, 5, 0, 0, 0, Bytes32.ZERO);
        MeterReading b = new MeterReading(meter, 2, 2000, 9, 0, 0, 0, Eip712.digest(domain, a));
        assertEquals(
                ReadingsRoot.of(List.of(Eip712.digest(domain, a), Eip712.digest(domain, b))),
                ReadingsRoot.ofReadings(domain, List.of(a, b)));
    }

    @Test
    void rejects_an_empty_interval() {
        assertThrows(IllegalArgumentException.class, () -> ReadingsRoot.of(List.of()));
    }
}
