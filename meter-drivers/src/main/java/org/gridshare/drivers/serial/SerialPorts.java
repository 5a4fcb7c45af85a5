package org.gridshare.drivers.serial;

import java.io.IOException;

/** Opens serial ports by name ({@code /dev/ttyUSB0}, {@code COM3}); {@link JSerialCommPorts} is the real one. */
@FunctionalInterface
public interface SerialPorts {

    /** Opens {@code port} with {@code settings}; fails with a message naming the port when it cannot. */
    SerialLink open(String port, SerialSettings settings) throws IOException;
}
