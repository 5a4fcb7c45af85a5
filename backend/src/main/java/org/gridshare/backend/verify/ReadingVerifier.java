package org.gridshare.backend.verify;

import java.time.Clock;
import java.util.Objects;
import org.gridshare.backend.crypto.SignerRecoveries;
import org.gridshare.backend.crypto.SignerRecovery;
import org.gridshare.backend.registry.Genesis;
import org.gridshare.backend.registry.MeterDirectory;
import org.gridshare.backend.registry.MeterStanding;
import org.gridshare.backend.rejects.Rejection;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.InvalidSignatureException;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.protocol.wire.WireFormatException;

/**
 * The checks every reading passes, in order: decode, recover the signer, signer = meter field = topic
 * meter, meter registered and active in the topic's zone, seq and prev chain against the meter's last
 * accepted reading. Pure apart from the directory and the clock: the Streams processor owns the state.
 *
 * <p>Sequence rules: same seq and digest as the last accepted = {@code DUPLICATE}; any other seq at or
 * below it = {@code REPLAYED_SEQ}; beyond last+1 = {@code SEQ_GAP} (not accepted, state unchanged: the
 * agent's outbox re-sends from its last acknowledged seq, so the missing readings arrive and the
 * later ones follow again).
 *
 * <p>The first reading of a meter is anchored in its registration ({@link Genesis}): its seq must be the
 * genesis seq (below it = {@code REPLAYED_SEQ}, above it = {@code SEQ_GAP}, so the agent re-sends from
 * the start) and its registers at or above the genesis registers ({@code REGISTER_DECREASED}). Its
 * {@code prev} is not checked: the registration records no digest, and only the registered key can sign
 * a reading with that seq. A registry that records no genesis (the v1 MeterRegistry) leaves the first
 * reading unanchored, as before.
 *
 * <p>Hot path: the domain separator is computed once here; the digest is hashed over the fields as
 * decoded (no re-encoding), and the signer is recovered through the {@link SignerRecovery} chosen at
 * start ({@link SignerRecoveries#preferred()}: libsecp256k1 where it loads).
 */
public final class ReadingVerifier {
    private final Bytes32 separator;
    private final MeterDirectory directory;
    private final Clock clock;
    private final SignerRecovery recovery;

    /** A verifier with this process's preferred signer recovery. */
    public ReadingVerifier(Eip712Domain domain, MeterDirectory directory, Clock clock) {
        this(domain, directory, clock, SignerRecoveries.preferred());
    }

    public ReadingVerifier(Eip712Domain domain, MeterDirectory directory, Clock clock, SignerRecovery recovery) {
        this.separator = Objects.requireNonNull(domain, "domain").separator();
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.recovery = Objects.requireNonNull(recovery, "recovery");
    }

    /** Verifies {@code in} against the meter's state ({@code null} when no reading was accepted yet). */
    public Verdict verify(IncomingReading in, ChainState state) {
        String where = where(in);
        try {
            Topics.Device topic = topic(in, where);
            Signed<MeterReading> signed = decode(in, where);
            Bytes32 digest = Eip712.digest(separator, signed.message().structHash());
            checkSigner(in, signed, digest, topic, where);
            MeterStanding standing = checkStanding(in, signed.message(), topic, where);
            String digestHex = digest.toHex();
            Deltas deltas = state == null
                    ? checkGenesis(in, signed.message(), standing.genesis(), where)
                    : checkChain(in, signed.message(), digestHex, state, where);
            return accepted(in, signed, digestHex, topic, state, deltas);
        } catch (Refused r) {
            return r.verdict;
        }
    }

    /** A phase refused the reading; carries the rejection (no stack trace: it is a verdict, not a fault). */
    private static final class Refused extends Exception {
        final Verdict verdict;

        Refused(Verdict verdict) {
            super(null, null, false, false);
            this.verdict = verdict;
        }
    }

    /** What the registers moved since the meter's last accepted reading (0 for its first). */
    private record Deltas(long importMilliWh, long exportMilliWh) {}

    /** The MQTT topic the reading arrived on: it names the zone and the meter that must have signed. */
    private Topics.Device topic(IncomingReading in, String where) throws Refused {
        Topics.Device topic =
                in.mqttTopic() == null ? null : Topics.parse(in.mqttTopic()).orElse(null);
        if (topic == null) {
            throw refuse(in, RejectReason.BAD_TOPIC, "missing or malformed mqtt.topic header " + where, null);
        }
        return topic;
    }

