package org.gridshare.backend.market.orders;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The open books and what the order checks need to remember: per book the current order of each
 * account (a later nonce replaces the earlier one), the highest accepted nonce per account, the
 * digests already accepted (a re-delivered order is recognised, not rejected) and the books already
 * cleared. Filled from Kafka on start, then by the intake; one thread uses it.
 */
public final class OrderBooks {
    private final Map<BookKey, Map<String, AcceptedOrder>> open = new TreeMap<>();
    private final Map<BookKey, List<AcceptedOrder>> replaced = new HashMap<>();
    private final Set<BookKey> cleared = new HashSet<>();
    private final Map<String, Long> highestNonce = new HashMap<>();
    private final Set<String> acceptedDigests = new HashSet<>();

    /** Whether this exact order (by digest) was accepted before. */
    public boolean isAccepted(String digest) {
        return acceptedDigests.contains(digest);
    }

    /** Whether the book was cleared (then no order enters it any more). */
    public boolean isCleared(BookKey key) {
        return cleared.contains(key);
    }

    /** The highest nonce accepted from {@code account} (unsigned), or null. */
    public Long highestNonce(String account) {
        return highestNonce.get(account);
    }

    /** Adds {@code o} to its book, replacing the account's order unless that one has a higher nonce. */
    public void accept(AcceptedOrder o) {
        acceptedDigests.add(o.orderDigest());
        highestNonce.merge(o.account(), o.nonce(), (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
        BookKey key = new BookKey(o.zoneId(), o.intervalStartMs());
        if (cleared.contains(key)) {
            return;
        }
        Map<String, AcceptedOrder> book = open.computeIfAbsent(key, k -> new TreeMap<>());
        AcceptedOrder current = book.get(o.account());
        if (current == null || Long.compareUnsigned(o.nonce(), current.nonce()) > 0) {
            book.put(o.account(), o);
            if (current != null) {
                replaced.computeIfAbsent(key, k -> new ArrayList<>()).add(current);
            }
        } else if (!current.orderDigest().equals(o.orderDigest())) {
            List<AcceptedOrder> r = replaced.computeIfAbsent(key, k -> new ArrayList<>());
            if (r.stream().noneMatch(x -> x.orderDigest().equals(o.orderDigest()))) {
                r.add(o); // an older order read again (a repeated record): it stays replaced
            }
        }
    }

    /** Marks the book cleared and forgets its orders. */
    public void markCleared(BookKey key) {
        cleared.add(key);
        open.remove(key);
        replaced.remove(key);
    }

    /** The books whose clearing time ({@code gate closure + delay}) is at or before {@code nowMs}, oldest first. */
    public List<BookKey> due(long nowMs, long gateClosureLeadMs, long clearingDelayMs) {
        List<BookKey> due = new ArrayList<>();
        for (BookKey k : open.keySet()) {
            if (k.intervalStartMs() - gateClosureLeadMs + clearingDelayMs <= nowMs) {
                due.add(k);
            }
        }
        return due;
    }

    /** The current orders of a book, ascending by account. */
    public List<AcceptedOrder> orders(BookKey key) {
        Map<String, AcceptedOrder> book = open.get(key);
        return book == null ? List.of() : List.copyOf(book.values());
    }

    /** The accepted orders of a book that a later nonce of the same account replaced (they get a fill of 0). */
    public List<AcceptedOrder> replaced(BookKey key) {
        return List.copyOf(replaced.getOrDefault(key, List.of()));
    }

    /** Number of open books. */
    public int openBooks() {
        return open.size();
    }
}
