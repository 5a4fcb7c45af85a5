package org.gridshare.parts;

import java.time.Duration;

/**
 * A running broker on {@code 127.0.0.1:port}, whichever program backs it: closes once (also from a
 * JVM shutdown hook), runs {@code stop}, then waits until the port is free again.
 */
final class LoopbackBroker implements MqttBroker {
    private final String name;
    private final int port;
    private final Duration stopTimeout;
    private final Runnable stop;
    private final Thread hook;
    private boolean closed;

    LoopbackBroker(String name, int port, Duration stopTimeout, Runnable stop) {
        this.name = name;
        this.port = port;
        this.stopTimeout = stopTimeout;
        this.stop = stop;
        this.hook = ShutdownHooks.register(name, this::close);
    }

    @Override
    public String serverUri() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ShutdownHooks.unregister(hook);
        stop.run();
        FreePorts.awaitReleased(name, stopTimeout, port);
    }

    @Override
    public String toString() {
        return name + " " + serverUri();
    }
}
