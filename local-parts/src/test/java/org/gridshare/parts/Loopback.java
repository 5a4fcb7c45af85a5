package org.gridshare.parts;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Checks that a part listens on 127.0.0.1 only, not on the machine's other addresses. */
final class Loopback {
    private Loopback() {}

    static void assertNotReachableFromOtherAddresses(int port) throws SocketException {
        Optional<InetAddress> other = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst();
        if (other.isEmpty()) {
            String why = "this machine has no non-loopback IPv4 address to probe the listener from";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why + " (CI machines have one)");
            }
            Assumptions.abort(why);
        }
        assertFalse(accepts(other.get(), port), "port " + port + " also accepts on " + other.get());
    }

    private static boolean accepts(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
