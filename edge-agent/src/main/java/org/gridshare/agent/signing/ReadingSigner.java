package org.gridshare.agent.signing;

import java.io.IOException;
import java.time.Clock;
import org.gridshare.agent.meter.Measurement;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.MeterStatus;
import org.gridshare.protocol.ReadingChain;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signed;

/**
 * Signs each measurement with the meter key the moment it is taken. The sequence number and the
 * {@code prev} link are persisted before the signed reading is returned, so neither survives a
 * power cut in a state that could sign a second, different reading under the same number.
 *
 * <p>Time never runs backwards in the signed chain: when the clock reads earlier than the last
 * signed reading, the reading keeps the last time and carries {@link MeterStatus#CLOCK_STEPPED_BACK}.
 */
public final class ReadingSigner {
    private final Secp256k1Signer meterKey;
    private final Eip712Domain domain;
    private final SigningStateStore stateFile;
    private final Clock clock;
    private SigningState state;

    public ReadingSigner(Secp256k1Signer meterKey, Eip712Domain domain, SigningStateStore stateFile, Clock clock)
            throws IOException {
        this.meterKey = meterKey;
        this.domain = domain;
        this.stateFile = stateFile;
        this.clock = clock;
        this.state = stateFile.load();
    }

    /** The clock this signer dates readings with: the agent's clock. */
    public Clock clock() {
        return clock;
    }

    /** Signs {@code m} and stores the new state in this signer's store before returning it. */
    public synchronized Signed<MeterReading> sign(Measurement m) throws IOException {
        Prepared p = prepare(m);
        stateFile.store(p.next()); // persisted before anyone may see this seq
        state = p.next();
        return p.signed();
    }

    /**
     * Signs {@code m} and advances the in-memory state without storing it: the caller must persist
     * {@link Prepared#next()} atomically with the reading (the outbox does, in one transaction) before
     * the reading leaves the process. A crash before that loses the reading together with its seq,
     * which nobody has seen, so the seq is never used twice.
     */
    public synchronized Prepared signDeferred(Measurement m) {
        Prepared p = prepare(m);
        state = p.next();
        return p;
    }

    /**
     * Continues from {@code durable} when it is ahead of this signer's state (the outbox database is
     * newer than the state file the signer was built from).
     */
    public synchronized void resume(SigningState durable) {
        if (Long.compareUnsigned(durable.lastSeq(), state.lastSeq()) > 0) {
            state = durable;
        }
    }

    /** Where this signer was built to keep its state. */
    public SigningStateStore store() {
        return stateFile;
    }

    /** The signing key's address. */
    public org.gridshare.protocol.Address meter() {
        return meterKey.address();
    }

    /** The EIP-712 domain readings are signed in. */
    public Eip712Domain domain() {
        return domain;
    }

    private Prepared prepare(Measurement m) {
        long now = clock.millis();
        long status = m.status();
        if (state.lastTimeMs() != Long.MIN_VALUE && now < state.lastTimeMs()) {
            status |= MeterStatus.CLOCK_STEPPED_BACK;
            now = state.lastTimeMs();
        }
        long seq = state.lastSeq() + 1;
        if (seq == 0) {
            throw new IllegalStateException(
                    "sequence space of meter " + meterKey.address().toHex() + " exhausted");
        }
        MeterReading reading = new MeterReading(
                meterKey.address(),
                seq,
                now,
                m.importMilliWh(),
                m.exportMilliWh(),
                m.powerMilliW(),
                status,
                state.lastDigest());
        Signed<MeterReading> signed = meterKey.sign(domain, reading);
        return new Prepared(signed, new SigningState(seq, ReadingChain.link(domain, reading), now));
    }

    /** A signed reading and the signer state after it (its seq, digest and time). */
    public record Prepared(Signed<MeterReading> signed, SigningState next) {}

    public synchronized SigningState state() {
        return state;
    }
}
