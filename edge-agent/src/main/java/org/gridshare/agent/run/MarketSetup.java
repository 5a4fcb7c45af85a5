package org.gridshare.agent.run;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import org.gridshare.agent.config.AgentConfig;
import org.gridshare.agent.config.MarketConfig;
import org.gridshare.agent.market.MarketAgent;
import org.gridshare.agent.outbox.Outbox;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.agent.uplink.MqttSession;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.keys.KeyFiles;

/** Builds the agent's market side from the configuration's {@code market:} section, on the agent's clock. */
final class MarketSetup {
    private MarketSetup() {}

    /** The installed market agent (not yet started), or null when the configuration has no enabled market. */
    static MarketAgent install(
            AgentConfig c,
            Outbox outbox,
            Secp256k1Signer meterKey,
            ReadingSigner signer,
            MqttSession uplink,
            Clock clock,
            PrintStream out)
            throws IOException {
        MarketConfig m = c.market();
        if (m == null) {
            return null;
        }
        if (uplink == null) {
            // orders, statements and fills travel over MQTT only; a CoAP box needs the mqtt section too
            throw new IOException(
                    c.source() + ": market: needs the mqtt section (statements, orders and fills use MQTT)");
        }
        // generated on the device like the meter key: file born 0600, never logged
        Secp256k1Signer household = m.trading() ? KeyFiles.loadOrCreate(m.householdKeyFile()) : null;
        MarketAgent market = MarketAgent.install(
                outbox,
                meterKey,
                household,
                c.zone(),
                uplink,
                () -> signer.state().lastSeq(),
                new MarketAgent.Settings(
                        m.domain(c.chainId()),
                        m.schedule(),
                        m.limits(),
                        m.timeZone(),
                        m.forecastAlphaPercent(),
                        m.trading(),
                        c.delivery().ackTimeout().toMillis()),
                clock);
        out.printf(
                "gridshare agent: market %s, %d s intervals, gate closure %d s, %s%n",
                m.contract().toHex(),
                m.schedule().intervalSeconds(),
                m.schedule().gateClosureSeconds(),
                household == null
                        ? "statements only"
                        : "trading as household " + household.address().toHex());
        return market;
    }
}
