package org.gridshare.agent.meter;

import com.ghgande.j2mod.modbus.facade.AbstractModbusMaster;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.modbus.ModbusMeterReader;
import org.gridshare.drivers.modbus.RegisterMap;
import org.gridshare.drivers.sunspec.SunSpecBlock;
import org.gridshare.drivers.sunspec.SunSpecDecoder;
import org.gridshare.drivers.sunspec.SunSpecDiscovery.ModelHeader;
import org.gridshare.drivers.sunspec.SunSpecReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Modbus meter (RTU over RS-485 or TCP) polled through j2mod on every {@link #read()}: an Eastron
 * SDM120 / SDM630 through its register map, or a SunSpec meter (models 201–204) found by discovery.
 * The registers are decoded and signed in the same round. A failed poll disconnects the master (the
 * next read connects again) and is a failed read; nothing is signed for it.
 */
public final class ModbusMeterSource implements MeterSource, MeterDiagnostics {
    private static final Logger LOG = LoggerFactory.getLogger(ModbusMeterSource.class);

    /** Which register layout the meter has. */
    public enum Model {
        SDM120,
        SDM630,
        SUNSPEC
    }

    private final Supplier<AbstractModbusMaster> masters;
    private final String where;
    private final int unitId;
    private final Model model;
    private final Clock clock;
    private final FrameMeasurements measurements;
    private final SourceCounters counters;
    private AbstractModbusMaster master;
    private List<ModelHeader> sunSpecChain;
    private boolean failedBefore;

    /**
     * @param masters a new, unconnected j2mod master ({@code ModbusTCPMaster} or {@code ModbusSerialMaster})
     * @param where the meter's address for messages ({@code 10.0.0.5:502 unit 1}, {@code /dev/ttyUSB0 unit 1})
     */
    public ModbusMeterSource(
            Supplier<AbstractModbusMaster> masters,
            String where,
            int unitId,
            Model model,
            Clock clock,
            Duration staleAfter) {
        this.masters = masters;
        this.where = where;
        this.unitId = unitId;
        this.model = model;
        this.clock = clock;
        this.measurements = new FrameMeasurements(where, Duration.ofDays(36500)); // Modbus meters send no time
        this.counters = new SourceCounters(where, clock, staleAfter);
    }

    @Override
    public synchronized Measurement read() {
        NormalizedReading r;
        try {
            r = poll();
        } catch (DecodeException e) {
            counters.decodeError(e);
            throw new MeterReadException(MeterReadException.Reason.DECODE, where, e.getMessage(), e);
        } catch (Exception e) { // j2mod throws ModbusException, IOException or a plain Exception from connect()
            disconnect();
            counters.transportFailed(e.toString(), true);
            if (!failedBefore) {
                LOG.warn("Modbus meter {} failed ({}); connecting again on the next read", where, e.toString());
            }
            failedBefore = true;
            throw new MeterReadException(MeterReadException.Reason.TRANSPORT, where, e.toString(), e);
        }
        if (failedBefore) {
            LOG.info("Modbus meter {} answers again", where);
            failedBefore = false;
        }
        counters.decoded();
        try {
            return measurements.measure(r, clock.millis());
        } catch (MeterReadException e) {
            counters.incomplete(e);
            throw e;
        }
    }

    private NormalizedReading poll() throws Exception {
        if (master == null) {
            AbstractModbusMaster m = masters.get();
            m.connect();
            master = m;
            sunSpecChain = null;
        }
        return switch (model) {
            case SDM120 -> new ModbusMeterReader(master, unitId, RegisterMap.sdm120(), null).read();
            case SDM630 -> new ModbusMeterReader(master, unitId, RegisterMap.sdm630(), null).read();
            case SUNSPEC -> sunSpec();
        };
    }

    /** The first SunSpec meter model (201–204) of the device; the chain is discovered once per connection. */
    private NormalizedReading sunSpec() throws IOException, DecodeException {
        SunSpecReader reader = new SunSpecReader(master, unitId);
        if (sunSpecChain == null) {
            sunSpecChain = reader.discover();
        }
        SunSpecBlock common = null;
        for (ModelHeader h : sunSpecChain) {
            if (h.id() == 1) {
                common = reader.read(h).orElse(null);
            } else if (h.id() >= 201 && h.id() <= 204) {
                Optional<SunSpecBlock> meter = reader.read(h);
                if (meter.isPresent()) {
                    return SunSpecDecoder.toReading(common, meter.get());
                }
            }
        }
        throw new DecodeException(
                DecodeException.Kind.UNSUPPORTED,
                "no SunSpec meter model (201-204) in the chain "
                        + sunSpecChain.stream().map(h -> String.valueOf(h.id())).toList(),
                "model",
                null,
                -1);
    }

    private void disconnect() {
        if (master != null) {
            try {
                master.disconnect();
            } catch (RuntimeException e) {
                LOG.debug("disconnecting {}: {}", where, e.toString());
            }
            master = null;
        }
    }

    /** Polls, errors and reconnections so far. */
    @Override
    public MeterSourceStats stats() {
        return counters.snapshot();
    }

    @Override
    public synchronized void close() {
        disconnect();
    }
}
