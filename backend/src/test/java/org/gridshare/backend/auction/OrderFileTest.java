package org.gridshare.backend.auction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderFileTest {
    private static final String HEAD =
            "{\"zone\":\"z\",\"intervalStartMs\":0,\"feedInTariff\":80,\"retailTariff\":320,";

    private static OrderFile.Read read(String json) {
        return OrderFile.read(json.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> problems(String json) {
        return assertInstanceOf(OrderFile.Invalid.class, read(json)).problems();
    }

    @Test
    void reads_a_book_with_integers_as_numbers_or_decimal_strings() {
        OrderFile.Read r = read(HEAD + "\"orders\":[{\"id\":1,\"side\":\"buy\",\"energyMilliWh\":\"1000\","
                + "\"limitPrice\":100,\"timeMs\":1},{\"id\":\"b\",\"side\":\"sell\",\"energyMilliWh\":1000,"
                + "\"limitPrice\":\"90\",\"timeMs\":2}]}");
        OrderFile.Book book = assertInstanceOf(OrderFile.Book.class, r, r.toString());
        assertEquals(2, book.book().size());
        assertEquals(new OrderFile.IntegerId(BigInteger.ONE), book.ids().get(0));
        assertEquals(new OrderFile.TextId("b"), book.ids().get(1));
    }

    @Test
    void the_strict_reader_refuses_duplicate_keys_trailing_data_and_non_canonical_integers() {
        for (String bad : List.of(HEAD + "\"orders\":[],\"orders\":[]}", HEAD + "\"orders\":[]} {}", "")) {
            List<String> p = problems(bad);
            assertEquals(1, p.size(), p.toString());
            assertTrue(p.get(0).startsWith("not valid JSON: "), p.toString());
        }
        List<String> p = problems(HEAD + "\"orders\":[{\"id\":\"a\",\"side\":\"buy\",\"energyMilliWh\":\"007\","
                + "\"limitPrice\":100,\"timeMs\":1e0}]}");
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).contains("energyMilliWh: \"007\" is not an exact integer (reason 102"));
        // an exponent form is a fraction to this reader, whatever its value (shown as Jackson reads it)
        assertTrue(
                p.get(1).contains("timeMs: ") && p.get(1).contains("is not an exact integer (reason 102"),
                p.toString());
    }
}
