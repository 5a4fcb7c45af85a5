package org.gridshare.agent.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.gridshare.agent.meter.Measurement;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.Secp256k1Signer;

/**
 * Child process of {@link FootprintBenchmark}: signs and stores {@code N} readings through
 * {@link ReadingSigner#signDeferred} and the {@link Outbox} with a group commit every
 * {@code groupCommitMs}, on whatever cores the parent pinned it to, and prints
 * {@code readings/s=<value>}. Args: data dir, readings, group commit ms.
 */
public final class SignStoreThroughput {
    private SignStoreThroughput() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        int n = Integer.parseInt(args[1]);
        long groupCommitNanos = Long.parseLong(args[2]) * 1_000_000L;
        Secp256k1Signer key = Secp256k1Signer.generate();
        Eip712Domain domain = new Eip712Domain(31337, Address.fromHex("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), n + 1L)) {
            ReadingSigner signer = new ReadingSigner(key, domain, outbox, Clock.systemUTC());
            // warm-up: the JIT compiles the signing path before the clock starts
            for (int i = 0; i < 2000; i++) {
                outbox.append(signer.signDeferred(new Measurement(i, 0, 0, 0)));
            }
            outbox.commit();
            long start = System.nanoTime();
            long lastCommit = start;
            for (int i = 0; i < n; i++) {
                outbox.append(signer.signDeferred(new Measurement(10_000L + i, 0, 1000, 0)));
                long now = System.nanoTime();
                if (now - lastCommit >= groupCommitNanos) {
                    outbox.commit();
                    lastCommit = now;
                }
            }
            outbox.commit();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(java.util.Locale.ROOT, "readings/s=%.1f%n", n / seconds);
        }
    }
}
