package org.gridshare.drivers.sunspec;

import java.io.IOException;

/** Holding registers of one Modbus device (function 03); {@link SunSpecReader} is the j2mod one. */
@FunctionalInterface
public interface RegisterSource {

    /** {@code count} registers from {@code address}, each 0..65535. */
    int[] read(int address, int count) throws IOException;
}
