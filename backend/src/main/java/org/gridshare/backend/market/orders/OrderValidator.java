package org.gridshare.backend.market.orders;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.gridshare.backend.market.MarketSettings;
import org.gridshare.backend.market.chain.ChainUnavailableException;
import org.gridshare.backend.market.chain.MarketChain;
import org.gridshare.backend.market.chain.Tariffs;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Bytes32;
import org.gridshare.protocol.Eip712;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.InvalidSignatureException;
import org.gridshare.protocol.Order;
import org.gridshare.protocol.RejectReason;
import org.gridshare.protocol.SignatureVerifier;
import org.gridshare.protocol.Signed;
import org.gridshare.protocol.Topics;
import org.gridshare.protocol.ZoneIds;
import org.gridshare.protocol.wire.JsonWire;
import org.gridshare.protocol.wire.WireFormatException;

/**
 * The checks every order passes before it enters a book, in order: topic form; decode; signature in the
 * market domain recovers the order's account; account = the topic's account; order zone = the topic's
 * zone; a re-delivered accepted order is recognised here (same digest: accepted again, nothing
 * changes); energy &gt; 0; interval aligned to the epoch; arrival before gate closure (the bridge's
 * receive time, so a replay decides the same) and not beyond the horizon; expiry not before the
 * interval start (the contract's rule); book not yet cleared; limit within the contract's tariffs; nonce above the account's highest
 * accepted one; the account has an active meter in the zone on-chain. Pure apart from the chain reads.
 */
public final class OrderValidator {
    private final Eip712Domain domain;
    private final MarketSettings settings;
    private final MarketChain chain;

    public OrderValidator(Eip712Domain marketDomain, MarketSettings settings, MarketChain chain) {
        this.domain = Objects.requireNonNull(marketDomain, "marketDomain");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.chain = Objects.requireNonNull(chain, "chain");
    }

    /** The market domain orders are signed in. */
    public Eip712Domain domain() {
        return domain;
    }

