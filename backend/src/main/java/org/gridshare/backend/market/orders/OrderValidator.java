package org.gridshare.backend.market.orders;

import java.math.BigInteger;
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
 * accepted one; the account has an active meter in the zone on-chain; the account's balance covers the
 * worst case of its open orders with this one ({@link CommittedFunds}). Pure apart from the chain reads
 * and the commitments.
 */
public final class OrderValidator {
    private final Eip712Domain domain;
    private final MarketSettings settings;
    private final MarketChain chain;
    private final CommittedFunds funds;

    /**
     * @param funds the accounts' open commitments (the intake commits every accepted order to it)
     */
    public OrderValidator(Eip712Domain marketDomain, MarketSettings settings, MarketChain chain, CommittedFunds funds) {
        this.domain = Objects.requireNonNull(marketDomain, "marketDomain");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.chain = Objects.requireNonNull(chain, "chain");
        this.funds = Objects.requireNonNull(funds, "funds");
    }

    /** The accounts' open commitments this validator checks against. */
    public CommittedFunds funds() {
        return funds;
    }

    /** The market domain orders are signed in. */
    public Eip712Domain domain() {
        return domain;
    }

    /** Decides about {@code in} against the books' memory; never throws for bad input. */
    public OrderVerdict validate(IncomingOrder in, OrderBooks books) {
        try {
            Topics.Device topic = topic(in);
            Signed<Order> signed = decode(in, topic);
            Order o = signed.message();
            Bytes32 zoneId = ZoneIds.of(topic.zone());
            Subject at = new Subject(
                    topic.zone(), topic.device(), Eip712.digest(domain, o).toHex(), o.intervalStartMs());
            checkSigner(signed, zoneId, at);
            if (books.isAccepted(at.digest)) {
                return new OrderVerdict.Accepted(
                        accepted(signed, at.zone, zoneId, at.digest, in.arrivalMs(), null), true);
            }
            checkTerms(o, in.arrivalMs(), at);
            checkBook(o, books, zoneId, at);
            checkMeter(o, zoneId, at);
            BigInteger worstCase = checkFunds(o, zoneId, at);
            return new OrderVerdict.Accepted(
                    accepted(signed, at.zone, zoneId, at.digest, in.arrivalMs(), worstCase), false);
        } catch (Refused r) {
            return r.verdict;
        }
    }

    /** Which order a rejection is about: the topic's zone and account, the order's digest and interval. */
    private record Subject(String zone, String account, String digest, Long interval) {}

    /** A check refused the order; carries the rejection (no stack trace: it is a verdict, not a fault). */
    private static final class Refused extends Exception {
        final OrderVerdict.Rejected verdict;

        Refused(OrderVerdict.Rejected verdict) {
            super(null, null, false, false);
            this.verdict = verdict;
        }
    }

    /** The topic names the zone and the account that must have signed. */
    private static Topics.Device topic(IncomingOrder in) throws Refused {
        Topics.Device topic =
                in.mqttTopic() == null ? null : Topics.parse(in.mqttTopic()).orElse(null);
        if (topic == null || !topic.kind().equals("orders")) {
            throw new Refused(new OrderVerdict.Rejected(
                    RejectReason.BAD_TOPIC,
                    "missing or malformed mqtt.topic header '" + in.mqttTopic() + "'",
                    null,
                    null,
                    null,
                    null));
        }
        return topic;
    }

    private static Signed<Order> decode(IncomingOrder in, Topics.Device topic) throws Refused {
        String zone = topic.zone();
        String account = topic.device();
        try {
            return JsonWire.decodeOrder(in.payload());
        } catch (WireFormatException e) {
            RejectReason reason = e.reason() == WireFormatException.Reason.BAD_SIGNATURE_ENCODING
                    ? RejectReason.BAD_SIGNATURE
                    : RejectReason.fromName(e.reason().name(), RejectReason.BAD_FIELD);
            throw new Refused(new OrderVerdict.Rejected(reason, e.getMessage(), zone, account, null, null));
        } catch (RuntimeException e) {
            throw new Refused(new OrderVerdict.Rejected(
                    RejectReason.BAD_FIELD, String.valueOf(e.getMessage()), zone, account, null, null));
        }
    }

