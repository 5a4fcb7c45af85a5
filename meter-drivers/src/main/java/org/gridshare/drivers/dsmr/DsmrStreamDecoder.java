package org.gridshare.drivers.dsmr;

import java.util.ArrayList;
import java.util.List;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.StatusFlag;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.transport.Framed;

/** A P1 stream of plain telegrams, or of Smarty-encrypted frames when built with a decryptor. */
public final class DsmrStreamDecoder implements StreamDecoder {

    private final DsmrFramer plainFramer;
    private final SmartyFramer smartyFramer;
    private final SmartyDecryptor decryptor;

    private DsmrStreamDecoder(SmartyDecryptor decryptor) {
        this.decryptor = decryptor;
        this.plainFramer = decryptor == null ? new DsmrFramer() : null;
        this.smartyFramer = decryptor == null ? null : new SmartyFramer();
    }

    /** Plain-text telegrams (DSMR 2.2 to 5, e-MUCS). */
    public static DsmrStreamDecoder plain() {
        return new DsmrStreamDecoder(null);
    }

    /** Encrypted frames (Smarty), decrypted with {@code decryptor}. */
    public static DsmrStreamDecoder encrypted(SmartyDecryptor decryptor) {
        return new DsmrStreamDecoder(java.util.Objects.requireNonNull(decryptor));
    }

    @Override
    public List<Event> feed(byte[] chunk, int off, int len) {
        return decodeAll(decryptor == null ? plainFramer.feed(chunk, off, len) : smartyFramer.feed(chunk, off, len));
    }

    @Override
    public List<Event> finish() {
        return decodeAll(decryptor == null ? plainFramer.finish() : smartyFramer.finish());
    }

    private List<Event> decodeAll(List<Framed> framed) {
        List<Event> out = new ArrayList<>(framed.size());
        for (Framed e : framed) {
            if (e instanceof Framed.Skipped s) {
                if (s.truncated()) {
                    out.add(new Failed(
                            s.offset(),
                            new DecodeException(
                                            DecodeException.Kind.TRUNCATED,
                                            "frame cut off after " + s.bytes().length + " bytes",
                                            null,
                                            s.bytes(),
                                            s.bytes().length)
                                    .shifted(s.offset())));
                } else {
                    out.add(new Skipped(s.offset(), s.bytes().length));
                }
                continue;
            }
            try {
                out.add(new Decoded(e.offset(), decode(e.bytes())));
            } catch (DecodeException ex) {
                out.add(new Failed(e.offset(), ex.shifted(e.offset())));
            }
        }
        return out;
    }

    private NormalizedReading decode(byte[] frame) throws DecodeException {
        if (decryptor == null) {
            return DsmrDecoder.decode(frame);
        }
        NormalizedReading r = DsmrDecoder.decode(decryptor.decrypt(frame));
        java.util.Set<StatusFlag> status = java.util.EnumSet.of(StatusFlag.AUTHENTICATED);
        status.addAll(r.status());
        return new NormalizedReading(
                r.protocol(),
                r.protocolVersion(),
                r.meterId(),
                r.timestamp(),
                r.importMilliWh(),
                r.exportMilliWh(),
                r.powerMilliW(),
                r.phases(),
                r.obis(),
                status,
                r.subMeters(),
                r.powerFailures(),
                r.textMessage());
    }
}
