package org.gridshare.drivers.sunspec;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.facade.AbstractModbusMaster;
import com.ghgande.j2mod.modbus.procimg.Register;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.sunspec.SunSpecDiscovery.ModelHeader;

/**
 * Thin j2mod transport for SunSpec devices (inverters, meters) over Modbus TCP or RTU: reads holding
 * registers (function 03) and hands them to the pure {@link SunSpecDiscovery} and {@link SunSpecDecoder}.
 * The caller owns connect/disconnect.
 */
public final class SunSpecReader implements RegisterSource {

    /** Most registers one read may ask for (Modbus limit). */
    static final int MAX_READ = 125;

    private final AbstractModbusMaster master;
    private final int unitId;

    public SunSpecReader(AbstractModbusMaster master, int unitId) {
        this.master = Objects.requireNonNull(master, "master");
        this.unitId = unitId;
    }

    @Override
    public int[] read(int address, int count) throws IOException {
        int[] out = new int[count];
        for (int done = 0; done < count; ) {
            int n = Math.min(MAX_READ, count - done);
            Register[] regs;
            try {
                regs = master.readMultipleRegisters(unitId, address + done, n);
            } catch (ModbusException ex) {
                throw new IOException(
                        "Modbus read of " + n + " registers at " + (address + done) + " (unit " + unitId + ") failed: "
                                + ex.getMessage(),
                        ex);
            }
            if (regs.length != n) {
                throw new IOException(
                        "Modbus read at " + (address + done) + " returned " + regs.length + " registers, asked " + n);
            }
            for (int i = 0; i < n; i++) {
                out[done + i] = regs[i].toUnsignedShort();
            }
            done += n;
        }
        return out;
    }

    /** The device's model chain. */
    public List<ModelHeader> discover() throws IOException, DecodeException {
        return SunSpecDiscovery.discover(this);
    }

    /** Reads and decodes one model of the chain; empty when its layout is not known here. */
    public Optional<SunSpecBlock> read(ModelHeader model) throws IOException, DecodeException {
        Optional<SunSpecModel> layout = SunSpecModel.forId(model.id());
        if (layout.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(SunSpecDecoder.decode(
                layout.get(), model.id(), model.address(), read(model.address(), model.length())));
    }

    /** Discovers the chain and returns one reading per inverter or meter model, with the common model's serial as meter id. */
    public List<NormalizedReading> readAll() throws IOException, DecodeException {
        SunSpecBlock common = null;
        List<SunSpecBlock> measurements = new ArrayList<>();
        for (ModelHeader h : discover()) {
            Optional<SunSpecBlock> block = read(h);
            if (block.isEmpty()) {
                continue;
            }
            if (h.id() == 1) {
                common = block.get();
            } else {
                measurements.add(block.get());
            }
        }
        List<NormalizedReading> out = new ArrayList<>();
        for (SunSpecBlock m : measurements) {
            out.add(SunSpecDecoder.toReading(common, m));
        }
        return out;
    }
}
