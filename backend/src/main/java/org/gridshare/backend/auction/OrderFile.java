package org.gridshare.backend.auction;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.gridshare.protocol.wire.JsonObject;
import org.gridshare.protocol.wire.StrictJson;
import org.gridshare.protocol.wire.WireFormatException;

/**
 * An order book file as auditors replay it: {@code {"zone", "intervalStartMs", "feedInTariff",
 * "retailTariff", "orders": [{"id", "side", "energyMilliWh", "limitPrice", "timeMs"}]}}, read strictly
 * (exact integers only, duplicate keys and trailing tokens rejected) into the book the clearing engine
 * takes. Every bad order is named by index, id, field and reason code.
 */
public final class OrderFile {
    /** A book file larger than this is refused before parsing. */
    public static final int MAX_BYTES = 64 * 1024 * 1024;

    private OrderFile() {}

    /** What reading a file gave: a book to clear, or why there is none. */
    public sealed interface Read permits Book, Invalid, Unreadable {}

    /** The file is not a valid book: each problem names its place ({@code orders[3] (id "b"): side: ...}). */
    public record Invalid(List<String> problems) implements Read {
        public Invalid {
            problems = List.copyOf(problems);
        }
    }

    /** The file cannot be read at all (missing, no permission). */
    public record Unreadable(String problem) implements Read {}

    /** An order's id as the file wrote it: a string or an integer. */
    public sealed interface OrderId permits TextId, IntegerId {}

    public record TextId(String value) implements OrderId {}

    public record IntegerId(BigInteger value) implements OrderId {}

    /** A valid book, its orders in input order, with their ids. */
    public record Book(OrderBook book, List<OrderId> ids) implements Read {
        public Book {
            ids = List.copyOf(ids);
        }

        /** The clearing of this book under {@code rule}, one fill per order in input order. */
        public Replay clear(PriceRule rule) {
            ClearingResult result = new PartitioningAuction().clear(book, rule);
            List<Fill> fills = new ArrayList<>(book.size());
            for (int i = 0; i < book.size(); i++) {
                fills.add(new Fill(ids.get(i), result.fillMilliWh(i)));
            }
            return new Replay(
                    result.hasPrice() ? OptionalLong.of(result.clearingPrice()) : OptionalLong.empty(),
                    result.matchedMilliWh(),
                    fills);
        }
    }

    /** The energy an order got. */
    public record Fill(OrderId id, long energyMilliWh) {}

    /** A replayed clearing: the price (none when nothing matched), the matched energy and every order's fill. */
    public record Replay(OptionalLong clearingPrice, long matchedMilliWh, List<Fill> fills) {
        public Replay {
            fills = List.copyOf(fills);
        }
    }

