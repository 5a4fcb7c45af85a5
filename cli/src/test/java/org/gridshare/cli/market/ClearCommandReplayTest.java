package org.gridshare.cli.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.gridshare.backend.auction.ClearingResult;
import org.gridshare.backend.auction.OrderBook;
import org.gridshare.backend.auction.OrderRejectedException;
import org.gridshare.backend.auction.PriceRule;
import org.gridshare.backend.auction.ReferenceAuction;
import org.gridshare.backend.auction.Side;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command end to end on random JSON books with mixed integer and string ids (some non-ASCII), so
 * that price and time ties are decided by id: the output must equal the reference auction run on the
 * same orders, with the id order computed here independently (integers by value, then strings by their
 * UTF-8 bytes, which is code point order).
 */
class ClearCommandReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] LETTERS = {"a", "b", "B", "z", "é", "中", "😀", "1", "10", "9"};

    @TempDir
    Path dir;

    @Test
    void command_output_equals_reference_on_500_random_json_books_with_mixed_ids() throws Exception {
        SplittableRandom random = new SplittableRandom(4242);
        for (int k = 0; k < 500; k++) {
            int n = random.nextInt(1, 25);
            long feedIn = random.nextLong(0, 1000);
            long retail = feedIn + random.nextLong(0, 6);
            ObjectNode book = JSON.createObjectNode();
            book.put("zone", "z" + k);
            book.put("intervalStartMs", 1_764_028_800_000L);
            book.put("feedInTariff", feedIn);
            book.put("retailTariff", retail);
            ArrayNode orders = book.putArray("orders");
            Set<String> used = new HashSet<>();
            List<JsonNode> ids = new ArrayList<>();
            while (ids.size() < n) {
                JsonNode id = random.nextInt(3) == 0
                        ? JSON.getNodeFactory().numberNode(BigInteger.valueOf(random.nextLong(-50, 50)))
                        : JSON.getNodeFactory().textNode(randomText(random));
                String canonical =
                        id.isTextual() ? id.textValue() : id.bigIntegerValue().toString();
                if (used.add(canonical)) {
                    ids.add(id);
                }
            }
            for (JsonNode id : ids) {
                ObjectNode order = orders.addObject();
                order.set("id", id);
                order.put("side", random.nextBoolean() ? "buy" : "sell");
                order.put("energyMilliWh", random.nextLong(0, 10));
                order.put("limitPrice", feedIn + random.nextLong(0, retail - feedIn + 1));
                order.put("timeMs", random.nextLong(0, 2));
            }
            PriceRule rule = PriceRule.values()[k % 3];
            String option = switch (rule) {
                case MIDPOINT -> "midpoint";
                case BUYER_SIDE -> "buyer";
                case SELLER_SIDE -> "seller";
            };
            Path file = Files.writeString(dir.resolve("book" + k + ".json"), JSON.writeValueAsString(book));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = ClearCommand.run(
                    new String[] {"--orders", file.toString(), "--price-rule", option},
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String context = "book " + k + ": " + JSON.writeValueAsString(book);
            assertEquals(0, code, err.toString(StandardCharsets.UTF_8) + context);
            JsonNode result = JSON.readTree(out.toString(StandardCharsets.UTF_8));

            ClearingResult expected = new ReferenceAuction().clear(referenceBook(book, ids), rule);
            if (expected.hasPrice()) {
                assertEquals(
                        expected.clearingPrice(), result.get("clearingPrice").asLong(), context);
            } else {
                assertTrue(result.get("clearingPrice").isNull(), context);
            }
            assertEquals(expected.matchedMilliWh(), result.get("matchedMilliWh").asLong(), context);
            JsonNode fills = result.get("fills");
            assertEquals(n, fills.size(), context);
            for (int i = 0; i < n; i++) {
                assertEquals(ids.get(i).toString(), fills.get(i).get("id").toString(), context);
                assertEquals(
                        expected.fillMilliWh(i),
                        fills.get(i).get("energyMilliWh").asLong(),
                        "fill " + i + " " + context);
            }
        }
    }

    private static String randomText(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(1, 4);
        for (int i = 0; i < length; i++) {
            text.append(LETTERS[random.nextInt(LETTERS.length)]);
        }
        return text.toString();
    }

    /** The same orders with each id replaced by its rank: integers by value first, then strings by UTF-8 bytes. */
    private static OrderBook referenceBook(JsonNode book, List<JsonNode> ids) throws OrderRejectedException {
        Comparator<JsonNode> idOrder = (x, y) -> {
            if (x.isTextual() != y.isTextual()) {
                return x.isTextual() ? 1 : -1;
            }
            if (!x.isTextual()) {
                return x.bigIntegerValue().compareTo(y.bigIntegerValue());
            }
            return Arrays.compareUnsigned(
                    x.textValue().getBytes(StandardCharsets.UTF_8),
                    y.textValue().getBytes(StandardCharsets.UTF_8));
        };
        List<JsonNode> sorted = new ArrayList<>(ids);
        sorted.sort(idOrder);
        OrderBook reference = new OrderBook(
                book.get("feedInTariff").asLong(), book.get("retailTariff").asLong());
        JsonNode orders = book.get("orders");
        for (int i = 0; i < orders.size(); i++) {
            JsonNode o = orders.get(i);
            reference.add(
                    sorted.indexOf(ids.get(i)),
                    o.get("side").asText().equals("buy") ? Side.BUY : Side.SELL,
                    o.get("energyMilliWh").asLong(),
                    o.get("limitPrice").asLong(),
                    o.get("timeMs").asLong());
        }
        return reference;
    }
}
