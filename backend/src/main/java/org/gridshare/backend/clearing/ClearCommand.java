package org.gridshare.backend.clearing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code gridshare market clear --orders FILE [--price-rule midpoint|buyer|seller]}: replays the
 * clearing of one book for auditors. Prints {@code {"clearingPrice", "matchedMilliWh", "fills"}} with
 * one fill per order in input order. Exit codes: 0 cleared, 2 usage error or invalid book (every bad
 * order named on stderr by index, id, field and reason code), 1 the file cannot be read.
 */
public final class ClearCommand {
    static final int OK = 0;
    static final int UNREADABLE = 1;
    static final int INVALID = 2;

    private static final String USAGE =
            "usage: gridshare market clear --orders FILE [--price-rule midpoint|buyer|seller]";
    /** Renders the result; the orders file is read by {@link OrderFile}. */
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private ClearCommand() {}

    /** Runs the command; returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path file = null;
        PriceRule rule = PriceRule.MIDPOINT;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (!option.equals("--orders") && !option.equals("--price-rule")) {
                err.println("market clear: unknown option '" + option + "'");
                err.println(USAGE);
                return INVALID;
            }
            if (i + 1 >= args.length) {
                err.println("market clear: " + option + " needs a value");
                err.println(USAGE);
                return INVALID;
            }
            String value = args[++i];
            if (option.equals("--orders")) {
                file = Path.of(value);
            } else {
                switch (value) {
                    case "midpoint" -> rule = PriceRule.MIDPOINT;
                    case "buyer" -> rule = PriceRule.BUYER_SIDE;
                    case "seller" -> rule = PriceRule.SELLER_SIDE;
                    default -> {
                        err.println("market clear: --price-rule: '" + value + "' is not midpoint, buyer or seller");
                        return INVALID;
                    }
                }
            }
        }
        if (file == null) {
            err.println("market clear: --orders FILE is required");
            err.println(USAGE);
            return INVALID;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            err.println("market clear: " + file + ": no such file");
            return UNREADABLE;
        } catch (IOException e) {
            err.println("market clear: " + file + ": cannot read: " + e.getMessage());
            return UNREADABLE;
        }
        OrderFile.Result parsed;
        try {
            parsed = OrderFile.read(bytes);
        } catch (OrderFile.InvalidJsonException e) {
            err.println("market clear: " + file + ": not valid JSON: " + e.getMessage());
            return INVALID;
        }
        if (parsed.book() == null) {
            for (String problem : parsed.problems()) {
                err.println("market clear: " + file + ": " + problem);
            }
            return INVALID;
        }
        ClearingResult result = new PartitioningAuction().clear(parsed.book().book(), rule);
        out.println(render(parsed.book().ids(), parsed.book().book(), result));
        return OK;
    }

    private static String render(List<JsonNode> ids, OrderBook book, ClearingResult result) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(text)) {
            json.writeStartObject();
            if (result.hasPrice()) {
                json.writeNumberField("clearingPrice", result.clearingPrice());
            } else {
                json.writeNullField("clearingPrice");
            }
            json.writeNumberField("matchedMilliWh", result.matchedMilliWh());
            json.writeArrayFieldStart("fills");
            for (int i = 0; i < book.size(); i++) {
                json.writeStartObject();
                json.writeFieldName("id");
                MAPPER.writeTree(json, ids.get(i));
                json.writeNumberField("energyMilliWh", result.fillMilliWh(i));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the clearing result", e);
        }
        return text.toString();
    }
}
