package org.gridshare.cli.market;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.gridshare.backend.auction.OrderFile;
import org.gridshare.backend.auction.PriceRule;
import org.gridshare.cli.args.Options;

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

    static final Options OPTIONS = Options.of(
                    "gridshare market clear", "market clear: ", "replays the clearing of one order book (auditors)")
            .value("--orders", "FILE", true, "the book: zone, interval, tariffs and orders as JSON")
            .value(
                    "--price-rule",
                    "midpoint|buyer|seller",
                    false,
                    "where in the price gap the book clears (default midpoint)");

    private static final JsonFactory JSON = new JsonFactory();

    private ClearCommand() {}

    /** Runs the command; returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options.Parsed p;
        try {
            p = OPTIONS.parse(args);
        } catch (Options.Stop stop) {
            return stop.report(out, err);
        }
        PriceRule rule;
        String ruleName = p.get("--price-rule", "midpoint");
        switch (ruleName) {
            case "midpoint" -> rule = PriceRule.MIDPOINT;
            case "buyer" -> rule = PriceRule.BUYER_SIDE;
            case "seller" -> rule = PriceRule.SELLER_SIDE;
            default -> {
                err.println("market clear: --price-rule: '" + ruleName + "' is not midpoint, buyer or seller");
                return INVALID;
            }
        }
        Path file = Path.of(p.get("--orders"));
        return switch (OrderFile.read(file)) {
            case OrderFile.Unreadable u -> {
                err.println("market clear: " + file + ": " + u.problem());
                yield UNREADABLE;
            }
            case OrderFile.Invalid invalid -> {
                for (String problem : invalid.problems()) {
                    err.println("market clear: " + file + ": " + problem);
                }
                yield INVALID;
            }
            case OrderFile.Book book -> {
                out.println(render(book.clear(rule)));
                yield OK;
            }
        };
    }

    /** {@code {"clearingPrice": n|null, "matchedMilliWh": n, "fills": [{"id": "a"|n, "energyMilliWh": n}]}}. */
    static String render(OrderFile.Replay replay) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            if (replay.clearingPrice().isPresent()) {
                json.writeNumberField("clearingPrice", replay.clearingPrice().getAsLong());
            } else {
                json.writeNullField("clearingPrice");
            }
            json.writeNumberField("matchedMilliWh", replay.matchedMilliWh());
            json.writeArrayFieldStart("fills");
            for (OrderFile.Fill fill : replay.fills()) {
                json.writeStartObject();
                json.writeFieldName("id");
                switch (fill.id()) {
                    case OrderFile.TextId t -> json.writeString(t.value());
                    case OrderFile.IntegerId n -> json.writeNumber(n.value());
                }
                json.writeNumberField("energyMilliWh", fill.energyMilliWh());
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
