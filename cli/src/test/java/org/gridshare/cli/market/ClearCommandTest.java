package org.gridshare.cli.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClearCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private Run clear(String book, String... options) throws IOException {
        Path file = Files.writeString(dir.resolve("book.json"), book);
        String[] args = new String[options.length + 2];
        args[0] = "--orders";
        args[1] = file.toString();
        System.arraycopy(options, 0, args, 2, options.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ClearCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String book(String orders) {
        return "{\"zone\":\"zone-7\",\"intervalStartMs\":1764028800000,\"feedInTariff\":80,\"retailTariff\":320,"
                + "\"orders\":[" + orders + "]}";
    }

    @Test
    void hand_worked_book_with_a_partial_marginal_seller_clears_at_the_midpoint() throws IOException {
        // Sells: s1 2000 @ 100 (t 10), s2 3000 @ 150 (t 20), s3 4000 @ 150 (t 30).
        // Buys:  b1 2500 @ 300 (t 5), b2 3500 @ 160 (t 6), b3 1000 @ 120 (t 7).
        // D(100) = 7000, S(100) = 2000 -> 2000; D(120) = 7000, S(120) = 2000 -> 2000;
        // D(150) = 6000, S(150) = 9000 -> 6000; D(160) = 6000, S(160) = 9000 -> 6000; D(300) = 2500.
        // Volume 6000. Buys b1 2500 + b2 3500 = 6000, b3 nothing: marginal bid 160.
        // Sells s1 2000, s2 3000 (t 20 before s3), s3 the last 1000: marginal ask 150.
        // Midpoint 150 + floor(10 / 2) = 155.
        Run run = clear(book("""
                {"id":"s1","side":"sell","energyMilliWh":2000,"limitPrice":100,"timeMs":10},
                {"id":"b1","side":"buy","energyMilliWh":2500,"limitPrice":300,"timeMs":5},
                {"id":"s2","side":"sell","energyMilliWh":3000,"limitPrice":150,"timeMs":20},
                {"id":"b2","side":"buy","energyMilliWh":3500,"limitPrice":160,"timeMs":6},
                {"id":"s3","side":"sell","energyMilliWh":4000,"limitPrice":150,"timeMs":30},
                {"id":"b3","side":"buy","energyMilliWh":1000,"limitPrice":120,"timeMs":7}"""));
        assertEquals(0, run.code(), run.err());
        assertEquals("""
                {"clearingPrice":155,"matchedMilliWh":6000,"fills":[{"id":"s1","energyMilliWh":2000},\
                {"id":"b1","energyMilliWh":2500},{"id":"s2","energyMilliWh":3000},{"id":"b2","energyMilliWh":3500},\
                {"id":"s3","energyMilliWh":1000},{"id":"b3","energyMilliWh":0}]}""", run.out().strip());
    }

    @Test
    void price_rule_option_moves_the_price_to_either_end_of_the_gap() throws IOException {
        // One buyer 1000 @ 301, one seller 1000 @ 90: gap [90, 301]; midpoint 90 + floor(211 / 2) = 195.
        String orders = book("""
                {"id":1,"side":"buy","energyMilliWh":1000,"limitPrice":301,"timeMs":1},
                {"id":2,"side":"sell","energyMilliWh":1000,"limitPrice":90,"timeMs":1}""");
        assertEquals(195, price(clear(orders)));
        assertEquals(195, price(clear(orders, "--price-rule", "midpoint")));
        assertEquals(301, price(clear(orders, "--price-rule", "buyer")));
        assertEquals(90, price(clear(orders, "--price-rule", "seller")));
    }

    @Test
    void equal_price_and_time_split_by_id_with_integer_ids_in_numeric_order() throws IOException {
        // Sellers 10 and 9 at 100, same time; the buyer takes 1500: id 9 (lower) fills 1000, id 10 gets 500.
        // Gap [100, 200], midpoint 150. Integer ids compare numerically (9 < 10), not as text.
        Run run = clear(book("""
                {"id":10,"side":"sell","energyMilliWh":1000,"limitPrice":100,"timeMs":5},
                {"id":9,"side":"sell","energyMilliWh":1000,"limitPrice":100,"timeMs":5},
                {"id":"x","side":"buy","energyMilliWh":1500,"limitPrice":200,"timeMs":1}"""));
        assertEquals(0, run.code(), run.err());
        JsonNode out = JSON.readTree(run.out());
        assertEquals(150, out.get("clearingPrice").asLong());
        assertEquals(500, out.get("fills").get(0).get("energyMilliWh").asLong());
        assertEquals(1000, out.get("fills").get(1).get("energyMilliWh").asLong());
        assertEquals(10, out.get("fills").get(0).get("id").asInt());
        assertTrue(out.get("fills").get(2).get("id").isTextual());
    }

    @Test
    void book_without_a_crossing_prints_a_null_price_and_zero_fills() throws IOException {
        // Best bid 100 < best ask 120: nothing trades.
        Run run = clear(book("""
                {"id":"a","side":"buy","energyMilliWh":1000,"limitPrice":100,"timeMs":1},
                {"id":"b","side":"sell","energyMilliWh":1000,"limitPrice":120,"timeMs":1}"""));
        assertEquals(0, run.code(), run.err());
        assertEquals(
                "{\"clearingPrice\":null,\"matchedMilliWh\":0,\"fills\":[{\"id\":\"a\",\"energyMilliWh\":0},"
                        + "{\"id\":\"b\",\"energyMilliWh\":0}]}",
                run.out().strip());
    }

    @Test
    void empty_book_clears_to_nothing() throws IOException {
        Run run = clear(book(""));
        assertEquals(0, run.code(), run.err());
        assertEquals(
                "{\"clearingPrice\":null,\"matchedMilliWh\":0,\"fills\":[]}",
                run.out().strip());
    }

    @Test
    void rejects_negative_energy_naming_order_and_field() throws IOException {
        Run run = clear(book("""
                {"id":"a","side":"buy","energyMilliWh":1000,"limitPrice":100,"timeMs":1},
                {"id":"b","side":"sell","energyMilliWh":-5,"limitPrice":120,"timeMs":1}"""));
        assertInvalid(run, "orders[1] (id \"b\"): energyMilliWh: -5 is negative (reason 107 NEGATIVE_ENERGY)");
    }

    @Test
    void reports_every_bad_order_in_index_order() throws IOException {
        Run run = clear(book("""
                {"id":"a","side":"buy","energyMilliWh":1,"limitPrice":100,"timeMs":1},
                {"id":"b","side":"sell","energyMilliWh":-1,"limitPrice":100,"timeMs":1},
                {"id":"c","side":"bid","energyMilliWh":1,"limitPrice":100,"timeMs":1}"""));
        assertInvalid(run, "orders[1] (id \"b\"): energyMilliWh");
        String err = run.err();
        assertTrue(err.indexOf("orders[1]") < err.indexOf("orders[2] (id \"c\"): side"), err);
        assertEquals(2, err.lines().count(), err);
    }

    @Test
    void rejects_unknown_side() throws IOException {
        Run run = clear(book("{\"id\":\"a\",\"side\":\"BUY\",\"energyMilliWh\":1,\"limitPrice\":100,\"timeMs\":1}"));
        assertInvalid(
                run, "orders[0] (id \"a\"): side: \"BUY\" is neither \"buy\" nor \"sell\" (reason 105 UNKNOWN_SIDE)");
    }

    @Test
    void rejects_limits_outside_the_tariffs() throws IOException {
        Run run = clear(book("""
                {"id":"lo","side":"sell","energyMilliWh":1,"limitPrice":79,"timeMs":1},
                {"id":"hi","side":"buy","energyMilliWh":1,"limitPrice":321,"timeMs":1}"""));
        assertInvalid(run, "orders[0] (id \"lo\"): limitPrice: 79 is below the feed-in tariff 80 (reason 109");
        assertTrue(
                run.err().contains("orders[1] (id \"hi\"): limitPrice: 321 is above the retail tariff 320 (reason 110"),
                run.err());
    }

    @Test
    void rejects_duplicate_ids_naming_both_orders() throws IOException {
        Run run = clear(book("""
                {"id":"a","side":"buy","energyMilliWh":1,"limitPrice":100,"timeMs":1},
                {"id":"a","side":"sell","energyMilliWh":1,"limitPrice":100,"timeMs":1}"""));
        assertInvalid(run, "orders[1] (id \"a\"): id: duplicate of orders[0] (reason 106 DUPLICATE_ID)");
    }

    @Test
    void rejects_floats_where_integers_belong() throws IOException {
        Run run = clear(book("""
                {"id":"a","side":"buy","energyMilliWh":1000.0,"limitPrice":100,"timeMs":1},
                {"id":"b","side":"sell","energyMilliWh":1,"limitPrice":1e2,"timeMs":1}"""));
        assertInvalid(run, "orders[0] (id \"a\"): energyMilliWh: 1000.0 is not an exact integer (reason 102");
        assertTrue(run.err().contains("orders[1] (id \"b\"): limitPrice: "), run.err());
    }

    @Test
    void rejects_missing_fields_and_out_of_range_integers() throws IOException {
        Run run = clear(book("""
                {"id":"a","side":"buy","limitPrice":100,"timeMs":1},
                {"id":"b","side":"sell","energyMilliWh":9223372036854775808,"limitPrice":100,"timeMs":1}"""));
        assertInvalid(run, "orders[0] (id \"a\"): energyMilliWh: missing (reason 101 MISSING_FIELD)");
        assertTrue(
                run.err().contains("orders[1] (id \"b\"): energyMilliWh: 9223372036854775808 does not fit"), run.err());
    }

    @Test
    void rejects_a_book_without_tariffs_and_bad_json() throws IOException {
        assertInvalid(
                clear("{\"zone\":\"z\",\"intervalStartMs\":0,\"retailTariff\":5,\"orders\":[]}"),
                "feedInTariff: missing");
        assertInvalid(
                clear("{\"zone\":\"z\",\"intervalStartMs\":0,\"feedInTariff\":6,\"retailTariff\":5,\"orders\":[]}"),
                "retailTariff: 5 is below feedInTariff 6");
        assertInvalid(clear("{\"zone\":\"z\", \"orders\": ["), "not valid JSON");
    }

    @Test
    void usage_errors_exit_2_and_a_missing_file_exits_1() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(2, ClearCommand.run(new String[] {}, out, errStream));
        assertEquals(2, ClearCommand.run(new String[] {"--orders", "x", "--price-rule", "mean"}, out, errStream));
        assertEquals(2, ClearCommand.run(new String[] {"--frobnicate"}, out, errStream));
        assertEquals(
                1,
                ClearCommand.run(
                        new String[] {"--orders", dir.resolve("absent.json").toString()}, out, errStream));
    }

    private static long price(Run run) throws IOException {
        assertEquals(0, run.code(), run.err());
        return JSON.readTree(run.out()).get("clearingPrice").asLong();
    }

    private static void assertInvalid(Run run, String expectedInErr) {
        assertEquals(2, run.code(), run.err());
        assertEquals("", run.out());
        assertTrue(run.err().contains(expectedInErr), run.err());
    }
}
