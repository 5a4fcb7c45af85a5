package org.gridshare.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.Hash;

class RevertDecoderTest {
    final RevertDecoder registry = RevertDecoder.forContract(RegistryClient.CONTRACT);
    static final String METER = "0x00000000000000000000000000000000000003e7";

    @Test
    void decodes_custom_error_with_address_argument() {
        String data = Hash.sha3String("MeterAlreadyRegistered(address)").substring(0, 10)
                + FunctionEncoder.encodeConstructor(List.of(new Address(METER))); // bare ABI encoding of the args
        RevertReason r = registry.decode(data);
        assertEquals("MeterAlreadyRegistered", r.name());
        assertEquals(List.of(METER), r.arguments());
        assertEquals(data, r.data());
    }

    @Test
    void decodes_error_without_arguments_and_string_reasons() {
        assertEquals(
                "ZeroMeterAddress",
                registry.decode(Hash.sha3String("ZeroMeterAddress()").substring(0, 10))
                        .name());
        String data = "0x08c379a0" + FunctionEncoder.encodeConstructor(List.of(new Utf8String("not allowed")));
        RevertReason r = registry.decode(data);
        assertEquals("Error", r.name());
        assertEquals(List.of("not allowed"), r.arguments());
    }

    @Test
    void unknown_selector_and_empty_data_are_unknown_with_the_raw_data() {
        assertEquals(new RevertReason(RevertReason.UNKNOWN, List.of(), "0xdeadbeef"), registry.decode("0xDEADBEEF"));
        assertEquals(new RevertReason(RevertReason.UNKNOWN, List.of(), "0x"), registry.decode(null));
        assertEquals(RevertReason.UNKNOWN, registry.decode("0x12").name());
    }

    @Test
    void truncated_arguments_are_reported_not_guessed() {
        String data = Hash.sha3String("MeterAlreadyRegistered(address)").substring(0, 10) + "00ff";
        RevertReason r = registry.decode(data);
        assertEquals("MeterAlreadyRegistered?", r.name());
        assertEquals(data, r.data());
    }
}
