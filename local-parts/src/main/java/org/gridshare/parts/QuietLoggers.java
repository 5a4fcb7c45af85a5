package org.gridshare.parts;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Turns the brokers' own loggers down to WARN. Done in code rather than in a logback.xml on the main
 * classpath, which would take over every application's logging; a level set explicitly in the
 * application's own logback configuration is left alone.
 */
final class QuietLoggers {
    private QuietLoggers() {}

    static void warnOnly(String... loggerNames) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another slf4j binding: its configuration is the application's business
        }
        for (String name : loggerNames) {
            Logger logger = context.getLogger(name);
            if (logger.getLevel() == null) {
                logger.setLevel(Level.WARN);
            }
        }
    }
}
