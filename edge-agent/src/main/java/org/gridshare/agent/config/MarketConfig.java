package org.gridshare.agent.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;
import org.gridshare.agent.market.MarketSchedule;
import org.gridshare.agent.market.TradingLimits;
import org.gridshare.config.schema.ConfigException;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The {@code market:} section of the agent's configuration (statements and trading), checked beyond
 * the schema: the tariffs in order and a known time zone, reported with file, line and field like
 * every configuration error.
 */
public record MarketConfig(
        boolean enabled,
        boolean trading,
        Address contract,
        Path householdKeyFile,
        MarketSchedule schedule,
        TradingLimits limits,
        ZoneId timeZone,
        int forecastAlphaPercent) {

    /** The EIP-712 domain of statements and orders: the market contract on the configured chain. */
    public Eip712Domain domain(long chainId) {
        return new Eip712Domain(chainId, contract);
    }

    /** Reads the validated section; null when the configuration has none. */
    static MarketConfig of(Path file, Map<String, Object> effective, Path dataDir) throws ConfigException, IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) effective.get("market");
        if (m == null) {
            return null;
        }
        long feedIn = num(m, "feedInTariff");
        long retail = num(m, "retailTariff");
        if (feedIn > retail) {
            throw at(file, "market.retailTariff", "must be at least feedInTariff (" + feedIn + "), not " + retail);
        }
        ZoneId tz;
        try {
            tz = ZoneId.of((String) m.get("timeZone"));
        } catch (DateTimeException e) {
            throw at(file, "market.timeZone", "not a time zone: " + e.getMessage());
        }
        long minSell = m.get("minSellPricePerKWh") == null ? feedIn : num(m, "minSellPricePerKWh");
        long maxBuy = m.get("maxBuyPricePerKWh") == null ? retail : num(m, "maxBuyPricePerKWh");
        TradingLimits limits = new TradingLimits(
                minSell, maxBuy, num(m, "dailyBudgetBaseUnits"), num(m, "reserveMilliWh"), feedIn, retail);
        return new MarketConfig(
                Boolean.TRUE.equals(m.get("enabled")),
                Boolean.TRUE.equals(m.get("trading")),
                Address.fromHex((String) m.get("contract")),
                dataDir.resolve((String) m.get("householdKeyFile")),
                new MarketSchedule(num(m, "intervalSeconds"), num(m, "gateClosureSeconds")),
                limits,
                tz,
                (int) num(m, "forecastAlphaPercent"));
    }

    private static long num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).longValue();
    }

    /** A ConfigException at the line and column of {@code dottedField} in {@code file}. */
    private static ConfigException at(Path file, String dottedField, String problem) throws IOException {
        Node node =
                new Yaml(new LoaderOptions()).compose(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        for (String part : dottedField.split("\\.", -1)) {
            Node next = null;
            if (node instanceof MappingNode map) {
                for (NodeTuple t : map.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(part)) {
                        next = t.getValueNode();
                    }
                }
            }
            if (next == null) {
                break;
            }
            node = next;
        }
        int line = node == null ? 0 : node.getStartMark().getLine() + 1;
        int column = node == null ? 0 : node.getStartMark().getColumn() + 1;
        return new ConfigException(file, line, column, dottedField, problem);
    }
}
