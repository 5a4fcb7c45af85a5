package org.gridshare.drivers.dsmr;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;

/**
 * Decrypts a Luxembourg Smarty (and other DLMS general-global-cipher) P1 frame with AES-128-GCM.
 *
 * <p>Frame: {@code DB} tag, system-title length (8), system title, {@code 82}, two-byte length of the
 * rest, security control byte ({@code 30}: authenticated and encrypted, suite 0), four-byte frame
 * counter, cipher text, 12-byte GCM tag. Nonce = system title + frame counter; additional authenticated
 * data = security control byte + authentication key. The plain text is an ordinary DSMR 5 telegram.
 */
public final class SmartyDecryptor {

    /** The authentication key Smarty meters use unless the operator set another. */
    public static final byte[] DEFAULT_AUTHENTICATION_KEY = HexFormat.of().parseHex("00112233445566778899AABBCCDDEEFF");

    static final int HEADER = 13;
    private static final int TAG_BYTES = 12;

    private final SecretKeySpec key;
    private final byte[] authenticationKey;

    /** @param key the 16-byte encryption key (GUEK) the grid operator gives the customer */
    public SmartyDecryptor(byte[] key, byte[] authenticationKey) {
        if (key.length != 16 || authenticationKey.length != 16) {
            throw new IllegalArgumentException("AES-128 keys are 16 bytes: key " + key.length + ", authentication key "
                    + authenticationKey.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.authenticationKey = authenticationKey.clone();
    }

    /** Total length of the frame starting at {@code data[0]}, or -1 when fewer than 13 header bytes are given. */
    static int frameLength(byte[] data, int off, int available) throws DecodeException {
        if (available < HEADER) {
            return -1;
        }
        if ((data[off] & 0xFF) != 0xDB || data[off + 1] != 8 || (data[off + 10] & 0xFF) != 0x82) {
            throw new DecodeException(
                    Kind.MALFORMED,
                    "not a general-global-cipher header (DB 08 <title> 82 <len>)",
                    "header",
                    Arrays.copyOfRange(data, off, off + HEADER),
                    0);
        }
        return HEADER + (((data[off + 11] & 0xFF) << 8) | (data[off + 12] & 0xFF));
    }

    /**
     * What an encrypted frame shows without its key: the system title (the meter's DLMS identity, e.g.
     * {@code SAG} + serial for Sagemcom), the frame counter and the security control byte.
     *
     * @param systemTitle the 8 bytes as sent
     * @param systemTitleText the title as printed: three maker letters and the remaining five bytes as
     *     hex (bytes {@code 53 41 47 10 30 70 08 90} print as {@code SAG1030700890}), or all hex when it does not start
     *     with three capital letters
     */
    // a parsed frame header: never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    public record Header(
            byte[] systemTitle, String systemTitleText, long frameCounter, int securityControl, int length) {}

    /**
     * Checks the shape of one whole encrypted frame without decrypting it (meter detection without the key):
     * header, length, security control 0x30 (suite 0, authenticated and encrypted), room for counter and tag.
     */
    public static Header header(byte[] frame) throws DecodeException {
        int total = frameLength(frame, 0, frame.length);
        if (total < 0 || frame.length < total) {
            throw new DecodeException(
                    Kind.TRUNCATED,
                    "frame needs " + Math.max(total, HEADER) + " bytes, has " + frame.length,
                    "length",
                    frame,
                    frame.length);
        }
        if (total - HEADER < 5 + TAG_BYTES) {
            throw new DecodeException(
                    Kind.TRUNCATED, "no room for security byte, counter and tag", "length", frame, HEADER);
        }
        int securityControl = frame[HEADER] & 0xFF;
        if (securityControl != 0x30) {
            throw new DecodeException(
                    Kind.UNSUPPORTED,
                    String.format("security control 0x%02X (only 0x30, suite 0, is supported)", securityControl),
                    "security",
                    frame,
                    HEADER);
        }
        byte[] title = Arrays.copyOfRange(frame, 2, 10);
        boolean maker = title[0] >= 'A'
                && title[0] <= 'Z'
                && title[1] >= 'A'
                && title[1] <= 'Z'
                && title[2] >= 'A'
                && title[2] <= 'Z';
        String text = maker
                ? new String(title, 0, 3, java.nio.charset.StandardCharsets.US_ASCII)
                        + HexFormat.of().withUpperCase().formatHex(title, 3, 8)
                : HexFormat.of().withUpperCase().formatHex(title);
        long counter = ((frame[HEADER + 1] & 0xFFL) << 24)
                | ((frame[HEADER + 2] & 0xFFL) << 16)
                | ((frame[HEADER + 3] & 0xFFL) << 8)
                | (frame[HEADER + 4] & 0xFFL);
        return new Header(title, text, counter, securityControl, total);
    }

    /** Decrypts and authenticates one frame; returns the telegram bytes. */
    public byte[] decrypt(byte[] frame) throws DecodeException {
        int total = frameLength(frame, 0, frame.length);
        if (total < 0 || frame.length < total) {
            throw new DecodeException(
                    Kind.TRUNCATED,
                    "frame needs " + Math.max(total, HEADER) + " bytes, has " + frame.length,
                    "length",
                    frame,
                    frame.length);
        }
        int body = HEADER;
        // found by fuzzing: a length field of 0 left no security byte to read
        if (total - body < 5 + TAG_BYTES) {
            throw new DecodeException(
                    Kind.TRUNCATED, "no room for security byte, counter and tag", "length", frame, body);
        }
        int securityControl = frame[body] & 0xFF;
        if (securityControl != 0x30) {
            throw new DecodeException(
                    Kind.UNSUPPORTED,
                    String.format("security control 0x%02X (only 0x30, suite 0, is supported)", securityControl),
                    "security",
                    frame,
                    body);
        }
        byte[] nonce = new byte[12];
        System.arraycopy(frame, 2, nonce, 0, 8);
        System.arraycopy(frame, body + 1, nonce, 8, 4);
        byte[] aad = new byte[17];
        aad[0] = (byte) securityControl;
        System.arraycopy(authenticationKey, 0, aad, 1, 16);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            gcm.updateAAD(aad);
            return gcm.doFinal(frame, body + 5, total - body - 5);
        } catch (AEADBadTagException ex) {
            throw new DecodeException(
                    Kind.CORRUPT,
                    "authentication tag does not match (wrong key or damaged frame)",
                    "tag",
                    frame,
                    total - TAG_BYTES,
                    ex);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("AES/GCM unavailable in this JDK", ex);
        }
    }