    private Signed<MeterReading> decode(IncomingReading in, String where) throws Refused {
        try {
            return JsonWire.decodeReading(in.payload());
        } catch (WireFormatException e) {
            RejectReason reason = e.reason() == WireFormatException.Reason.BAD_SIGNATURE_ENCODING
                    ? RejectReason.BAD_SIGNATURE
                    : RejectReason.fromName(e.reason().name(), RejectReason.BAD_FIELD);
            throw refuse(in, reason, e.getMessage() + " " + where, null);
        } catch (RuntimeException e) {
            throw refuse(in, RejectReason.BAD_FIELD, e.getMessage() + " " + where, null);
        }
    }

    /** The signature is the named meter's over these fields, and that meter owns the topic. */
    private void checkSigner(
            IncomingReading in, Signed<MeterReading> signed, Bytes32 digest, Topics.Device topic, String where)
            throws Refused {
        MeterReading r = signed.message();
        Long seq = r.seq();
        Address signer;
        try {
            signer = recovery.recover(digest, signed.signature());
        } catch (InvalidSignatureException e) {
            throw refuse(in, RejectReason.BAD_SIGNATURE, e.getMessage() + " " + where, seq);
        }
        if (!signer.equals(r.meter())) {
            // Forged or tampered: the signature is not the named meter's over these fields.
            throw refuse(
                    in,
                    RejectReason.BAD_SIGNATURE,
                    "signature recovers " + signer.toHex() + ", not the reading's meter "
                            + r.meter().toHex() + " " + where,
                    seq);
        }
        if (!r.meter().toHex().equals(topic.device())) {
            throw refuse(
                    in,
                    RejectReason.SIGNER_MISMATCH,
                    "signer " + signer.toHex() + " published on the topic of meter " + topic.device() + " " + where,
                    seq);
        }
    }

    /** The registry knows the meter, has not revoked it, and binds it to the topic's zone. */
    private MeterStanding checkStanding(IncomingReading in, MeterReading r, Topics.Device topic, String where)
            throws Refused {
        Long seq = r.seq();
        MeterStanding standing = directory.standing(r.meter());
        switch (standing.state()) {
            case UNREGISTERED ->
                throw refuse(
                        in,
                        RejectReason.UNREGISTERED_METER,
                        "meter " + r.meter().toHex() + " is not in the MeterRegistry " + where,
                        seq);
            case REVOKED ->
                throw refuse(
                        in, RejectReason.REVOKED_METER, "meter " + r.meter().toHex() + " was revoked " + where, seq);
            case UNAVAILABLE ->
                throw refuse(
                        in,
                        RejectReason.REGISTRY_UNAVAILABLE,
                        "registry unreachable and no answer about meter "
                                + r.meter().toHex() + " is younger than the directory's max age " + where,
                        seq);
            case ACTIVE -> {
                Bytes32 zone = directory.zoneId(topic.zone());
                if (!zone.equals(standing.zone())) {
                    throw refuse(
                            in,
                            RejectReason.ZONE_MISMATCH,
                            "meter " + r.meter().toHex()
                                    + " is registered to zone " + standing.zone() + ", topic names " + topic.zone()
                                    + " (" + zone + ") " + where,
                            seq);
                }
            }
        }
        return standing;
    }

    /**
     * The meter's first accepted reading starts where its registration says: the genesis seq, registers
     * at or above the genesis registers. Deltas are 0 (the interval sums start at the first reading).
     */
    private Deltas checkGenesis(IncomingReading in, MeterReading r, Genesis genesis, String where) throws Refused {
        if (genesis == null) {
            return new Deltas(0, 0); // a v1 registry: nothing to anchor to
        }
        Long seq = r.seq();
        int cmp = Long.compareUnsigned(r.seq(), genesis.seq());
        if (cmp < 0) {
            throw refuse(
                    in,
                    RejectReason.REPLAYED_SEQ,
                    "seq " + Long.toUnsignedString(r.seq()) + " is before the meter's registered genesis seq "
                            + Long.toUnsignedString(genesis.seq()) + " " + where,
                    seq);
        }
        if (cmp > 0) {
            throw refuse(
                    in,
                    RejectReason.SEQ_GAP,
                    "the meter's first reading must have its registered genesis seq "
                            + Long.toUnsignedString(genesis.seq()) + ", got " + Long.toUnsignedString(r.seq())
                            + " " + where,
                    seq);
        }
        if (Long.compareUnsigned(r.importMilliWh(), genesis.importMilliWh()) < 0
                || Long.compareUnsigned(r.exportMilliWh(), genesis.exportMilliWh()) < 0) {
            throw refuse(
                    in,
                    RejectReason.REGISTER_DECREASED,
                    "first reading's registers import " + Long.toUnsignedString(r.importMilliWh()) + "/export "
                            + Long.toUnsignedString(r.exportMilliWh()) + " are below the registered genesis "
                            + Long.toUnsignedString(genesis.importMilliWh()) + "/"
                            + Long.toUnsignedString(genesis.exportMilliWh()) + " " + where,
                    seq);
        }
        return new Deltas(0, 0);
    }

