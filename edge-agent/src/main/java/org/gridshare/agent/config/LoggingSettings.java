package org.gridshare.agent.config;

/** The {@code logging} section: {@code text} or {@code json}, and the level of the agent's loggers. */
public record LoggingSettings(String format, String level) {}
