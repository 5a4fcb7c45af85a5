package org.gridshare.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import org.gridshare.config.schema.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarketConfigTest {
    private static final String BASE = """
      zone: zone-a
      chain: {chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3"}
      meter: {type: s0-simulated, exportGpio: 27, simulatedExportPulsesPerSecond: 4}
      mqtt: {serverUri: "tcp://127.0.0.1:1"}
      """;

    @TempDir
    Path dir;

    private AgentConfig load(String market) throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, BASE + market);
        return AgentConfig.load(f, Map.of());
    }

    @Test
    void defaults_fill_in_and_prices_default_to_the_tariffs() throws Exception {
        MarketConfig m = load("""
        market:
          contract: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"
          feedInTariff: 80
          retailTariff: 300
          dailyBudgetBaseUnits: 5000
        """).market();
        assertEquals(900, m.schedule().intervalSeconds());
        assertEquals(300, m.schedule().gateClosureSeconds());
        assertEquals(80, m.limits().minSellPricePerKWh());
        assertEquals(300, m.limits().maxBuyPricePerKWh());
        assertEquals(0, m.limits().reserveMilliWh());
        assertEquals(ZoneId.of("UTC"), m.timeZone());
        assertEquals(50, m.forecastAlphaPercent());
        assertEquals(
                dir.resolve("household.key").toAbsolutePath().normalize().getFileName(),
                m.householdKeyFile().getFileName());
    }

    @Test
    void no_section_or_disabled_means_no_market() throws Exception {
        assertNull(load("").market());
        assertNull(load("""
        market: {enabled: false, contract: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512", feedInTariff: 1, retailTariff: 2, dailyBudgetBaseUnits: 0}
        """).market());
        assertEquals(4, load("").simulatedExportPulsesPerSecond());
    }

    @Test
    void tariffs_out_of_order_are_named_by_file_line_and_field() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
        market:
          contract: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"
          feedInTariff: 300
          retailTariff: 200
          dailyBudgetBaseUnits: 0
        """));
        assertEquals("market.retailTariff", e.field());
        assertEquals(8, e.line());
        assertEquals(17, e.column());
    }

    @Test
    void an_unknown_time_zone_and_a_missing_budget_are_errors() {
        assertEquals(
                "market.timeZone",
                assertThrows(ConfigException.class, () -> load("""
        market: {contract: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512", feedInTariff: 1, retailTariff: 2, dailyBudgetBaseUnits: 0, timeZone: Mars/Olympus}
        """)).field());
        assertEquals(
                "market.dailyBudgetBaseUnits",
                assertThrows(ConfigException.class, () -> load("""
        market: {contract: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512", feedInTariff: 1, retailTariff: 2}
        """)).field());
    }
}
