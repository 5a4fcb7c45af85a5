package org.gridshare.cli.provision;

import java.nio.file.Path;
import java.time.Instant;
import org.gridshare.drivers.serial.SerialSettings;
import org.gridshare.protocol.Address;

/**
 * The agent configuration {@code provision} writes: the detected meter at its detected settings, the zone,
 * the chain and the uplink; a market section only when the tariffs and the budget are given. The text is
 * then validated by the agent's own reader ({@code AgentConfig.load}) before it is put in place.
 */
record AgentYaml(
        Path dataDir,
        String zone,
        long chainId,
        Address market,
        String mqttUri,
        String meterType,
        String port,
        SerialSettings settings,
        String smartyKey,
        Market marketSection) {

    /** The market section: tariffs and budget in token base units; trading only with a household key on the box. */
    record Market(long feedIn, long retail, long dailyBudget, boolean trading) {}

    String text(Instant at, String meterId, Address meterAddress) {
        StringBuilder y = new StringBuilder();
        y.append("# written by ./gridshare provision at ")
                .append(at)
                .append(" for meter ")
                .append(meterId)
                .append(" (meter key ")
                .append(meterAddress.toHex())
                .append(")\n");
        y.append("dataDir: ").append(quote(dataDir.toString())).append('\n');
        y.append("zone: ").append(quote(zone)).append('\n');
        y.append("chain:\n  chainId: ").append(chainId).append('\n');
        y.append("  verifyingContract: \"").append(market.toHex()).append("\"\n");
        y.append("meter:\n  type: ").append(meterType).append('\n');
        y.append("  port: ").append(quote(port)).append('\n');
        y.append("  baud: ").append(settings.baud()).append('\n');
        y.append("  dataBits: ").append(settings.dataBits()).append('\n');
        y.append("  parity: ")
                .append(settings.parity().name().toLowerCase(java.util.Locale.ROOT))
                .append('\n');
        y.append("  stopBits: ").append(settings.stopBits()).append('\n');
        if (meterType.equals("iec62056-21")) {
            y.append("  iecMode: push\n");
        }
        if (smartyKey != null) {
            y.append("  smartyKey: \"").append(smartyKey).append("\"\n");
        }
        y.append("mqtt:\n  serverUri: ").append(quote(mqttUri)).append('\n');
        if (marketSection != null) {
            y.append("market:\n  contract: \"").append(market.toHex()).append("\"\n");
            y.append("  trading: ").append(marketSection.trading()).append('\n');
            y.append("  feedInTariff: ").append(marketSection.feedIn()).append('\n');
            y.append("  retailTariff: ").append(marketSection.retail()).append('\n');
            y.append("  dailyBudgetBaseUnits: ")
                    .append(marketSection.dailyBudget())
                    .append('\n');
        }
        return y.toString();
    }

    /** A YAML double-quoted scalar (paths and URIs may hold ':' or '#'). */
    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