    /** The signature in the market domain recovers the order's account, which owns the topic, in the topic's zone. */
    private void checkSigner(Signed<Order> signed, Bytes32 zoneId, Subject at) throws Refused {
        Order o = signed.message();
        Address signer;
        try {
            signer = SignatureVerifier.recover(Eip712.digest(domain, o), signed.signature());
        } catch (InvalidSignatureException e) {
            throw refuse(RejectReason.BAD_SIGNATURE, e.getMessage(), at);
        }
        if (!signer.equals(o.account())) {
            throw refuse(
                    RejectReason.BAD_SIGNATURE,
                    "signature recovers " + signer.toHex() + ", not the order's account "
                            + o.account().toHex() + " (market domain "
                            + domain.verifyingContract().toHex() + ")",
                    at);
        }
        if (!o.account().toHex().equals(at.account)) {
            throw refuse(
                    RejectReason.SIGNER_MISMATCH,
                    "order of " + o.account().toHex() + " published on the topic of account " + at.account,
                    at);
        }
        if (!o.zone().equals(zoneId)) {
            throw refuse(
                    RejectReason.ORDER_ZONE_MISMATCH,
                    "order zone " + o.zone().toHex() + " is not topic zone " + at.zone + " (" + zoneId.toHex() + ")",
                    at);
        }
    }

    /** Energy, interval alignment, gate closure and horizon at arrival, expiry: the order's own terms. */
    private void checkTerms(Order o, long arrivalMs, Subject at) throws Refused {
        if (o.energyMilliWh() <= 0) {
            throw refuse(
                    RejectReason.ORDER_ENERGY_INVALID,
                    "energyMilliWh " + Long.toUnsignedString(o.energyMilliWh()) + " must be above 0 and below 2^63",
                    at);
        }
        long intervalMs = settings.intervalMs();
        if (o.intervalStartMs() < 0 || o.intervalStartMs() % intervalMs != 0) {
            throw refuse(
                    RejectReason.INTERVAL_NOT_ALIGNED,
                    "intervalStartMs " + Long.toUnsignedString(o.intervalStartMs())
                            + " is not a multiple of the market interval " + intervalMs + " ms",
                    at);
        }
        long gateClosureMs = settings.gateClosureMs(o.intervalStartMs());
        if (arrivalMs >= gateClosureMs) {
            throw refuse(
                    RejectReason.GATE_CLOSED,
                    "arrived at " + arrivalMs + ", gate closure of interval " + o.intervalStartMs() + " was "
                            + gateClosureMs,
                    at);
        }
        if (o.intervalStartMs() - arrivalMs > settings.horizon().toMillis()) {
            throw refuse(
                    RejectReason.INTERVAL_TOO_FAR,
                    "interval " + o.intervalStartMs() + " starts more than " + settings.horizon() + " after arrival "
                            + arrivalMs,
                    at);
        }
        // the contract refuses expiryMs < intervalStartMs (OrderExpired) and a batch is all-or-nothing:
        // such an order must never reach a book
        if (Long.compareUnsigned(o.expiryMs(), o.intervalStartMs()) < 0) {
            throw refuse(
                    RejectReason.ORDER_EXPIRED,
                    "expiryMs " + Long.toUnsignedString(o.expiryMs()) + " is before the interval start "
                            + o.intervalStartMs(),
                    at);
        }
    }

