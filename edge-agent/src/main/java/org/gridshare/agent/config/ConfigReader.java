package org.gridshare.agent.config;

import com.ghgande.j2mod.modbus.Modbus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gridshare.agent.EdgeAgent;
import org.gridshare.agent.market.MarketSchedule;
import org.gridshare.agent.market.TradingLimits;
import org.gridshare.agent.meter.ModbusMeterSource;
import org.gridshare.agent.uplink.MqttTls;
import org.gridshare.config.schema.ConfigException;
import org.gridshare.config.schema.ConfigSchema;
import org.gridshare.drivers.serial.SerialSettings;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.Eip712Domain;

/**
 * Turns the YAML tree {@code ConfigSchema} validated (defaults filled in) into the typed configuration,
 * once, with the checks the schema cannot express, reported like schema errors (file, line, field). The
 * only place in the agent that reads the untyped tree.
 */
final class ConfigReader {
    private final Path file;
    private final Map<String, Object> c;
    private final Path dataDir;

    ConfigReader(Path file, Map<String, Object> validated, Path dataDir) {
        this.file = file;
        this.c = validated;
        this.dataDir = dataDir;
    }

    AgentSettings agent() {
        Map<String, Object> chain = section(c, "chain");
        return new AgentSettings(
                dataDir,
                (String) c.get("zone"),
                dataDir.resolve((String) c.get("meterKeyFile")),
                Duration.ofMillis(num(c, "readingPeriodMs")),
                new Eip712Domain(num(chain, "chainId"), Address.fromHex((String) chain.get("verifyingContract"))));
    }

    OutboxSettings outbox() {
        Map<String, Object> o = section(c, "outbox");
        return new OutboxSettings(
                num(o, "capacity"),
                new EdgeAgent.Delivery(
                        Duration.ofMillis(num(o, "groupCommitMs")),
                        (int) num(o, "inFlightWindow"),
                        Duration.ofMillis(num(o, "ackTimeoutMs"))));
    }

    HomeAssistantSettings homeAssistant() {
        Map<String, Object> h = section(c, "homeAssistant");
        return new HomeAssistantSettings(
                Boolean.TRUE.equals(h.get("enabled")), (String) h.get("discoveryPrefix"), (String) h.get("model"));
    }

    PageSettings page() {
        Map<String, Object> h = section(c, "http");
        return new PageSettings(Boolean.TRUE.equals(h.get("enabled")), (String) h.get("bind"), (int) num(h, "port"));
    }

    LoggingSettings logging() {
        Map<String, Object> l = section(c, "logging");
        return new LoggingSettings((String) l.get("format"), (String) l.get("level"));
    }

    /** The meter section; type-specific defaults are those of the protocol the type names. */
    static MeterConfig meter(Map<String, Object> m) {
        String type = (String) m.get("type");
        MeterConfig.S0Inputs s0 = new MeterConfig.S0Inputs(
                type.equals("s0-simulated"),
                (int) num(m, "importGpio", 17),
                (int) num(m, "exportGpio", -1),
                num(m, "impulsesPerKWh", 1000),
                Duration.ofMillis(num(m, "debounceMs", 20)),
                num(m, "simulatedPulsesPerSecond", 2),
                num(m, "simulatedExportPulsesPerSecond", 0));
        MeterConfig.Health health = new MeterConfig.Health(
                Duration.ofMillis(num(m, "staleAfterMs", 30_000)), Duration.ofMillis(num(m, "maxClockSkewMs", 60_000)));
        String port = (String) m.get("port");
        MeterConfig.Source source = switch (type) {
            case "s0", "s0-simulated" -> null;
            case "dsmr" ->
                new MeterConfig.Dsmr(port, line(m, SerialSettings.DSMR5), (String) m.get("smartyKey"), health);
            case "sml" -> new MeterConfig.Sml(port, line(m, SerialSettings.SML), health);
            case "iec62056-21" ->
                new MeterConfig.Iec(
                        port,
                        line(m, SerialSettings.IEC_MODE_D),
                        "readout".equals(m.get("iecMode")),
                        Duration.ofMillis(num(m, "timeoutMs", 30_000)),
                        health);
            case "modbus-tcp" ->
                new MeterConfig.ModbusTcp(
                        (String) m.get("host"),
                        (int) num(m, "tcpPort", Modbus.DEFAULT_PORT),
                        Duration.ofMillis(num(m, "timeoutMs", 2_000)),
                        (int) num(m, "unitId", 1),
                        model(m),
                        health);
            case "modbus-rtu" ->
                new MeterConfig.ModbusRtu(
                        port,
                        line(m, new SerialSettings(9_600, 8, SerialSettings.Parity.NONE, 1)),
                        Duration.ofMillis(num(m, "timeoutMs", 2_000)),
                        (int) num(m, "unitId", 1),
                        model(m),
                        health);
            case "bthome" ->
                new MeterConfig.Bthome(
                        (String) m.getOrDefault("adapter", "hci0"),
                        (String) m.get("address"),
                        (String) m.get("bindKey"),
                        health);
            default -> throw new IllegalArgumentException("meter type '" + type + "' is not known");
        };
        return new MeterConfig(type, s0, source);
    }

