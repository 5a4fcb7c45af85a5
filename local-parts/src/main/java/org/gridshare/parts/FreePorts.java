package org.gridshare.parts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loopback port helpers. A port picked here can be taken by someone else before we bind it: callers retry. */
final class FreePorts {
    static final String LOOPBACK = "127.0.0.1";
    private static final Logger LOG = LoggerFactory.getLogger(FreePorts.class);

    private FreePorts() {}

    /** {@link #LOOPBACK} as an address, taken literally (no name lookup that could answer another address). */
    static InetAddress loopback() throws java.net.UnknownHostException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    }

    /** A port that was free on 127.0.0.1 a moment ago. */
    static int pick() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(loopback(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind any port on " + LOOPBACK, e);
        }
    }

    /** True when something accepts TCP connections on 127.0.0.1:port. */
    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(loopback(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True when we can bind 127.0.0.1:port ourselves, i.e. nobody listens there any more. */
    static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(loopback(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until all ports can be bound again; says so in the log when one is still held at the deadline. */
    static boolean awaitReleased(String part, Duration timeout, int... ports) {
        boolean free = Deadline.await(timeout, () -> Arrays.stream(ports).allMatch(FreePorts::bindable));
        if (!free) {
            LOG.warn(
                    "{} stopped but 127.0.0.1 port(s) {} still not free after {} s",
                    part,
                    Arrays.toString(ports),
                    timeout.toSeconds());
        }
        return free;
    }
}
