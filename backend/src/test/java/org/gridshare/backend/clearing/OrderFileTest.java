package org.gridshare.backend.clearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OrderFileTest {
    private static final String HEAD =
            "{\"zone\":\"z\",\"intervalStartMs\":0,\"feedInTariff\":80,\"retailTariff\":320,";

    private static OrderFile.Result read(String json) throws OrderFile.InvalidJsonException {
        return OrderFile.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void reads_a_book_with_integers_as_numbers_or_decimal_strings() throws Exception {
        OrderFile.Result r = read(HEAD + "\"orders\":[{\"id\":1,\"side\":\"buy\",\"energyMilliWh\":\"1000\","
                + "\"limitPrice\":100,\"timeMs\":1},{\"id\":\"b\",\"side\":\"sell\",\"energyMilliWh\":1000,"
                + "\"limitPrice\":\"90\",\"timeMs\":2}]}");
        assertEquals(2, r.book().book().size(), r.problems().toString());
        assertEquals("1", r.book().ids().get(0).toString());
        assertEquals("\"b\"", r.book().ids().get(1).toString());
    }

    @Test
    void the_strict_reader_refuses_duplicate_keys_trailing_data_and_non_canonical_integers() throws Exception {
        assertThrows(OrderFile.InvalidJsonException.class, () -> read(HEAD + "\"orders\":[],\"orders\":[]}"));
        assertThrows(OrderFile.InvalidJsonException.class, () -> read(HEAD + "\"orders\":[]} {}"));
        assertThrows(OrderFile.InvalidJsonException.class, () -> read(""));
        OrderFile.Result r = read(HEAD + "\"orders\":[{\"id\":\"a\",\"side\":\"buy\",\"energyMilliWh\":\"007\","
                + "\"limitPrice\":100,\"timeMs\":1e0}]}");
        assertNull(r.book());
        assertEquals(2, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(0).contains("energyMilliWh: \"007\" is not an exact integer (reason 102"));
        // an exponent form is a fraction to this reader, whatever its value (shown as Jackson reads it)
        assertTrue(
                r.problems().get(1).contains("timeMs: ")
                        && r.problems().get(1).contains("is not an exact integer (reason 102"),
                r.problems().toString());
    }
}
