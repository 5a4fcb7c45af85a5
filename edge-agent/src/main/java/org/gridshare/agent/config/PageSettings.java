package org.gridshare.agent.config;

/** The {@code http} section: the household page, the JSON status API and {@code /metrics}. */
public record PageSettings(boolean enabled, String bind, int port) {}