    /** Decides about {@code in} against the books' memory; never throws for bad input. */
    public OrderVerdict validate(IncomingOrder in, OrderBooks books) {
        Topics.Device topic =
                in.mqttTopic() == null ? null : Topics.parse(in.mqttTopic()).orElse(null);
        if (topic == null || !topic.kind().equals("orders")) {
            return new OrderVerdict.Rejected(
                    RejectReason.BAD_TOPIC,
                    "missing or malformed mqtt.topic header '" + in.mqttTopic() + "'",
                    null,
                    null,
                    null,
                    null);
        }
        String zone = topic.zone();
        String account = topic.device();
        Signed<Order> signed;
        try {
            signed = JsonWire.decodeOrder(in.payload());
        } catch (WireFormatException e) {
            RejectReason reason = e.reason() == WireFormatException.Reason.BAD_SIGNATURE_ENCODING
                    ? RejectReason.BAD_SIGNATURE
                    : RejectReason.fromName(e.reason().name(), RejectReason.BAD_FIELD);
            return new OrderVerdict.Rejected(reason, e.getMessage(), zone, account, null, null);
        } catch (RuntimeException e) {
            return new OrderVerdict.Rejected(
                    RejectReason.BAD_FIELD, String.valueOf(e.getMessage()), zone, account, null, null);
        }
        Order o = signed.message();
        String digest = Eip712.digest(domain, o).toHex();
        Long interval = o.intervalStartMs();
        Address signer;
        try {
            signer = SignatureVerifier.recover(Eip712.digest(domain, o), signed.signature());
        } catch (InvalidSignatureException e) {
            return reject(RejectReason.BAD_SIGNATURE, e.getMessage(), zone, account, digest, interval);
        }
        if (!signer.equals(o.account())) {
            return reject(
                    RejectReason.BAD_SIGNATURE,
                    "signature recovers " + signer.toHex() + ", not the order's account "
                            + o.account().toHex() + " (market domain "
                            + domain.verifyingContract().toHex() + ")",
                    zone,
                    account,
                    digest,
                    interval);
        }
        if (!o.account().toHex().equals(account)) {
            return reject(
                    RejectReason.SIGNER_MISMATCH,
                    "order of " + o.account().toHex() + " published on the topic of account " + account,
                    zone,
                    account,
                    digest,
                    interval);
        }
        Bytes32 zoneId = ZoneIds.of(zone);
        if (!o.zone().equals(zoneId)) {
            return reject(
                    RejectReason.ORDER_ZONE_MISMATCH,
                    "order zone " + o.zone().toHex() + " is not topic zone " + zone + " (" + zoneId.toHex() + ")",
                    zone,
                    account,
                    digest,
                    interval);
        }
        if (books.isAccepted(digest)) {
            return new OrderVerdict.Accepted(accepted(signed, zone, zoneId, digest, in.arrivalMs()), true);
        }
        if (o.energyMilliWh() <= 0) {
            return reject(
                    RejectReason.ORDER_ENERGY_INVALID,
                    "energyMilliWh " + Long.toUnsignedString(o.energyMilliWh()) + " must be above 0 and below 2^63",
                    zone,
                    account,
                    digest,
                    interval);
        }
        long intervalMs = settings.intervalMs();
        if (o.intervalStartMs() < 0 || o.intervalStartMs() % intervalMs != 0) {
            return reject(
                    RejectReason.INTERVAL_NOT_ALIGNED,
                    "intervalStartMs " + Long.toUnsignedString(o.intervalStartMs())
                            + " is not a multiple of the market interval " + intervalMs + " ms",
                    zone,
                    account,
                    digest,
                    interval);
        }
        long gateClosureMs = settings.gateClosureMs(o.intervalStartMs());
        if (in.arrivalMs() >= gateClosureMs) {
            return reject(
                    RejectReason.GATE_CLOSED,
                    "arrived at " + in.arrivalMs() + ", gate closure of interval " + o.intervalStartMs() + " was "
                            + gateClosureMs,
                    zone,
                    account,
                    digest,
                    interval);
        }
        if (o.intervalStartMs() - in.arrivalMs() > settings.horizon().toMillis()) {
            return reject(
                    RejectReason.INTERVAL_TOO_FAR,
                    "interval " + o.intervalStartMs() + " starts more than " + settings.horizon() + " after arrival "
                            + in.arrivalMs(),
                    zone,
                    account,
                    digest,
                    interval);
        }
        // the contract refuses expiryMs < intervalStartMs (OrderExpired) and a batch is all-or-nothing:
        // such an order must never reach a book
        if (Long.compareUnsigned(o.expiryMs(), o.intervalStartMs()) < 0) {
            return reject(
                    RejectReason.ORDER_EXPIRED,
                    "expiryMs " + Long.toUnsignedString(o.expiryMs()) + " is before the interval start "
                            + o.intervalStartMs(),
                    zone,
                    account,
                    digest,
                    interval);
        }
        if (books.isCleared(new BookKey(zoneId.toHex(), o.intervalStartMs()))) {
            return reject(
                    RejectReason.GATE_CLOSED,
                    "the book of " + zone + " interval " + o.intervalStartMs() + " is already cleared",
                    zone,
                    account,
                    digest,
                    interval);
        }
        Tariffs tariffs;
        try {
            tariffs = chain.tariffs();
        } catch (ChainUnavailableException e) {
            return reject(RejectReason.REGISTRY_UNAVAILABLE, e.getMessage(), zone, account, digest, interval);
        }
        if (!tariffs.admits(o.limitPricePerKWh())) {
            return reject(
                    RejectReason.LIMIT_OUTSIDE_TARIFFS,
                    "limitPricePerKWh "
                            + Long.toUnsignedString(o.limitPricePerKWh()) + " is outside the tariffs ["
                            + tariffs.feedIn() + ", "
                            + tariffs.retail() + "]",
                    zone,
                    account,
                    digest,
                    interval);
        }
        Long highest = books.highestNonce(account);
        if (highest != null && Long.compareUnsigned(o.nonce(), highest) <= 0) {
            return reject(
                    RejectReason.NONCE_NOT_INCREASING,
                    "nonce " + Long.toUnsignedString(o.nonce()) + " is not above the highest accepted nonce "
                            + Long.toUnsignedString(highest) + " of " + account,
                    zone,
                    account,
                    digest,
                    interval);
        }
        List<Address> meters;
        try {
            meters = chain.activeMeters(o.account(), zoneId);
        } catch (ChainUnavailableException e) {
            return reject(RejectReason.REGISTRY_UNAVAILABLE, e.getMessage(), zone, account, digest, interval);
        }
        if (meters.isEmpty()) {
            return reject(
                    RejectReason.NO_ACTIVE_METER,
                    "account " + account + " has no active meter in zone " + zone + " (" + zoneId.toHex()
                            + ") in the MeterRegistry",
                    zone,
                    account,
                    digest,
                    interval);
        }
        return new OrderVerdict.Accepted(accepted(signed, zone, zoneId, digest, in.arrivalMs()), false);
    }

    private static AcceptedOrder accepted(
            Signed<Order> signed, String zone, Bytes32 zoneId, String digest, long arrivalMs) {
        Order o = signed.message();
        return new AcceptedOrder(
                o.account().toHex(),
                zone,
                zoneId.toHex(),
                o.intervalStartMs(),
                o.side(),
                o.energyMilliWh(),
                o.limitPricePerKWh(),
                o.nonce(),
                o.expiryMs(),
                digest,
                arrivalMs,
                new String(JsonWire.encodeOrder(signed), StandardCharsets.UTF_8));
    }

    private static OrderVerdict.Rejected reject(
            RejectReason reason, String detail, String zone, String account, String digest, Long interval) {
        return new OrderVerdict.Rejected(reason, detail, zone, account, digest, interval);
    }
}
