package org.gridshare.contracts;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.AbiDefinition;
import org.web3j.utils.Numeric;

/**
 * Turns revert data into a {@link RevertReason} using the {@code error} entries of a contract ABI
 * (the 4-byte selector is {@code keccak256("Name(type,...)")}), plus Solidity's built-in {@code
 * Error(string)} and {@code Panic(uint256)}.
 */
public final class RevertDecoder {
    private static final String ERROR_STRING = "0x08c379a0";
    private static final String PANIC = "0x4e487b71";

    private final Map<String, ErrorDef> bySelector;

    private record ErrorDef(String name, List<String> types) {}

    private RevertDecoder(Map<String, ErrorDef> bySelector) {
        this.bySelector = Map.copyOf(bySelector);
    }

    /**
     * Reads the ABI the build copied to {@code org/gridshare/contracts/abi/<contract>.abi}.
     *
     * @throws IllegalStateException when the ABI is not on the classpath (a broken build)
     */
    public static RevertDecoder forContract(String contractName) {
        String resource = "abi/" + contractName + ".abi";
        try (InputStream in = RevertDecoder.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "ABI resource org/gridshare/contracts/" + resource + " missing from the classpath");
            }
            return fromAbi(new ObjectMapper().readValue(in, AbiDefinition[].class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ABI " + resource, e);
        }
    }

    static RevertDecoder fromAbi(AbiDefinition[] abi) {
        Map<String, ErrorDef> map = new HashMap<>();
        map.put(ERROR_STRING, new ErrorDef("Error", List.of("string")));
        map.put(PANIC, new ErrorDef("Panic", List.of("uint256")));
        for (AbiDefinition def : abi) {
            if (!"error".equals(def.getType())) {
                continue;
            }
            List<String> types = def.getInputs().stream()
                    .map(AbiDefinition.NamedType::getType)
                    .toList();
            String signature = def.getName() + "(" + String.join(",", types) + ")";
            map.put(Hash.sha3String(signature).substring(0, 10), new ErrorDef(def.getName(), types));
        }
        return new RevertDecoder(map);
    }

    /** Decodes {@code 0x}-prefixed revert data; never throws on bad data (it becomes {@code UNKNOWN}). */
    @SuppressWarnings({"rawtypes", "unchecked"}) // web3j's decoder API is written against the raw Type
    public RevertReason decode(String revertData) {
        String data = revertData == null ? "0x" : revertData.toLowerCase(Locale.ROOT);
        if (!data.startsWith("0x")) {
            data = "0x" + data;
        }
        if (data.length() < 10) {
            return new RevertReason(RevertReason.UNKNOWN, List.of(), data);
        }
        ErrorDef def = bySelector.get(data.substring(0, 10));
        if (def == null) {
            return new RevertReason(RevertReason.UNKNOWN, List.of(), data);
        }
        try {
            List<TypeReference<Type>> refs = new ArrayList<>();
            for (String t : def.types()) {
                refs.add(TypeReference.makeTypeReference(t));
            }
            List<Type> values = FunctionReturnDecoder.decode("0x" + data.substring(10), refs);
            if (values.size() != def.types().size()) {
                return new RevertReason(def.name() + "?", List.of("undecodable arguments"), data);
            }
            return new RevertReason(
                    def.name(), values.stream().map(RevertDecoder::render).toList(), data);
        } catch (ClassNotFoundException | RuntimeException e) {
            return new RevertReason(def.name() + "?", List.of("undecodable arguments: " + e.getMessage()), data);
        }
    }

    @SuppressWarnings("rawtypes")
    private static String render(Type value) {
        Object v = value.getValue();
        if (v instanceof byte[] bytes) {
            return Numeric.toHexString(bytes);
        }
        if (v instanceof BigInteger i) {
            return i.toString();
        }
        if (value instanceof org.web3j.abi.datatypes.Address a) {
            return a.getValue().toLowerCase(Locale.ROOT);
        }
        return String.valueOf(v);
    }
}
