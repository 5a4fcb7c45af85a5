package org.gridshare.agent.config;

import java.nio.file.Path;
import java.time.ZoneId;
import org.gridshare.agent.market.MarketSchedule;
import org.gridshare.agent.market.TradingLimits;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;

/**
 * The {@code market:} section of the agent's configuration (statements and trading), checked beyond
 * the schema when it is read (the tariffs in order and a known time zone, reported with file, line and
 * field like every configuration error).
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
}