    /**
     * The reading continues the meter's chain: the next seq, {@code prev} = the last accepted digest,
     * registers not decreasing. Returns what the registers moved.
     */
    private Deltas checkChain(IncomingReading in, MeterReading r, String digestHex, ChainState state, String where)
            throws Refused {
        Long seq = r.seq();
        int cmp = Long.compareUnsigned(r.seq(), state.lastSeq());
        if (cmp == 0 && digestHex.equals(state.lastDigest())) {
            throw refuse(
                    in,
                    RejectReason.DUPLICATE,
                    "seq " + Long.toUnsignedString(r.seq()) + " was already accepted with the same digest " + where,
                    seq);
        }
        if (cmp <= 0) {
            throw refuse(
                    in,
                    RejectReason.REPLAYED_SEQ,
                    "seq " + Long.toUnsignedString(r.seq())
                            + " is not above the last accepted seq " + Long.toUnsignedString(state.lastSeq())
                            + " " + where,
                    seq);
        }
        if (r.seq() - state.lastSeq() != 1) {
            throw refuse(
                    in,
                    RejectReason.SEQ_GAP,
                    "seq " + Long.toUnsignedString(r.seq()) + " skips after " + Long.toUnsignedString(state.lastSeq())
                            + " " + where,
                    seq);
        }
        if (!r.prev().toHex().equals(state.lastDigest())) {
            throw refuse(
                    in,
                    RejectReason.BROKEN_CHAIN,
                    "prev " + r.prev().toHex()
                            + " is not the digest " + state.lastDigest() + " of seq "
                            + Long.toUnsignedString(state.lastSeq()) + " " + where,
                    seq);
        }
        if (Long.compareUnsigned(r.importMilliWh(), state.lastImportMilliWh()) < 0
                || Long.compareUnsigned(r.exportMilliWh(), state.lastExportMilliWh()) < 0) {
            throw refuse(
                    in,
                    RejectReason.REGISTER_DECREASED,
                    "cumulative registers went from import "
                            + Long.toUnsignedString(state.lastImportMilliWh()) + "/export "
                            + Long.toUnsignedString(state.lastExportMilliWh()) + " to "
                            + Long.toUnsignedString(r.importMilliWh()) + "/"
                            + Long.toUnsignedString(r.exportMilliWh()) + " " + where,
                    seq);
        }
        return new Deltas(r.importMilliWh() - state.lastImportMilliWh(), r.exportMilliWh() - state.lastExportMilliWh());
    }

    /** The verified reading and the meter's chain state after it. */
    private Verdict accepted(
            IncomingReading in,
            Signed<MeterReading> signed,
            String digestHex,
            Topics.Device topic,
            ChainState state,
            Deltas deltas) {
        MeterReading r = signed.message();
        long now = clock.millis();
        VerifiedReading out = new VerifiedReading(
                r.meter().toHex(),
                topic.zone(),
                r.seq(),
                r.timeMs(),
                r.importMilliWh(),
                r.exportMilliWh(),
                r.powerMilliW(),
                r.status(),
                r.prev().toHex(),
                digestHex,
                signed.signature().toHex(),
                in.receivedAtMs(),
                now,
                deltas.importMilliWh(),
                deltas.exportMilliWh());
        ChainState next = new ChainState(
                r.seq(),
                digestHex,
                r.timeMs(),
                r.importMilliWh(),
                r.exportMilliWh(),
                (state == null ? 0 : state.accepted()) + 1);
        return new Verdict.Accepted(out, next);
    }

    private Refused refuse(IncomingReading in, RejectReason reason, String detail, Long seq) {
        return new Refused(reject(in, reason, detail, seq));
    }

    private Verdict reject(IncomingReading in, RejectReason reason, String detail, Long seq) {
        return new Verdict.Rejected(Rejection.of(
                reason,
                detail,
                in.key() == null ? "unknown" : in.key(),
                seq,
                in.source(),
                in.payload(),
                clock.millis()));
    }

    private static String where(IncomingReading in) {
        Rejection.Source s = in.source();
        return s == null ? "" : "(" + s.topic() + "-" + s.partition() + "@" + s.offset() + ")";
    }
}
