package org.gridshare.drivers.dsmr;

import java.util.ArrayList;
import java.util.List;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.obis.ObisCode;

/**
 * One COSEM object line of a P1 telegram: an OBIS code and its parenthesised groups, with the byte offset
 * where it starts (for error reports). Continuation lines (DSMR 2.2/3 gas) add groups to the line before.
 */
record DsmrLine(ObisCode code, String key, List<String> groups, int offset) {

    /** Splits the body {@code frame[from, to)} into object lines; every byte must belong to one. */
    static List<DsmrLine> parseBody(byte[] frame, int from, int to) throws DecodeException {
        List<DsmrLine> lines = new ArrayList<>();
        int pos = from;
        while (pos < to) {
            int eol = pos;
            while (eol < to && frame[eol] != '\n') {
                eol++;
            }
            int end = eol;
            if (end > pos && frame[end - 1] == '\r') {
                end--;
            }
            if (end > pos) {
                if (frame[pos] == '(') {
                    if (lines.isEmpty()) {
                        throw new DecodeException(
                                DecodeException.Kind.MALFORMED,
                                "value line without an object before it",
                                null,
                                frame,
                                pos);
                    }
                    DsmrLine previous = lines.get(lines.size() - 1);
                    previous.groups.addAll(groups(frame, pos, end, previous.code.toString()));
                } else {
                    lines.add(parseLine(frame, pos, end));
                }
            }
            pos = eol + 1;
        }
        return lines;
    }

    private static DsmrLine parseLine(byte[] frame, int from, int to) throws DecodeException {
        int paren = from;
        while (paren < to && frame[paren] != '(') {
            paren++;
        }
        String codeText = new String(frame, from, paren - from, java.nio.charset.StandardCharsets.US_ASCII);
        ObisCode code = ObisCode.parse(codeText);
        if (code == null) {
            throw new DecodeException(
                    DecodeException.Kind.MALFORMED,
                    "'" + codeText + "' is not an OBIS code A-B:C.D.E",
                    null,
                    frame,
                    from);
        }
        if (paren == to) {
            throw new DecodeException(
                    DecodeException.Kind.MALFORMED, "object without a value", code.toString(), frame, to);
        }
        return new DsmrLine(code, ObisCode.key(codeText), groups(frame, paren, to, code.toString()), from);
    }

    private static List<String> groups(byte[] frame, int from, int to, String field) throws DecodeException {
        List<String> groups = new ArrayList<>();
        int pos = from;
        while (pos < to) {
            if (frame[pos] != '(') {
                throw new DecodeException(
                        DecodeException.Kind.MALFORMED, "expected '(' after a value", field, frame, pos);
            }
            int close = pos + 1;
            while (close < to && frame[close] != ')') {
                if (frame[close] == '(') {
                    throw new DecodeException(
                            DecodeException.Kind.MALFORMED, "'(' inside a value", field, frame, close);
                }
                close++;
            }
            if (close == to) {
                throw new DecodeException(DecodeException.Kind.MALFORMED, "value not closed by ')'", field, frame, to);
            }
            groups.add(new String(frame, pos + 1, close - pos - 1, java.nio.charset.StandardCharsets.US_ASCII));
            pos = close + 1;
        }
        return groups;
    }
}
