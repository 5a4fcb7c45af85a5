package org.gridshare.drivers;

import java.time.OffsetDateTime;

/**
 * One entry of a DSMR long power failure event log (1-0:99.97.0).
 *
 * @param endAsSent the end-of-failure timestamp as sent
 * @param end the same as a time, or null when the meter sent an impossible date
 * @param durationSeconds the failure's duration
 */
public record PowerFailure(String endAsSent, OffsetDateTime end, long durationSeconds) {}
