package org.gridshare.drivers.sunspec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;

/**
 * Finds a SunSpec device's models: the {@code SunS} marker (0x5375 0x6E53) at 40000 (else 0 or 50000,
 * the other bases the specification allows), then the chain of {@code ID, L} headers up to the end
 * marker 0xFFFF.
 */
public final class SunSpecDiscovery {

    /** Where the marker may be, in the order to try. */
    private static final int[] BASES = {40_000, 0, 50_000};

    static final int MAX_MODELS = 64;

    /** A model in the chain: {@code address} is its first point's register (after ID and L). */
    public record ModelHeader(int id, int address, int length) {}

    private SunSpecDiscovery() {}

    /** The model chain; fails when no base holds the marker or the chain runs away. */
    public static List<ModelHeader> discover(RegisterSource source) throws IOException, DecodeException {
        for (int base : BASES) {
            int[] marker;
            try {
                marker = source.read(base, 2);
            } catch (IOException ex) {
                continue; // an illegal-address answer: not at this base
            }
            if (marker.length == 2 && marker[0] == 0x5375 && marker[1] == 0x6E53) {
                return chain(source, base + 2);
            }
        }
        throw new DecodeException(Kind.MALFORMED, "no SunS marker at 40000, 0 or 50000", "SunS", null, BASES[0]);
    }

    private static List<ModelHeader> chain(RegisterSource source, int address) throws IOException, DecodeException {
        List<ModelHeader> models = new ArrayList<>();
        while (true) {
            int[] header = source.read(address, 2);
            if (header[0] == 0xFFFF) {
                return models;
            }
            if (models.size() == MAX_MODELS) {
                throw new DecodeException(
                        Kind.MALFORMED,
                        "more than " + MAX_MODELS + " models without the end marker",
                        "ID",
                        null,
                        address);
            }
            if (header[0] == 0 || header[1] == 0xFFFF) {
                throw new DecodeException(
                        Kind.MALFORMED,
                        String.format("model header ID=%d L=%d is not a model", header[0], header[1]),
                        "ID",
                        null,
                        address);
            }
            models.add(new ModelHeader(header[0], address + 2, header[1]));
            address += 2 + header[1];
        }
    }
}
