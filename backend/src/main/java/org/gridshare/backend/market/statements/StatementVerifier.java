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
 * meter is registered, active and in the topic's zone on-chain. Pure apart from the chain read.
 */
public final class StatementVerifier {
    private final Eip712Domain domain;
    private final MarketSettings settings;
    private final MarketChain chain;
    private final Clock clock;

    public StatementVerifier(Eip712Domain marketDomain, MarketSettings settings, MarketChain chain, Clock clock) {
        this.domain = Objects.requireNonNull(marketDomain, "marketDomain");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.chain = Objects.requireNonNull(chain, "chain");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Decides about one record of {@code gridshare.statements.v1}; never throws for bad input. */
    public StatementVerdict verify(String mqttTopic, byte[] payload, long arrivalMs) {
        Topics.Device topic = mqttTopic == null ? null : Topics.parse(mqttTopic).orElse(null);
        if (topic == null || !topic.kind().equals("statements")) {
            return new StatementVerdict.Rejected(
                    RejectReason.BAD_TOPIC,
                    "missing or malformed mqtt.topic header '" + mqttTopic + "'",
                    null,
                    null,
                    null);
        }
        String zone = topic.zone();
        String meter = topic.device();
        Signed<IntervalStatement> signed;
        try {
            signed = JsonWire.decodeStatement(payload);
        } catch (WireFormatException e) {
            RejectReason reason = e.reason() == WireFormatException.Reason.BAD_SIGNATURE_ENCODING
                    ? RejectReason.BAD_SIGNATURE
                    : RejectReason.fromName(e.reason().name(), RejectReason.BAD_FIELD);
            return new StatementVerdict.Rejected(reason, e.getMessage(), zone, meter, null);
        } catch (RuntimeException e) {
            return new StatementVerdict.Rejected(
                    RejectReason.BAD_FIELD, String.valueOf(e.getMessage()), zone, meter, null);
        }
        IntervalStatement s = signed.message();
        Long interval = s.intervalStartMs();
        Bytes32 digest = Eip712.digest(domain, s);
        Address signer;
        try {
            signer = SignatureVerifier.recover(digest, signed.signature());
        } catch (InvalidSignatureException e) {
            return new StatementVerdict.Rejected(RejectReason.BAD_SIGNATURE, e.getMessage(), zone, meter, interval);
        }
        if (!signer.equals(s.meter())) {
            return new StatementVerdict.Rejected(
                    RejectReason.BAD_SIGNATURE,
                    "signature recovers " + signer.toHex() + ", not the statement's meter "
                            + s.meter().toHex(),
                    zone,
                    meter,
                    interval);
        }
        if (!s.meter().toHex().equals(meter)) {
            return new StatementVerdict.Rejected(
                    RejectReason.SIGNER_MISMATCH,
                    "statement of " + s.meter().toHex() + " published on the topic of meter " + meter,
                    zone,
                    meter,
                    interval);
        }
        long intervalMs = settings.intervalMs();
        if (s.intervalSeconds() * 1000 != intervalMs
                || s.intervalStartMs() < 0
                || s.intervalStartMs() % intervalMs != 0) {
            return new StatementVerdict.Rejected(
                    RejectReason.STATEMENT_INTERVAL_MISMATCH,
                    "interval "
                            + Long.toUnsignedString(s.intervalStartMs()) + " of " + s.intervalSeconds()
                            + " s is not an aligned market interval of " + intervalMs / 1000 + " s",
                    zone,
                    meter,
                    interval);
        }
        if (Long.compareUnsigned(s.importEnd(), s.importStart()) < 0
                || Long.compareUnsigned(s.exportEnd(), s.exportStart()) < 0
                || Long.compareUnsigned(s.lastSeq(), s.firstSeq()) < 0) {
            return new StatementVerdict.Rejected(
                    RejectReason.STATEMENT_RANGE_INVALID,
                    "import "
                            + Long.toUnsignedString(s.importStart()) + ".." + Long.toUnsignedString(s.importEnd())
                            + ", export "
                            + Long.toUnsignedString(s.exportStart()) + ".." + Long.toUnsignedString(s.exportEnd())
                            + ", seq "
                            + Long.toUnsignedString(s.firstSeq()) + ".." + Long.toUnsignedString(s.lastSeq())
                            + ": an end is below its start",
                    zone,
                    meter,
                    interval);
        }
        long endMs = s.intervalStartMs() + intervalMs;
        if (arrivalMs < endMs) {
            return new StatementVerdict.Rejected(
                    RejectReason.STATEMENT_BEFORE_INTERVAL_END,
                    "arrived at " + arrivalMs + ", before the interval's end " + endMs,
                    zone,
                    meter,
                    interval);
        }
        Optional<MeterRecord> rec;
        try {
            rec = chain.meter(s.meter());
        } catch (ChainUnavailableException e) {
            return new StatementVerdict.Rejected(
                    RejectReason.REGISTRY_UNAVAILABLE, e.getMessage(), zone, meter, interval);
        }
        if (rec.isEmpty()) {
            return new StatementVerdict.Rejected(
                    RejectReason.UNREGISTERED_METER,
                    "meter " + meter + " is not in the MeterRegistry",
                    zone,
                    meter,
                    interval);
        }
        if (!rec.get().active()) {
            return new StatementVerdict.Rejected(
                    RejectReason.REVOKED_METER, "meter " + meter + " was revoked", zone, meter, interval);
        }
        Bytes32 zoneId = ZoneIds.of(zone);
        if (!rec.get().zone().equals(zoneId)) {
            return new StatementVerdict.Rejected(
                    RejectReason.ZONE_MISMATCH,
                    "meter " + meter + " is registered to zone "
                            + rec.get().zone().toHex() + ", topic names " + zone + " (" + zoneId.toHex() + ")",
                    zone,
                    meter,
                    interval);
        }
        return new StatementVerdict.Accepted(new VerifiedStatement(
                meter,
                rec.get().household().toHex(),
                zone,
                zoneId.toHex(),
                s.intervalStartMs(),
                s.intervalSeconds(),
                s.importEnd() - s.importStart(),
                s.exportEnd() - s.exportStart(),
                digest.toHex(),
                arrivalMs,
                clock.millis(),
                new String(JsonWire.encodeStatement(signed), StandardCharsets.UTF_8)));
    }
}
