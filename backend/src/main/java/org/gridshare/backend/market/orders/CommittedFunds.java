package org.gridshare.backend.market.orders;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The committed-funds rule (docs/market-rules.md, "Committed funds"): an order is accepted only when the
 * account's on-chain balance, pending withdrawals not counted, covers the worst case of all its open
 * orders including this one. An order stays committed from acceptance until its book's batch has
 * settled (a final record on {@code gridshare.settlement.v1}); an order that cleared with fill 0, or that
 * a later nonce of the same account replaced in its book, owes nothing and is released at once.
 *
 * <p>Order-independent: a release that arrives before the commitment it ends (the settlement topic is
 * read by another thread than the books) is remembered, and the commitment is then never made.
 * Thread-safe.
 */
public final class CommittedFunds {
    private static final BigInteger MILLION = BigInteger.valueOf(1_000_000);

    private record Commitment(String orderDigest, long nonce, BigInteger amount) {}

    private final Map<String, Map<BookKey, Commitment>> byAccount = new HashMap<>();
    private final Set<BookKey> settled = new HashSet<>();

    /**
     * The most an order can cost its account at settlement, token base units: a buyer pays at most its
     * limit plus the grid fee per kWh, {@code ceil(energy × (limit + maxGridFee) / 1e6)}; a seller that
     * delivers nothing pays the retail tariff for what it sold, less the price it gets (at least its
     * limit), {@code ceil(energy × (maxRetail − limit) / 1e6)}, 0 when {@code maxRetail ≤ limit}. All
     * values uint64 read unsigned.
     */
    public static BigInteger worstCase(int side, long energyMilliWh, long limit, long maxGridFee, long maxRetail) {
        BigInteger energy = unsigned(energyMilliWh);
        BigInteger perKWh = side == 0
                ? unsigned(limit).add(unsigned(maxGridFee))
                : unsigned(maxRetail).subtract(unsigned(limit)).max(BigInteger.ZERO);
        BigInteger[] qr = energy.multiply(perKWh).divideAndRemainder(MILLION);
        return qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    }

    private static BigInteger unsigned(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }

    /** The sum of the account's open commitments. */
    public synchronized BigInteger committed(String account) {
        BigInteger sum = BigInteger.ZERO;
        for (Commitment c : byAccount.getOrDefault(account, Map.of()).values()) {
            sum = sum.add(c.amount);
        }
        return sum;
    }

    /**
     * What the account would have committed with this order in {@code book}: its open commitments, less
     * the one it replaces in that book (a later nonce replaces the earlier order), plus {@code amount}.
     */
    public synchronized BigInteger committedWith(String account, BookKey book, BigInteger amount) {
        Commitment current = byAccount.getOrDefault(account, Map.of()).get(book);
        return committed(account)
                .subtract(current == null ? BigInteger.ZERO : current.amount)
                .add(amount);
    }

    /** Commits an accepted order; in its book, the order with the higher nonce is the account's. */
    public synchronized void commit(String account, BookKey book, String orderDigest, long nonce, BigInteger amount) {
        if (settled.contains(book)) {
            return;
        }
        Map<BookKey, Commitment> books = byAccount.computeIfAbsent(account, k -> new HashMap<>());
        Commitment current = books.get(book);
        if (current == null || Long.compareUnsigned(nonce, current.nonce) > 0) {
            books.put(book, new Commitment(orderDigest, nonce, amount));
        }
    }

    /** Releases the order {@code orderDigest} of the account in {@code book} (it cleared with fill 0). */
    public synchronized void release(String account, BookKey book, String orderDigest) {
        Map<BookKey, Commitment> books = byAccount.get(account);
        if (books != null) {
            Commitment c = books.get(book);
            if (c != null && c.orderDigest.equals(orderDigest)) {
                books.remove(book);
            }
        }
    }

    /** Forgets every commitment (the books are being rebuilt from Kafka); the settled books stay known. */
    public synchronized void clearCommitments() {
        byAccount.clear();
    }

    /** The book's batch settled: every commitment in it ends, now and for orders read later. */
    public synchronized void settled(BookKey book) {
        settled.add(book);
        for (Map<BookKey, Commitment> books : byAccount.values()) {
            books.remove(book);
        }
    }
}
