package org.gridshare.agent.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-JVM TCP proxy on 127.0.0.1 between a client and a server that can break the network the ways
 * a household's uplink breaks (plain sockets, two pump threads per connection):
 *
 * <ul>
 *   <li>{@link Mode#PASS}: bytes flow both ways; a close on one side closes the other.
 *   <li>{@link Mode#CUT}: every open connection is reset (RST to the client, closed to the server)
 *       and new connections are reset as soon as they are accepted: the link is down and says so.
 *   <li>{@link Mode#BLACKHOLE}: half-open. Open connections stay open but every byte in either
 *       direction is swallowed and no close or reset is passed on; new connections are accepted and
 *       swallowed the same way. Only the client's keep-alive can tell.
 * </ul>
 *
 * A connection swallowed once stays swallowed after {@link Mode#PASS} returns (as a real half-open
 * connection would be dead); the client has to connect again.
 */
public final class TcpFaultProxy implements AutoCloseable {
    /** How the proxy treats connections. */
    public enum Mode {
        PASS,
        CUT,
        BLACKHOLE
    }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong swallowedBytes = new AtomicLong();
    private volatile Mode mode = Mode.PASS;
    private volatile boolean closed;

    private TcpFaultProxy(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
        Thread t = new Thread(this::acceptLoop, "fault-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    /** Listens on a free loopback port and forwards to {@code targetPort} on 127.0.0.1. */
    public static TcpFaultProxy start(int targetPort) throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return new TcpFaultProxy(s, new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far (each client connect attempt that reached the proxy). */
    public long accepted() {
        return accepted.get();
    }

    /** Bytes swallowed in blackhole mode. */
    public long swallowedBytes() {
        return swallowedBytes.get();
    }

    /** Switches the mode; CUT resets the open connections at once, BLACKHOLE swallows them from now on. */
    public void mode(Mode m) {
        mode = m;
        for (Link l : links) {
            if (m == Mode.CUT) {
                l.reset();
            } else if (m == Mode.BLACKHOLE) {
                l.swallowed = true;
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            Mode now = mode;
            if (now == Mode.CUT) {
                resetQuietly(client);
                continue;
            }
            Link link = new Link(client);
            links.add(link);
            if (now == Mode.BLACKHOLE) {
                link.swallowed = true;
                link.pump(client, null, "fault-proxy-swallow");
                continue;
            }
            try {
                Socket upstream = new Socket();
                upstream.connect(target, 5_000);
                link.upstream = upstream;
                link.pump(client, upstream, "fault-proxy-up");
                link.pump(upstream, client, "fault-proxy-down");
            } catch (IOException e) {
                link.reset(); // the server is not there: the client sees a reset, as it would without the proxy
            }
        }
    }

    private final class Link {
        final Socket client;
        volatile Socket upstream;
        volatile boolean swallowed;

        Link(Socket client) {
            this.client = client;
        }

        void pump(Socket from, Socket to, String name) {
            Thread t = new Thread(
                    () -> {
                        byte[] buf = new byte[8192];
                        try {
                            InputStream in = from.getInputStream();
                            OutputStream out = to == null ? null : to.getOutputStream();
                            int n;
                            while ((n = in.read(buf)) >= 0) {
                                if (swallowed || out == null) {
                                    swallowedBytes.addAndGet(n);
                                } else {
                                    out.write(buf, 0, n);
                                    out.flush();
                                }
                            }
                        } catch (IOException e) {
                            // a reset or a close: handled below like an end of stream
                        }
                        ended(from);
                    },
                    name);
            t.setDaemon(true);
            t.start();
        }

        /** One side ended: passed on unless swallowed; a swallowed client that left frees the link. */
        void ended(Socket side) {
            if (!swallowed) {
                closeQuietly(client);
                closeQuietly(upstream);
                links.remove(this);
            } else if (side == client) {
                closeQuietly(client);
                closeQuietly(upstream);
                links.remove(this);
            } else {
                closeQuietly(upstream); // the server gave up on it; the client is not told
            }
        }

        void reset() {
            resetQuietly(client);
            closeQuietly(upstream);
            links.remove(this);
        }
    }

    private static void resetQuietly(Socket s) {
        try {
            s.setSoLinger(true, 0); // close with RST, as a router that lost the connection state would answer
        } catch (SocketException ignored) {
            // already closed
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Link l : links) {
            l.reset();
        }
    }
}