    MeterConfig meter() {
        return meter(section(c, "meter"));
    }

    /** The configured line settings, each missing field taken from the protocol's {@code defaults}. */
    private static SerialSettings line(Map<String, Object> m, SerialSettings defaults) {
        SerialSettings.Parity parity = m.get("parity") == null
                ? defaults.parity()
                : SerialSettings.Parity.valueOf(((String) m.get("parity")).toUpperCase(Locale.ROOT));
        return new SerialSettings(
                (int) num(m, "baud", defaults.baud()), (int) num(m, "dataBits", defaults.dataBits()), parity, (int)
                        num(m, "stopBits", defaults.stopBits()));
    }

    private static ModbusMeterSource.Model model(Map<String, Object> m) {
        return ModbusMeterSource.Model.valueOf(((String) m.get("model")).toUpperCase(Locale.ROOT));
    }

    /** Cross-field checks of the uplink sections; the exception names the file, the line of the field and the problem. */
    static void checkUplink(Path file, Map<String, Object> c) throws ConfigException, IOException {
        String uplink = (String) c.get("uplink");
        if (!c.containsKey(uplink)) {
            throw new ConfigException(
                    file,
                    lineOf(file, "uplink"),
                    1,
                    uplink,
                    "uplink is " + uplink + " but there is no " + uplink + " section");
        }
        Map<String, Object> mqtt = section(c, "mqtt");
        if (mqtt != null && mqtt.get("tls") != null) {
            String uri = (String) mqtt.get("serverUri");
            if (!uri.startsWith("ssl://") && !uri.startsWith("wss://")) {
                throw new ConfigException(
                        file,
                        lineOf(file, "tls"),
                        1,
                        "mqtt.tls",
                        "TLS settings need an ssl:// or wss:// serverUri, not " + uri);
            }
            Map<String, Object> tls = section(mqtt, "tls");
            if ((tls.get("certFile") == null) != (tls.get("keyFile") == null)) {
                throw new ConfigException(
                        file, lineOf(file, "tls"), 1, "mqtt.tls", "certFile and keyFile go together (mutual TLS)");
            }
        }
        Map<String, Object> coap = section(c, "coap");
        if (coap != null && "rpk".equals(coap.get("security")) && coap.get("serverPublicKeyFile") == null) {
            throw new ConfigException(
                    file,
                    lineOf(file, "coap"),
                    1,
                    "coap.serverPublicKeyFile",
                    "security rpk needs the backend's DTLS public key");
        }
    }

    /** The uplink sections, checked by {@link #checkUplink}. */
    UplinkSettings uplink() {
        String uplink = (String) c.get("uplink");
        Map<String, Object> mqtt = section(c, "mqtt");
        Map<String, Object> coap = section(c, "coap");
        UplinkSettings.Mqtt typedMqtt = null;
        if (mqtt != null) {
            Map<String, Object> tls = section(mqtt, "tls");
            typedMqtt = new UplinkSettings.Mqtt(
                    (String) mqtt.get("serverUri"),
                    tls == null
                            ? null
                            : new MqttTls(
                                    path(tls.get("caFile")), path(tls.get("certFile")), path(tls.get("keyFile"))));
        }
        UplinkSettings.Coap typedCoap = coap == null
                ? null
                : new UplinkSettings.Coap(
                        (String) coap.get("serverUri"),
                        "rpk".equals(coap.get("security")),
                        path(coap.get("pskKeyFile")),
                        path(coap.get("rpkKeyFile")),
                        path(coap.get("serverPublicKeyFile")),
                        Duration.ofMillis(num(coap, "ackTimeoutMs")),
                        (int) num(coap, "maxRetransmit"));
        return new UplinkSettings(
                uplink.equals("coap") ? UplinkSettings.Kind.COAP : UplinkSettings.Kind.MQTT, typedMqtt, typedCoap);
    }

    /** The market section checked beyond the schema (tariffs in order, a known time zone); null when absent. */
    MarketConfig market() throws ConfigException, IOException {
        Map<String, Object> m = section(c, "market");
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

    private Path path(Object value) {
        return value == null ? null : dataDir.resolve((String) value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> m, String name) {
        return (Map<String, Object>) m.get(name);
    }

    private static long num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).longValue();
    }

    private static long num(Map<String, Object> m, String key, long dflt) {
        Object v = m.get(key);
        return v == null ? dflt : ((Number) v).longValue();
    }

    private static int lineOf(Path file, String key) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).stripLeading().startsWith(key + ":")) {
                return i + 1;
            }
        }
        return 1;
    }

    /** A ConfigException at the line and column of {@code dottedField} in {@code file}. */
    private static ConfigException at(Path file, String dottedField, String problem) throws IOException {
        return ConfigSchema.at(file, dottedField, problem);
    }
}