    /** Encrypts a telegram into a frame; the inverse of {@link #decrypt}, for tests and simulated meters. */
    public byte[] encrypt(byte[] systemTitle, int frameCounter, byte[] telegram) {
        if (systemTitle.length != 8) {
            throw new IllegalArgumentException("system title is 8 bytes");
        }
        try {
            byte[] nonce = new byte[12];
            System.arraycopy(systemTitle, 0, nonce, 0, 8);
            nonce[8] = (byte) (frameCounter >>> 24);
            nonce[9] = (byte) (frameCounter >>> 16);
            nonce[10] = (byte) (frameCounter >>> 8);
            nonce[11] = (byte) frameCounter;
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            byte[] aad = new byte[17];
            aad[0] = 0x30;
            System.arraycopy(authenticationKey, 0, aad, 1, 16);
            gcm.updateAAD(aad);
            byte[] sealed = gcm.doFinal(telegram);
            int rest = 1 + 4 + sealed.length;
            byte[] frame = new byte[HEADER + rest];
            frame[0] = (byte) 0xDB;
            frame[1] = 8;
            System.arraycopy(systemTitle, 0, frame, 2, 8);
            frame[10] = (byte) 0x82;
            frame[11] = (byte) (rest >>> 8);
            frame[12] = (byte) rest;
            frame[13] = 0x30;
            System.arraycopy(nonce, 8, frame, 14, 4);
            System.arraycopy(sealed, 0, frame, 18, sealed.length);
            return frame;
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("AES/GCM unavailable in this JDK", ex);
        }
    }
}