    /** The book is still open, the limit within the contract's tariffs, the nonce above the account's highest. */
    private void checkBook(Order o, OrderBooks books, Bytes32 zoneId, Subject at) throws Refused {
        if (books.isCleared(new BookKey(zoneId.toHex(), o.intervalStartMs()))) {
            throw refuse(
                    RejectReason.GATE_CLOSED,
                    "the book of " + at.zone + " interval " + o.intervalStartMs() + " is already cleared",
                    at);
        }
        Tariffs tariffs;
        try {
            tariffs = chain.tariffs();
        } catch (ChainUnavailableException e) {
            throw refuse(RejectReason.REGISTRY_UNAVAILABLE, e.getMessage(), at);
        }
        if (!tariffs.admits(o.limitPricePerKWh())) {
            throw refuse(
                    RejectReason.LIMIT_OUTSIDE_TARIFFS,
                    "limitPricePerKWh "
                            + Long.toUnsignedString(o.limitPricePerKWh()) + " is outside the tariffs ["
                            + tariffs.feedIn() + ", "
                            + tariffs.retail() + "]",
                    at);
        }
        Long highest = books.highestNonce(at.account);
        if (highest != null && Long.compareUnsigned(o.nonce(), highest) <= 0) {
            throw refuse(
                    RejectReason.NONCE_NOT_INCREASING,
                    "nonce " + Long.toUnsignedString(o.nonce()) + " is not above the highest accepted nonce "
                            + Long.toUnsignedString(highest) + " of " + at.account,
                    at);
        }
    }

    /** The account has an active meter in the zone on-chain: it can deliver or take what it trades. */
    private void checkMeter(Order o, Bytes32 zoneId, Subject at) throws Refused {
        List<Address> meters;
        try {
            meters = chain.activeMeters(o.account(), zoneId);
        } catch (ChainUnavailableException e) {
            throw refuse(RejectReason.REGISTRY_UNAVAILABLE, e.getMessage(), at);
        }
        if (meters.isEmpty()) {
            throw refuse(
                    RejectReason.NO_ACTIVE_METER,
                    "account " + at.account + " has no active meter in zone " + at.zone + " (" + zoneId.toHex()
                            + ") in the MeterRegistry",
                    at);
        }
    }

    /**
     * The account's balance covers the worst case of all its open orders with this one (it replaces the
     * account's earlier order of the same book); returns this order's worst case.
     *
     * <p>Interim until Order v2 (java10) lands: a v1 order signs no fee or retail maxima, so its worst
     * case is taken at the contract's current grid fee and retail tariff, the most the v1 contract can
     * charge at this moment. With v2 the order's own {@code maxGridFeePerKWh}/{@code maxRetailPerKWh}
     * take their place (the spec's formula), which the contract enforces at settlement.
     */
    private BigInteger checkFunds(Order o, Bytes32 zoneId, Subject at) throws Refused {
        Tariffs tariffs;
        BigInteger balance;
        try {
            tariffs = chain.tariffs();
            balance = chain.balance(o.account());
        } catch (ChainUnavailableException e) {
            throw refuse(RejectReason.REGISTRY_UNAVAILABLE, e.getMessage(), at);
        }
        BigInteger worstCase = CommittedFunds.worstCase(
                o.side(), o.energyMilliWh(), o.limitPricePerKWh(), tariffs.gridFee(), tariffs.retail());
        BigInteger needed =
                funds.committedWith(at.account, new BookKey(zoneId.toHex(), o.intervalStartMs()), worstCase);
        if (balance.compareTo(needed) < 0) {
            throw refuse(
                    RejectReason.INSUFFICIENT_FUNDS,
                    "balance " + balance + " of " + at.account + " does not cover " + needed
                            + " (worst case of its open orders with this one, which alone commits " + worstCase
                            + ")",
                    at);
        }
        return worstCase;
    }

    private static Refused refuse(RejectReason reason, String detail, Subject at) {
        return new Refused(reject(reason, detail, at.zone, at.account, at.digest, at.interval));
    }

    private static AcceptedOrder accepted(
            Signed<Order> signed, String zone, Bytes32 zoneId, String digest, long arrivalMs, BigInteger worstCase) {
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
                new String(JsonWire.encodeOrder(signed), StandardCharsets.UTF_8),
                worstCase == null ? null : worstCase.toString());
    }

    private static OrderVerdict.Rejected reject(
            RejectReason reason, String detail, String zone, String account, String digest, Long interval) {
        return new OrderVerdict.Rejected(reason, detail, zone, account, digest, interval);
    }
}
