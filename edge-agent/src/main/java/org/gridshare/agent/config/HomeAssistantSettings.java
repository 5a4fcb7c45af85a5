package org.gridshare.agent.config;

/** The {@code homeAssistant} section: MQTT discovery of the meter's sensors. */
public record HomeAssistantSettings(boolean enabled, String discoveryPrefix, String model) {}
