package org.gridshare.drivers.sml;

import java.util.ArrayList;
import java.util.List;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.StreamDecoder;
import org.gridshare.drivers.transport.Framed;

/** An SML byte stream (optical eHZ interface), decoded frame by frame. */
public final class SmlStreamDecoder implements StreamDecoder {

    private final SmlFramer framer = new SmlFramer();

    @Override
    public List<Event> feed(byte[] chunk, int off, int len) {
        return decodeAll(framer.feed(chunk, off, len));
    }

    @Override
    public List<Event> finish() {
        return decodeAll(framer.finish());
    }

    private static List<Event> decodeAll(List<Framed> framed) {
        List<Event> out = new ArrayList<>();
        for (Framed e : framed) {
            if (e instanceof Framed.Skipped s) {
                out.add(
                        s.truncated()
                                ? new Failed(
                                        s.offset(),
                                        new DecodeException(
                                                        DecodeException.Kind.TRUNCATED,
                                                        "SML frame cut off after " + s.bytes().length + " bytes",
                                                        "transport",
                                                        s.bytes(),
                                                        s.bytes().length)
                                                .shifted(s.offset()))
                                : new Skipped(s.offset(), s.bytes().length));
                continue;
            }
            try {
                out.add(new Decoded(e.offset(), SmlDecoder.decode(e.bytes())));
            } catch (DecodeException ex) {
                out.add(new Failed(e.offset(), ex.shifted(e.offset())));
            }
        }
        return out;
    }
}
