package org.gridshare.backend.market.statements;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.gridshare.backend.market.MarketSettings;
import org.gridshare.backend.market.chain.ChainUnavailableException;
import org.gridshare.backend.market.chain.MarketChain;
import org.gridshare.contracts.MeterRecord;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.IntervalStatement;
import org.gridshare.protocol.InvalidSignatureException;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.SignatureVerifier;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.ZoneIds;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.protocol.wire.WireFormatException;

/**
 * The checks every interval statement passes, in order: topic form; decode; signature in the market
 * domain recovers the statement's meter (else BAD_SIGNATURE) and that is the topic's meter (else
 * SIGNER_MISMATCH); interval length = the market interval and start aligned; registers and seqs do not
 * run backwards (the contract would revert the whole batch); the interval has ended at arrival; the
 * meter is registered, active and in the topic's zone on-chain; and the statement is the one the
 * meter's verified reading chain implies for the interval ({@link VerifiedReadingChains}): same seq
 * range, same boundary registers, same {@code readingsRoot} (docs/protocol.md, "Statements bound to
 * the verified readings"). A statement whose readings are not all verified yet is refused with the
 * transient {@code READINGS_NOT_VERIFIED}: the meter gets no verdict and publishes it again, so it is
 * checked once its readings have caught up (or misses the statement deadline). Pure apart from the
 * chain read and the chain table.
 */
public final class StatementVerifier {
    private final Eip712Domain domain;
    private final MarketSettings settings;
    private final MarketChain chain;
    private final VerifiedReadingChains readings;
    private final Clock clock;

