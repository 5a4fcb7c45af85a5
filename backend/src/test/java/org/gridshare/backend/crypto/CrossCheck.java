package org.gridshare.backend.crypto;

import fr.acinq.secp256k1.Secp256k1;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Hex;
import org.gridshare.protocol.InvalidSignatureException;
import org.gridshare.protocol.Signature;

/**
 * Runs the same seeded cases through libsecp256k1 and web3j and tallies the outcomes: both must give the
 * same address or both refuse with {@link InvalidSignatureException}; any other exception is a
 * disagreement too. Shared by the unit test (a few thousand cases) and the IT (100,000).
 */
final class CrossCheck {
    /** Tallies per kind: how many recovered the signing key, another key, and were refused. */
    record Result(int cases, Map<SignatureCases.Kind, int[]> perKind, List<String> disagreements, long nanos) {
        int recoveredSigner() {
            return perKind.values().stream().mapToInt(a -> a[0]).sum();
        }

        int refused() {
            return perKind.values().stream().mapToInt(a -> a[2]).sum();
        }

        String table() {
            StringBuilder b =
                    new StringBuilder("| kind | signer recovered | other key | refused |\n|---|---|---|---|\n");
            perKind.forEach((k, a) -> b.append("| ")
                    .append(k)
                    .append(" | ")
                    .append(a[0])
                    .append(" | ")
                    .append(a[1])
                    .append(" | ")
                    .append(a[2])
                    .append(" |\n"));
            return b.toString();
        }
    }

    private CrossCheck() {}

    static Result run(long seed, int count, int chunks) {
        Secp256k1 secp = Secp256k1.get();
        SignerRecovery fast =
                SignerRecoveries.choose(SignerRecoveries.Mode.LIBSECP256K1).recovery();
        SignerRecovery reference = new Web3jRecovery();
        long start = System.nanoTime();
        ConcurrentLinkedQueue<String> disagreements = new ConcurrentLinkedQueue<>();
        Map<SignatureCases.Kind, int[]> tally = new EnumMap<>(SignatureCases.Kind.class);
        for (SignatureCases.Kind k : SignatureCases.Kind.values()) {
            tally.put(k, new int[3]);
        }
        int per = count / chunks;
        IntStream.range(0, chunks).parallel().forEach(chunk -> {
            List<SignatureCases.Case> cases = SignatureCases.generate(secp, seed + chunk, per);
            Map<SignatureCases.Kind, int[]> local = new EnumMap<>(SignatureCases.Kind.class);
            for (int i = 0; i < cases.size(); i++) {
                SignatureCases.Case c = cases.get(i);
                String a = outcome(fast, c);
                String b = outcome(reference, c);
                String where = "seed " + (seed + chunk) + " case " + i + " " + c.kind() + " digest "
                        + Hex.encode(c.digest()) + " sig " + Hex.encode(c.rsv());
                if (!a.equals(b)) {
                    disagreements.add(where + ": libsecp256k1 " + a + ", web3j " + b);
                    continue;
                }
                if (a.startsWith("ok ")) {
                    // the hot path's form (a parsed Signature) must agree with the bytes path; web3j's typed
                    // path is what its bytes path calls, so only the fast one is run twice
                    String typed = typedOutcome(fast, c);
                    if (!typed.equals(a)) {
                        disagreements.add(where + ": bytes path " + a + ", typed path " + typed);
                    }
                }
                int[] t = local.computeIfAbsent(c.kind(), k -> new int[3]);
                if (a.equals("ok " + Hex.encode(c.signerAddress()))) {
                    t[0]++;
                } else if (a.startsWith("ok ")) {
                    t[1]++;
                } else {
                    t[2]++;
                }
            }
            synchronized (tally) {
                local.forEach((k, v) -> {
                    int[] t = tally.get(k);
                    for (int j = 0; j < 3; j++) {
                        t[j] += v[j];
                    }
                });
            }
        });
        return new Result(per * chunks, tally, List.copyOf(disagreements), System.nanoTime() - start);
    }

    /** "ok 0x…" or "refused": the message differs between the two and is not compared. */
    private static String outcome(SignerRecovery r, SignatureCases.Case c) {
        try {
            Address a = r.recover(c.digest(), c.rsv());
            return "ok " + a.toHex();
        } catch (InvalidSignatureException e) {
            return "refused";
        } catch (RuntimeException e) {
            return "threw " + e;
        }
    }

    private static String typedOutcome(SignerRecovery r, SignatureCases.Case c) {
        try {
            return "ok "
                    + r.recover(new Bytes32(c.digest()), Signature.fromBytes(c.rsv()))
                            .toHex();
        } catch (InvalidSignatureException e) {
            return "refused";
        } catch (RuntimeException e) {
            return "threw " + e;
        }
    }
}
