package org.gridshare.drivers.bthome;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.CCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.StatusFlag;
import org.gridshare.drivers.obis.ElectricityRegisters;

/**
 * Pure decoder of BTHome v2 service data (UUID 0xFCD2), as Shelly BLU devices advertise it, plain or
 * AES-CCM encrypted with the device's bind key. Object ids, sizes and factors are data
 * ({@code objects.csv}); values are rendered as exact decimals (raw integer times factor).
 *
 * <p>Electricity objects are also keyed by their OBIS meaning so the normalized totals work: energy
 * (0x0A, 0x4D) as {@code 1-0:1.8.0} (a BTHome energy counter only counts up), unsigned power (0x0B) as
 * {@code 1-0:1.7.0}, signed power (0x5C) as {@code 1-0:16.7.0}. Everything else is keyed
 * {@code bthome:<name>} (with {@code _2}, {@code _3} for repeated objects).
 */
public final class BthomeDecoder {

    /** The 16-bit service UUID, little-endian as on air. */
    static final byte[] UUID = {(byte) 0xD2, (byte) 0xFC};

    private record ObjectType(int id, String name, int bytes, String format, BigDecimal factor, String unit) {}

    private static final Map<Integer, ObjectType> TYPES = loadTypes();
    private static final Map<Integer, String> OBIS =
            Map.of(0x0A, "1-0:1.8.0", 0x4D, "1-0:1.8.0", 0x0B, "1-0:1.7.0", 0x5C, "1-0:16.7.0");

    private BthomeDecoder() {}

    /**
     * Decodes one advertisement's service data.
     *
     * @param serviceData the bytes after the UUID (a leading {@code D2 FC} UUID is accepted and skipped)
     * @param mac the advertiser's address (6 bytes, as printed), or null; required for encrypted data
     * @param bindKey the 16-byte bind key, or null for plain advertisements
     */
    public static NormalizedReading decode(byte[] serviceData, byte[] mac, byte[] bindKey) throws DecodeException {
        byte[] data = serviceData;
        if (data.length >= 2 && data[0] == UUID[0] && data[1] == UUID[1]) {
            data = java.util.Arrays.copyOfRange(data, 2, data.length);
        }
        if (data.length == 0) {
            throw new DecodeException(Kind.TRUNCATED, "no device information byte", "device_info", data, 0);
        }
        int info = data[0] & 0xFF;
        int version = info >>> 5;
        if (version != 2) {
            throw new DecodeException(
                    Kind.UNSUPPORTED, "BTHome version " + version + " (only v2 is supported)", "device_info", data, 0);
        }
        boolean encrypted = (info & 1) != 0;
        Set<StatusFlag> status = EnumSet.of(StatusFlag.CLOCK_UNSYNCHRONISED);
        Map<String, ObisValue> obis = new LinkedHashMap<>();
        byte[] objects;
        if (encrypted) {
            if (bindKey == null || mac == null) {
                throw new DecodeException(
                        Kind.UNSUPPORTED,
                        "encrypted advertisement: bind key and MAC address needed",
                        "device_info",
                        data,
                        0);
            }
            objects = decrypt(data, info, mac, bindKey);
            status.add(StatusFlag.AUTHENTICATED);
            long counter = (data[data.length - 8] & 0xFFL)
                    | ((data[data.length - 7] & 0xFFL) << 8)
                    | ((data[data.length - 6] & 0xFFL) << 16)
                    | ((data[data.length - 5] & 0xFFL) << 24);
            obis.put("bthome:encryption_counter", new ObisValue(Long.toString(counter), null));
        } else {
            if (bindKey != null) {
                throw new DecodeException(
                        Kind.CORRUPT,
                        "plain advertisement from a device with a bind key (possible spoofing)",
                        "device_info",
                        data,
                        0);
            }
            objects = java.util.Arrays.copyOfRange(data, 1, data.length);
        }
        OffsetDateTime timestamp = parseObjects(objects, obis);
        if (timestamp != null) {
            status.remove(StatusFlag.CLOCK_UNSYNCHRONISED);
        }
        String meterId =
                mac == null ? null : HexFormat.ofDelimiter(":").withUpperCase().formatHex(mac);
        ElectricityRegisters registers = ElectricityRegisters.of(obis);
        return new NormalizedReading(
                "bthome",
                "2",
                meterId,
                timestamp,
                registers.importMilliWh(),
                registers.exportMilliWh(),
                registers.powerMilliW(),
                registers.phases(),
                obis,
                status,
                List.of(),
                List.of(),
                null);
    }

    /** Parses "AA:BB:CC:DD:EE:FF" (or without colons). */
    public static byte[] parseMac(String text) {
        String hex = text.replace(":", "").replace("-", "");
        if (hex.length() != 12) {
            throw new IllegalArgumentException("MAC address must be 6 bytes: '" + text + "'");
        }
        return HexFormat.of().parseHex(hex);
    }

