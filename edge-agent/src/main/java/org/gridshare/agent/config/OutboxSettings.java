package org.gridshare.agent.config;

import org.gridshare.agent.EdgeAgent;

/** The {@code outbox} section: how many readings it holds and how they are committed and sent. */
public record OutboxSettings(long capacity, EdgeAgent.Delivery delivery) {}