    /** Reads and checks {@code file}. */
    public static Read read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Unreadable("no such file");
        } catch (IOException e) {
            return new Unreadable("cannot read: " + e.getMessage());
        }
        return read(bytes);
    }

    /** Checks the bytes of an orders file with the protocol's strict reader. */
    public static Read read(byte[] json) {
        JsonNode root;
        try {
            root = StrictJson.tree(json, MAX_BYTES);
        } catch (WireFormatException e) {
            return new Invalid(List.of("not valid JSON: " + e.getMessage()));
        }
        List<String> problems = new ArrayList<>();
        ParsedBook parsed = parse(root, problems);
        if (!problems.isEmpty()) {
            // book-level problems first, then orders by index, whichever check found them
            problems.sort(Comparator.comparingInt(OrderFile::orderIndexOf));
            return new Invalid(problems);
        }
        List<OrderId> ids = new ArrayList<>(parsed.ids.size());
        for (JsonNode id : parsed.ids) {
            ids.add(id.isTextual() ? new TextId(id.textValue()) : new IntegerId(id.bigIntegerValue()));
        }
        return new Book(parsed.book, ids);
    }

    private static int orderIndexOf(String problem) {
        if (!problem.startsWith("orders[")) {
            return -1;
        }
        int end = problem.indexOf(']');
        return end > 7 ? Integer.parseInt(problem.substring(7, end)) : -1;
    }

    /** A book with the JSON ids in input order; the engine sees each id as its rank in id order. */
    private record ParsedBook(OrderBook book, List<JsonNode> ids) {}

    private record RawOrder(int index, JsonNode id, Side side, long energy, long limit, long time) {}

    private static ParsedBook parse(JsonNode root, List<String> problems) {
        if (root == null || !root.isObject()) {
            problems.add("the book must be a JSON object");
            return null;
        }
        if (!root.hasNonNull("zone")) {
            problems.add("zone: missing (reason " + RejectCode.MISSING_FIELD.code() + " MISSING_FIELD)");
        } else if (!root.get("zone").isTextual()) {
            problems.add("zone: must be a string");
        }
        Long intervalStart = bookInteger(root, "intervalStartMs", problems);
        if (intervalStart != null && intervalStart < 0) {
            problems.add("intervalStartMs: " + intervalStart + " is negative");
        }
        Long feedIn = bookInteger(root, "feedInTariff", problems);
        Long retail = bookInteger(root, "retailTariff", problems);
        if (feedIn != null && feedIn < 0) {
            problems.add("feedInTariff: " + feedIn + " is negative");
            feedIn = null;
        }
        if (feedIn != null && retail != null && retail < feedIn) {
            problems.add("retailTariff: " + retail + " is below feedInTariff " + feedIn);
            retail = null;
        }
        JsonNode orders = root.get("orders");
        if (orders == null || orders.isNull()) {
            problems.add("orders: missing (reason " + RejectCode.MISSING_FIELD.code() + " MISSING_FIELD)");
            return null;
        }
        if (!orders.isArray()) {
            problems.add("orders: must be an array");
            return null;
        }
        if (feedIn == null || retail == null) {
            return null; // limits cannot be judged without both tariffs
        }
        List<RawOrder> raw = new ArrayList<>(orders.size());
        Map<String, Integer> firstIndexOfId = new HashMap<>();
        for (int i = 0; i < orders.size(); i++) {
            JsonNode order = orders.get(i);
            if (!order.isObject()) {
                problems.add("orders[" + i + "]: must be a JSON object");
                continue;
            }
            RawOrder parsed = parseOrder(i, order, firstIndexOfId, problems);
            if (parsed != null) {
                raw.add(parsed);
            }
        }
        // Ties of price and time are broken by id: integers in numeric order before strings in
        // Unicode code point order. The engine compares longs, so it gets each id's rank.
        List<RawOrder> byId = new ArrayList<>(raw);
        byId.sort(Comparator.comparing(RawOrder::id, OrderFile::compareIds));
        long[] rank = new long[orders.size()];
        for (int r = 0; r < byId.size(); r++) {
            rank[byId.get(r).index()] = r;
        }
        OrderBook book = new OrderBook(feedIn, retail, Math.max(raw.size(), 1));
        List<JsonNode> ids = new ArrayList<>(raw.size());
        for (RawOrder o : raw) {
            try {
                book.add(rank[o.index()], o.side(), o.energy(), o.limit(), o.time());
                ids.add(o.id());
            } catch (OrderRejectedException e) {
                problems.add(where(o.index(), o.id()) + e.getMessage());
            }
        }
        return new ParsedBook(book, ids);
    }

    private static RawOrder parseOrder(
            int i, JsonNode order, Map<String, Integer> firstIndexOfId, List<String> problems) {
        JsonNode id = order.get("id");
        String at = where(i, id);
        int before = problems.size();
        if (id == null || id.isNull()) {
            problems.add(at + reject("id", RejectCode.MISSING_FIELD, "missing"));
        } else if (!(id.isTextual() && !id.textValue().isEmpty()) && !id.isIntegralNumber()) {
            problems.add(at + reject("id", RejectCode.BAD_ID, "must be a non-empty string or an integer"));
        } else {
            String canonical =
                    id.isTextual() ? id.textValue() : id.bigIntegerValue().toString();
            Integer first = firstIndexOfId.putIfAbsent(canonical, i);
            if (first != null) {
                problems.add(at + reject("id", RejectCode.DUPLICATE_ID, "duplicate of orders[" + first + "]"));
            }
        }
        Side side = null;
        JsonNode sideNode = order.get("side");
        if (sideNode == null || sideNode.isNull()) {
            problems.add(at + reject("side", RejectCode.MISSING_FIELD, "missing"));
        } else if (sideNode.isTextual() && sideNode.textValue().equals("buy")) {
            side = Side.BUY;
        } else if (sideNode.isTextual() && sideNode.textValue().equals("sell")) {
            side = Side.SELL;
        } else {
            problems.add(at + reject("side", RejectCode.UNKNOWN_SIDE, sideNode + " is neither \"buy\" nor \"sell\""));
        }
        Long energy = orderInteger(order, "energyMilliWh", at, problems);
        Long limit = orderInteger(order, "limitPrice", at, problems);
        Long time = orderInteger(order, "timeMs", at, problems);
        if (problems.size() > before) {
            return null;
        }
        return new RawOrder(i, id, side, energy, limit, time);
    }

    private static String where(int index, JsonNode id) {
        if (id == null || id.isNull() || id.isContainerNode()) {
            return "orders[" + index + "]: ";
        }
        return "orders[" + index + "] (id " + id + "): ";
    }

    private static String reject(String field, RejectCode code, String message) {
        return field + ": " + message + " (reason " + code.code() + " " + code + ")";
    }

    private static Long bookInteger(JsonNode node, String field, List<String> problems) {
        return integer(node, field, "", problems);
    }

    private static Long orderInteger(JsonNode node, String field, String at, List<String> problems) {
        return integer(node, field, at, problems);
    }

    /**
     * An exact 64-bit integer, decided by the protocol's strict reader ({@link JsonObject#int64}): a JSON
     * integer or a decimal string, never a fraction or an exponent. Every problem is collected, not thrown.
     */
    private static Long integer(JsonNode node, String field, String at, List<String> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            problems.add(at + reject(field, RejectCode.MISSING_FIELD, "missing"));
            return null;
        }
        try {
            return JsonObject.of(node).int64(field);
        } catch (WireFormatException e) {
            if (e.reason() == WireFormatException.Reason.OUT_OF_RANGE) {
                problems.add(at
                        + reject(
                                field,
                                RejectCode.OUT_OF_RANGE,
                                outOfRange(value) + " does not fit a signed 64-bit integer"));
            } else {
                problems.add(at + reject(field, RejectCode.NOT_AN_INTEGER, value + " is not an exact integer"));
            }
            return null;
        }
    }

    /** The out-of-range value as digits (a string value without its quotes). */
    private static String outOfRange(JsonNode value) {
        return value.isTextual() ? value.textValue() : value.toString();
    }

    static int compareIds(JsonNode a, JsonNode b) {
        boolean aText = a.isTextual();
        boolean bText = b.isTextual();
        if (aText != bText) {
            return aText ? 1 : -1;
        }
        if (!aText) {
            return a.bigIntegerValue().compareTo(b.bigIntegerValue());
        }
        String x = a.textValue();
        String y = b.textValue();
        int i = 0;
        int j = 0;
        while (i < x.length() && j < y.length()) {
            int cx = x.codePointAt(i);
            int cy = y.codePointAt(j);
            if (cx != cy) {
                return Integer.compare(cx, cy);
            }
            i += Character.charCount(cx);
            j += Character.charCount(cy);
        }
        return Boolean.compare(i < x.length(), j < y.length());
    }
}
