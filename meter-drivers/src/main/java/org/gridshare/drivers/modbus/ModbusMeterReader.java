package org.gridshare.drivers.modbus;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.facade.AbstractModbusMaster;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.NormalizedReading;

/**
 * Thin j2mod transport: reads a map's input registers (function 04) in blocks and hands the words to the
 * pure {@link RegisterDecoder}. Works with any j2mod master: {@code ModbusSerialMaster} (RTU over RS-485,
 * via jSerialComm) or {@code ModbusTCPMaster}. The caller owns connect/disconnect.
 */
public final class ModbusMeterReader {

    /** Registers per request; Eastron meters answer up to 80, 40 keeps slow RS-485 frames short. */
    static final int BLOCK = 40;

    private final AbstractModbusMaster master;
    private final int unitId;
    private final RegisterMap map;
    private final String meterId;

    public ModbusMeterReader(AbstractModbusMaster master, int unitId, RegisterMap map, String meterId) {
        this.master = Objects.requireNonNull(master, "master");
        this.unitId = unitId;
        this.map = Objects.requireNonNull(map, "map");
        this.meterId = meterId;
    }

    /** Reads every register the map uses (gaps between blocks are not read) and decodes them. */
    public NormalizedReading read() throws ModbusException, DecodeException {
        int[] needed = map.entries().stream()
                .flatMapToInt(e -> IntStream.range(e.address(), e.address() + e.type().words))
                .sorted()
                .distinct()
                .toArray();
        Map<Integer, Integer> words = new HashMap<>();
        int i = 0;
        while (i < needed.length) {
            int from = needed[i];
            int last = from;
            while (i < needed.length && needed[i] < from + BLOCK) {
                last = needed[i++];
            }
            InputRegister[] regs = master.readInputRegisters(unitId, from, last - from + 1);
            for (int r = 0; r < regs.length; r++) {
                words.put(from + r, regs[r].toUnsignedShort());
            }
        }
        return RegisterDecoder.decode(map, words, meterId);
    }
}
