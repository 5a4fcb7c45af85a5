package org.gridshare.cli.installer;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.util.Map;

/**
 * A QR code as inline SVG, drawn by zxing's encoder (the matrix only: no image library, no network), so the
 * commissioning page prints on any browser and stays one file.
 */
final class Qr {
    private Qr() {}

    /** The QR matrix of {@code text} (error correction M, a 4-module quiet zone). */
    static BitMatrix matrix(String text) {
        try {
            return new QRCodeWriter()
                    .encode(
                            text,
                            BarcodeFormat.QR_CODE,
                            0,
                            0,
                            Map.of(
                                    EncodeHintType.ERROR_CORRECTION,
                                    ErrorCorrectionLevel.M,
                                    EncodeHintType.MARGIN,
                                    4,
                                    EncodeHintType.CHARACTER_SET,
                                    "UTF-8"));
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode " + text.length() + " characters as a QR code", e);
        }
    }

    /** One {@code <svg>} element: a dark square per set module, on white. */
    static String svg(String text) {
        BitMatrix m = matrix(text);
        StringBuilder s = new StringBuilder(32_768);
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(m.getWidth())
                .append(' ')
                .append(m.getHeight())
                .append("\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"consent QR code\">")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"");
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) {
                if (m.get(x, y)) {
                    s.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
                }
            }
        }
        return s.append("\"/></svg>").toString();
    }
}