    /**
     * @param readings the verified reading chains every statement is compared with
     */
    public StatementVerifier(
            Eip712Domain marketDomain,
            MarketSettings settings,
            MarketChain chain,
            VerifiedReadingChains readings,
            Clock clock) {
        this.domain = Objects.requireNonNull(marketDomain, "marketDomain");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.chain = Objects.requireNonNull(chain, "chain");
        this.readings = Objects.requireNonNull(readings, "readings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Decides about one record of {@code gridshare.statements.v1}; never throws for bad input. */
    public StatementVerdict verify(String mqttTopic, byte[] payload, long arrivalMs) {
        try {
            Topics.Device topic = topic(mqttTopic);
            Signed<IntervalStatement> signed = decode(payload, topic);
            IntervalStatement s = signed.message();
            Subject at = new Subject(topic.zone(), topic.device(), s.intervalStartMs());
            Bytes32 digest = Eip712.digest(domain, s);
            checkSigner(signed, digest, at);
            checkInterval(s, arrivalMs, at);
            MeterRecord rec = registeredMeter(s, at);
            checkReadingChain(s, at);
            return new StatementVerdict.Accepted(new VerifiedStatement(
                    at.meter,
                    rec.household().toHex(),
                    at.zone,
                    rec.zone().toHex(),
                    s.intervalStartMs(),
                    s.intervalSeconds(),
                    s.importEnd() - s.importStart(),
                    s.exportEnd() - s.exportStart(),
                    digest.toHex(),
                    arrivalMs,
                    clock.millis(),
                    new String(JsonWire.encodeStatement(signed), StandardCharsets.UTF_8)));
        } catch (Refused r) {
            return r.verdict;
        }
    }

    /** Which statement a rejection is about: the topic's zone and meter, the statement's interval. */
    private record Subject(String zone, String meter, Long interval) {}

    /** A check refused the statement; carries the rejection (no stack trace: it is a verdict, not a fault). */
    private static final class Refused extends Exception {
        final StatementVerdict.Rejected verdict;

        Refused(StatementVerdict.Rejected verdict) {
            super(null, null, false, false);
            this.verdict = verdict;
        }
    }

    private static Refused refuse(RejectReason reason, String detail, Subject at) {
        return new Refused(new StatementVerdict.Rejected(reason, detail, at.zone, at.meter, at.interval));
    }

    /** The topic names the zone and the meter that must have signed. */
    private static Topics.Device topic(String mqttTopic) throws Refused {
        Topics.Device topic = mqttTopic == null ? null : Topics.parse(mqttTopic).orElse(null);
        if (topic == null || !topic.kind().equals("statements")) {
            throw new Refused(new StatementVerdict.Rejected(
                    RejectReason.BAD_TOPIC,
                    "missing or malformed mqtt.topic header '" + mqttTopic + "'",
                    null,
                    null,
                    null));
        }
        return topic;
    }

    private static Signed<IntervalStatement> decode(byte[] payload, Topics.Device topic) throws Refused {
        Subject at = new Subject(topic.zone(), topic.device(), null);
        try {
            return JsonWire.decodeStatement(payload);
        } catch (WireFormatException e) {
            RejectReason reason = e.reason() == WireFormatException.Reason.BAD_SIGNATURE_ENCODING
                    ? RejectReason.BAD_SIGNATURE
                    : RejectReason.fromName(e.reason().name(), RejectReason.BAD_FIELD);
            throw refuse(reason, e.getMessage(), at);
        } catch (RuntimeException e) {
            throw refuse(RejectReason.BAD_FIELD, String.valueOf(e.getMessage()), at);
        }
    }

    /** The signature in the market domain recovers the statement's meter, and that meter owns the topic. */
    private static void checkSigner(Signed<IntervalStatement> signed, Bytes32 digest, Subject at) throws Refused {
        IntervalStatement s = signed.message();
        Address signer;
        try {
            signer = SignatureVerifier.recover(digest, signed.signature());
        } catch (InvalidSignatureException e) {
            throw refuse(RejectReason.BAD_SIGNATURE, e.getMessage(), at);
        }
        if (!signer.equals(s.meter())) {
            throw refuse(
                    RejectReason.BAD_SIGNATURE,
                    "signature recovers " + signer.toHex() + ", not the statement's meter "
                            + s.meter().toHex(),
                    at);
        }
        if (!s.meter().toHex().equals(at.meter)) {
            throw refuse(
                    RejectReason.SIGNER_MISMATCH,
                    "statement of " + s.meter().toHex() + " published on the topic of meter " + at.meter,
                    at);
        }
    }

    /**
     * One aligned market interval, ended at arrival, whose registers and seqs do not run backwards (the
     * contract would revert the whole batch).
     */
    private void checkInterval(IntervalStatement s, long arrivalMs, Subject at) throws Refused {
        long intervalMs = settings.intervalMs();
        if (s.intervalSeconds() * 1000 != intervalMs
                || s.intervalStartMs() < 0
                || s.intervalStartMs() % intervalMs != 0) {
            throw refuse(
                    RejectReason.STATEMENT_INTERVAL_MISMATCH,
                    "interval "
                            + Long.toUnsignedString(s.intervalStartMs()) + " of " + s.intervalSeconds()
                            + " s is not an aligned market interval of " + intervalMs / 1000 + " s",
                    at);
        }
        if (Long.compareUnsigned(s.importEnd(), s.importStart()) < 0
                || Long.compareUnsigned(s.exportEnd(), s.exportStart()) < 0
                || Long.compareUnsigned(s.lastSeq(), s.firstSeq()) < 0) {
            throw refuse(
                    RejectReason.STATEMENT_RANGE_INVALID,
                    "import "
                            + Long.toUnsignedString(s.importStart()) + ".." + Long.toUnsignedString(s.importEnd())
                            + ", export "
                            + Long.toUnsignedString(s.exportStart()) + ".." + Long.toUnsignedString(s.exportEnd())
                            + ", seq "
                            + Long.toUnsignedString(s.firstSeq()) + ".." + Long.toUnsignedString(s.lastSeq())
                            + ": an end is below its start",
                    at);
        }
        long endMs = s.intervalStartMs() + intervalMs;
        if (arrivalMs < endMs) {
            throw refuse(
                    RejectReason.STATEMENT_BEFORE_INTERVAL_END,
                    "arrived at " + arrivalMs + ", before the interval's end " + endMs,
                    at);
        }
    }

    /** The meter's on-chain record: registered, active, in the topic's zone. */
    private MeterRecord registeredMeter(IntervalStatement s, Subject at) throws Refused {
        Optional<MeterRecord> rec;
        try {
            rec = chain.meter(s.meter());
        } catch (ChainUnavailableException e) {
            throw refuse(RejectReason.REGISTRY_UNAVAILABLE, e.getMessage(), at);
        }
        if (rec.isEmpty()) {
            throw refuse(RejectReason.UNREGISTERED_METER, "meter " + at.meter + " is not in the MeterRegistry", at);
        }
        if (!rec.get().active()) {
            throw refuse(RejectReason.REVOKED_METER, "meter " + at.meter + " was revoked", at);
        }
        Bytes32 zoneId = ZoneIds.of(at.zone);
        if (!rec.get().zone().equals(zoneId)) {
            throw refuse(
                    RejectReason.ZONE_MISMATCH,
                    "meter " + at.meter + " is registered to zone "
                            + rec.get().zone().toHex() + ", topic names " + at.zone + " (" + zoneId.toHex() + ")",
                    at);
        }
        return rec.get();
    }

    /**
     * The statement equals what the meter's verified readings of the interval imply: seq range, boundary
     * registers, readings root, in that order of checking (the first difference is the reason).
     */
    private void checkReadingChain(IntervalStatement s, Subject at) throws Refused {
        VerifiedReadingChains.Lookup found = readings.lookup(at.meter, s.intervalStartMs());
        if (!found.verifiedThrough(s.lastSeq())) {
            throw refuse(
                    RejectReason.READINGS_NOT_VERIFIED,
                    "the statement ends at seq " + Long.toUnsignedString(s.lastSeq()) + ", the meter's readings are "
                            + (found.any()
                                    ? "verified through seq " + Long.toUnsignedString(found.verifiedThroughSeq())
                                    : "not verified at all")
                            + " yet",
                    at);
        }
        if (found.interval().isEmpty()) {
            throw refuse(
                    RejectReason.STATEMENT_SEQ_MISMATCH,
                    "no verified reading of meter " + at.meter + " lies in interval "
                            + Long.toUnsignedString(s.intervalStartMs()) + ", the statement claims seq "
                            + Long.toUnsignedString(s.firstSeq()) + ".." + Long.toUnsignedString(s.lastSeq()),
                    at);
        }
        VerifiedReadingChains.IntervalChain v = found.interval().get();
        if (!v.ordered()) {
            throw refuse(
                    RejectReason.STATEMENT_SEQ_MISMATCH,
                    "the verified readings of interval " + s.intervalStartMs()
                            + " are not in time order (the meter's clock went backwards): no statement can match",
                    at);
        }
        if (s.firstSeq() != v.firstSeq() || s.lastSeq() != v.lastSeq()) {
            throw refuse(
                    RejectReason.STATEMENT_SEQ_MISMATCH,
                    "statement seq " + Long.toUnsignedString(s.firstSeq()) + ".." + Long.toUnsignedString(s.lastSeq())
                            + ", verified readings of the interval seq " + Long.toUnsignedString(v.firstSeq()) + ".."
                            + Long.toUnsignedString(v.lastSeq()),
                    at);
        }
        if (!v.startKnown()) {
            throw refuse(
                    RejectReason.STATEMENT_REGISTERS_MISMATCH,
                    "the reading before seq " + Long.toUnsignedString(v.firstSeq())
                            + " was never verified here: the start registers cannot be checked",
                    at);
        }
        if (s.importStart() != v.importStart()
                || s.importEnd() != v.importEnd()
                || s.exportStart() != v.exportStart()
                || s.exportEnd() != v.exportEnd()) {
            throw refuse(
                    RejectReason.STATEMENT_REGISTERS_MISMATCH,
                    "statement import " + registers(s.importStart(), s.importEnd()) + " export "
                            + registers(s.exportStart(), s.exportEnd()) + ", verified readings import "
                            + registers(v.importStart(), v.importEnd()) + " export "
                            + registers(v.exportStart(), v.exportEnd()),
                    at);
        }
        if (!s.readingsRoot().equals(v.readingsRoot())) {
            throw refuse(
                    RejectReason.STATEMENT_ROOT_MISMATCH,
                    "statement readingsRoot " + s.readingsRoot().toHex() + ", root of the verified readings "
                            + v.readingsRoot().toHex(),
                    at);
        }
    }

    private static String registers(long start, long end) {
        return Long.toUnsignedString(start) + ".." + Long.toUnsignedString(end);
    }
}
