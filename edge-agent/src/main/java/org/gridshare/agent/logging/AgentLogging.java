package org.gridshare.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The device's logging: plain text lines or JSON lines (logback's own {@link JsonEncoder}, one object
 * per line with {@code timestamp}, {@code level}, {@code threadName}, {@code loggerName},
 * {@code mdc} — {@code meter} and, where a reading is concerned, {@code seq} — and
 * {@code formattedMessage}), on standard output, which systemd hands to the journal.
 *
 * <p>In JSON mode the agent's own status lines (what it prints on start, stop and the first stored
 * reading) become log events of the logger {@value #CONSOLE_LOGGER} too, so every line of the
 * service's output is one JSON object. No key material is ever passed to a logger.
 */
public final class AgentLogging {
    /** Environment variable that overrides {@code logging.format}: {@code text} or {@code json}. */
    public static final String FORMAT_ENV = "GRIDSHARE_LOG_FORMAT";
    /** Environment variable that overrides {@code logging.level}. */
    public static final String LEVEL_ENV = "GRIDSHARE_LOG_LEVEL";
    /** The logger the agent's status lines go to in JSON mode. */
    public static final String CONSOLE_LOGGER = "org.gridshare.agent.console";

    /** How log lines are written. */
    public enum Format {
        TEXT,
        JSON
    }

    private AgentLogging() {}

    /** {@code configured} unless the environment overrides it ({@value #FORMAT_ENV}). */
    public static Format format(String configured, Map<String, String> env) {
        String v = env.getOrDefault(FORMAT_ENV, configured);
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "json" -> Format.JSON;
            case "text" -> Format.TEXT;
            default -> throw new IllegalArgumentException(FORMAT_ENV + " must be text or json, not '" + v + "'");
        };
    }

    /** {@code configured} unless the environment overrides it ({@value #LEVEL_ENV}). */
    public static String level(String configured, Map<String, String> env) {
        return env.getOrDefault(LEVEL_ENV, configured);
    }

    /**
     * Configures logback to write {@code format} at {@code level} to {@code console}. A logback file
     * given with {@code -Dlogback.configurationFile} wins over the text format (the launcher's choice);
     * JSON is always applied. Without logback as the SLF4J binding nothing changes.
     *
     * @return where the agent's status lines go: {@code console} itself in text mode, a stream that
     *     turns each line into an INFO event of {@value #CONSOLE_LOGGER} in JSON mode
     */
    public static PrintStream configure(Format format, String level, PrintStream console) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return console;
        }
        if (format == Format.TEXT && System.getProperty("logback.configurationFile") != null) {
            return console;
        }
        ctx.reset();
        Encoder<ILoggingEvent> encoder = format == Format.JSON ? json(ctx) : text(ctx);
        OutputStreamAppender<ILoggingEvent> out = new OutputStreamAppender<>();
        out.setContext(ctx);
        out.setName("console");
        out.setEncoder(encoder);
        out.setImmediateFlush(true);
        // standard output (systemd hands it to the journal); a reset of logback must not close it
        out.setOutputStream(new java.io.FilterOutputStream(console) {
            @Override
            public void close() {
                console.flush();
            }
        });
        out.start();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(out);
        ctx.getLogger("org.gridshare").setLevel(Level.toLevel(level, Level.INFO));
        // Pi4J probes for Raspberry Pi board files a PC or the mock platform does not have
        ctx.getLogger("com.pi4j.boardinfo").setLevel(Level.OFF);
        if (format == Format.TEXT) {
            return console;
        }
        ctx.getLogger(CONSOLE_LOGGER).setLevel(Level.INFO);
        return new PrintStream(new LineToLog(LoggerFactory.getLogger(CONSOLE_LOGGER)), true, StandardCharsets.UTF_8);
    }

    private static Encoder<ILoggingEvent> json(LoggerContext ctx) {
        JsonEncoder e = new JsonEncoder();
        e.setContext(ctx);
        e.setWithContext(false);
        e.setWithSequenceNumber(false);
        e.setWithNanoseconds(false);
        e.setWithMessage(false);
        e.setWithArguments(false);
        e.setWithFormattedMessage(true);
        e.start();
        return e;
    }

    private static Encoder<ILoggingEvent> text(LoggerContext ctx) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{24} [%X{meter}] %X{seq} - %msg%n");
        e.setCharset(StandardCharsets.UTF_8);
        e.start();
        return e;
    }

    /** Collects bytes up to a line end, then logs the line (without it) at INFO. */
    private static final class LineToLog extends OutputStream {
        private final org.slf4j.Logger log;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

        LineToLog(org.slf4j.Logger log) {
            this.log = log;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                flushLine();
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        private void flushLine() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (s.endsWith("\r")) {
                s = s.substring(0, s.length() - 1);
            }
            log.info(s);
        }
    }
}
