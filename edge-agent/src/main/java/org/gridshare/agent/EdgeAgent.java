package org.gridshare.agent;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.gridshare.agent.meter.MeterSource;
import org.gridshare.agent.signing.ReadingSigner;
import org.gridshare.agent.uplink.MqttUplink;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.Signed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The household box's loop: every period it reads the meter, signs the reading at once with the
 * meter key, queues it and publishes the queue in order over MQTT (QoS 1).
 *
 * <p>A failure to publish leaves the reading at the head of the queue for the next round; a
 * failure to read or sign is recorded in {@link #health()} and the loop goes on. The queue here
 * lives in memory and is bounded: when it is full the agent stops reading (backpressure) and says
 * so in its health, it never drops a signed reading.
 */
public final class EdgeAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeAgent.class);

  /** What the agent reports about itself. */
  public enum Health { STARTING, OK, METER_FAILED, UPLINK_DOWN, QUEUE_FULL }

  private final MeterSource meter;
  private final ReadingSigner signer;
  private final MqttUplink uplink;
  private final int queueCapacity;
  private final Consumer<Signed<MeterReading>> onSigned;
  private final Deque<Signed<MeterReading>> queue = new ArrayDeque<>();
  private final ScheduledExecutorService loop;
  private final AtomicLong signedCount = new AtomicLong();
  private final AtomicLong publishedCount = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile Health health = Health.STARTING;

  public EdgeAgent(MeterSource meter, ReadingSigner signer, MqttUplink uplink, int queueCapacity,
      Consumer<Signed<MeterReading>> onSigned) {
    this.meter = meter;
    this.signer = signer;
    this.uplink = uplink;
    this.queueCapacity = queueCapacity;
    this.onSigned = onSigned;
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "gridshare-agent");
      t.setDaemon(true);
      return t;
    });
  }

  /** Connects the uplink and reads every {@code period}, the first time at once. */
  public void start(Duration period) throws MqttException {
    uplink.connect();
    loop.scheduleAtFixedRate(this::tick, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One round: read and sign (unless the queue is full), then publish what is queued. */
  synchronized void tick() {
    try {
      if (queue.size() >= queueCapacity) {
        health = Health.QUEUE_FULL;
      } else {
        Signed<MeterReading> reading = signer.sign(meter.read());
        signedCount.incrementAndGet();
        queue.addLast(reading);
        if (onSigned != null) {
          onSigned.accept(reading);
        }
      }
    } catch (IOException | RuntimeException e) {
      health = Health.METER_FAILED;
      LOG.warn("reading or signing failed: {}", e.toString());
      return;
    }
    drain();
  }

  private void drain() {
    while (!queue.isEmpty()) {
      try {
        uplink.publish(queue.peekFirst()).waitForCompletion(10_000);
      } catch (MqttException e) {
        health = Health.UPLINK_DOWN;
        return;
      }
      queue.removeFirst();
      publishedCount.incrementAndGet();
    }
    health = Health.OK;
  }

  public Health health() {
    return health;
  }

  public long signedCount() {
    return signedCount.get();
  }

  public long publishedCount() {
    return publishedCount.get();
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    loop.shutdownNow();
    try {
      loop.awaitTermination(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    uplink.close();
    meter.close();
  }
}