    /** Offsets in errors are relative to the (decrypted) object bytes after the device information byte. */
    private static OffsetDateTime parseObjects(byte[] objects, Map<String, ObisValue> obis) throws DecodeException {
        Map<String, Integer> seen = new HashMap<>();
        OffsetDateTime timestamp = null;
        int pos = 0;
        while (pos < objects.length) {
            int id = objects[pos] & 0xFF;
            ObjectType type = TYPES.get(id);
            if (type == null) {
                // the length of an unknown object is unknown: the rest cannot be parsed, so nothing is guessed
                throw new DecodeException(
                        Kind.UNSUPPORTED, String.format("unknown object id 0x%02X", id), "object", objects, pos);
            }
            int start = pos + 1;
            int length = type.bytes();
            if (length == 0) {
                if (start >= objects.length) {
                    throw new DecodeException(
                            Kind.TRUNCATED, type.name() + " without its length byte", type.name(), objects, start);
                }
                length = objects[start] & 0xFF;
                start++;
            }
            if (start + length > objects.length) {
                throw new DecodeException(
                        Kind.TRUNCATED,
                        type.name() + " needs " + length + " bytes, " + (objects.length - start) + " left",
                        type.name(),
                        objects,
                        pos);
            }
            String name = type.name();
            int n = seen.merge(name, 1, Integer::sum);
            String key = "bthome:" + name + (n == 1 ? "" : "_" + n);
            ObisValue value = value(type, objects, start, length);
            if (type.format().equals("timestamp") && timestamp == null) {
                timestamp =
                        OffsetDateTime.ofInstant(Instant.ofEpochSecond(Long.parseLong(value.value())), ZoneOffset.UTC);
            }
            String obisKey = OBIS.get(id);
            if (obisKey != null && !obis.containsKey(obisKey)) {
                obis.put(obisKey, value);
            } else {
                obis.put(key, value);
            }
            pos = start + length;
        }
        return timestamp;
    }

    private static ObisValue value(ObjectType type, byte[] b, int start, int length) {
        return switch (type.format()) {
            case "text" -> new ObisValue(new String(b, start, length, StandardCharsets.UTF_8), null);
            case "raw" -> new ObisValue(HexFormat.of().withUpperCase().formatHex(b, start, start + length), null);
            default -> {
                byte[] bigEndian = new byte[length];
                for (int i = 0; i < length; i++) {
                    bigEndian[i] = b[start + length - 1 - i];
                }
                BigInteger raw =
                        type.format().equals("sint") ? new BigInteger(bigEndian) : new BigInteger(1, bigEndian);
                BigDecimal v = new BigDecimal(raw).multiply(type.factor());
                yield new ObisValue(v.toPlainString(), type.unit().isEmpty() ? null : type.unit());
            }
        };
    }

    private static byte[] decrypt(byte[] data, int info, byte[] mac, byte[] key) throws DecodeException {
        if (key.length != 16) {
            throw new DecodeException(Kind.UNSUPPORTED, "bind key must be 16 bytes, is " + key.length, "key", null, -1);
        }
        if (mac.length != 6) {
            throw new DecodeException(Kind.UNSUPPORTED, "MAC address must be 6 bytes", "mac", null, -1);
        }
        if (data.length < 1 + 8) {
            throw new DecodeException(
                    Kind.TRUNCATED, "encrypted advertisement shorter than counter and MIC", "mic", data, data.length);
        }
        byte[] nonce = new byte[13];
        System.arraycopy(mac, 0, nonce, 0, 6);
        nonce[6] = UUID[0];
        nonce[7] = UUID[1];
        nonce[8] = (byte) info;
        System.arraycopy(data, data.length - 8, nonce, 9, 4);
        int cipherLength = data.length - 1 - 8;
        byte[] sealed = new byte[cipherLength + 4];
        System.arraycopy(data, 1, sealed, 0, cipherLength);
        System.arraycopy(data, data.length - 4, sealed, cipherLength, 4);
        CCMModeCipher ccm = CCMBlockCipher.newInstance(AESEngine.newInstance());
        ccm.init(false, new AEADParameters(new KeyParameter(key), 32, nonce));
        byte[] plain = new byte[ccm.getOutputSize(sealed.length)];
        try {
            int n = ccm.processBytes(sealed, 0, sealed.length, plain, 0);
            ccm.doFinal(plain, n);
        } catch (InvalidCipherTextException ex) {
            throw new DecodeException(
                    Kind.CORRUPT,
                    "MIC does not match (wrong bind key or MAC, or damaged data)",
                    "mic",
                    data,
                    data.length - 4,
                    ex);
        }
        return plain;
    }

    private static Map<Integer, ObjectType> loadTypes() {
        Map<Integer, ObjectType> types = new HashMap<>();
        try (InputStream in = BthomeDecoder.class.getResourceAsStream("objects.csv")) {
            if (in == null) {
                throw new IllegalStateException("objects.csv missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(";", -1);
                int id = Integer.parseInt(f[0].substring(2), 16);
                types.put(id, new ObjectType(id, f[1], Integer.parseInt(f[2]), f[3], new BigDecimal(f[4]), f[5]));
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return Map.copyOf(types);
    }
}
