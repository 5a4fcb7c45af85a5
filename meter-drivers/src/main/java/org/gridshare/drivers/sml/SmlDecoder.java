package org.gridshare.drivers.sml;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gridshare.drivers.DecodeException;
import org.gridshare.drivers.DecodeException.Kind;
import org.gridshare.drivers.MeterAuthenticity;
import org.gridshare.drivers.NormalizedReading;
import org.gridshare.drivers.ObisValue;
import org.gridshare.drivers.StatusFlag;
import org.gridshare.drivers.obis.ElectricityRegisters;
import org.gridshare.drivers.obis.ObisCode;
import org.openmuc.jsml.structures.ASNObject;
import org.openmuc.jsml.structures.Integer16;
import org.openmuc.jsml.structures.Integer32;
import org.openmuc.jsml.structures.Integer64;
import org.openmuc.jsml.structures.Integer8;
import org.openmuc.jsml.structures.OctetString;
import org.openmuc.jsml.structures.SmlBoolean;
import org.openmuc.jsml.structures.SmlListEntry;
import org.openmuc.jsml.structures.SmlMessage;
import org.openmuc.jsml.structures.SmlTime;
import org.openmuc.jsml.structures.Unsigned16;
import org.openmuc.jsml.structures.Unsigned32;
import org.openmuc.jsml.structures.Unsigned64;
import org.openmuc.jsml.structures.Unsigned8;
import org.openmuc.jsml.structures.responses.SmlGetListRes;

/**
 * Pure decoder of one SML 1.04 transport frame (as German eHZ meters push it on their optical interface).
 * The transport CRC is ours ({@link SmlTransport}); the messages inside, each with its own CRC, are parsed
 * by jSML. Values of the GetList response become OBIS values whose decimal text is exact (integer times a
 * power of ten, rendered without floating point).
 */
public final class SmlDecoder {

    /** DLMS unit codes (IEC 62056-62) that meters use, as text. Others are kept as {@code dlms-unit-N}. */
    private static final Map<Integer, String> UNITS = Map.ofEntries(
            Map.entry(27, "W"),
            Map.entry(28, "VA"),
            Map.entry(29, "var"),
            Map.entry(30, "Wh"),
            Map.entry(31, "VAh"),
            Map.entry(32, "varh"),
            Map.entry(33, "A"),
            Map.entry(35, "V"),
            Map.entry(44, "Hz"),
            Map.entry(9, "°C"),
            Map.entry(13, "m3"),
            Map.entry(7, "s"),
            Map.entry(8, "°"),
            Map.entry(255, "count"));

    /** OBIS 81 81 C7 82 05 FF: the meter's public key (EMH, ISKRA, EasyMeter eHZ send it). */
    static final String PUBLIC_KEY_CODE = "129-129:199.130.5";

    /** Codes whose value is the meter's server id (DIN 43863-5). */
    private static final List<String> METER_ID_CODES = List.of("1-0:96.1.0", "1-0:0.0.9", "0-0:96.1.0");

    private SmlDecoder() {}

    /** Decodes one transport frame (start escape to CRC). */
    public static NormalizedReading decode(byte[] frame) throws DecodeException {
        byte[] file = SmlTransport.unwrap(frame);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(file));
        Map<String, ObisValue> obis = new LinkedHashMap<>();
        Set<StatusFlag> status = EnumSet.noneOf(StatusFlag.class);
        String serverId = null;
        byte[] rawServerId = null;
        byte[] publicKey = null;
        byte[] listSignature = null;
        List<MeterAuthenticity.SignedValue> signedValues = new ArrayList<>();
        OffsetDateTime timestamp = null;
        boolean sawList = false;
        int messages = 0;
        try {
            while (in.available() > 0) {
                int at = file.length - in.available();
                SmlMessage message = new SmlMessage();
                boolean ok;
                try {
                    ok = message.decodeAndCheck(in);
                } catch (IOException ex) {
                    throw new DecodeException(
                            Kind.MALFORMED,
                            "SML message cut off or malformed: " + ex.getMessage(),
                            "message",
                            file,
                            at,
                            ex);
                }
                if (!ok) {
                    throw new DecodeException(
                            Kind.CORRUPT, "SML message structure or CRC does not check", "message", file, at);
                }
                messages++;
                if (message.getMessageBody().getChoice() instanceof SmlGetListRes list) {
                    sawList = true;
                    if (list.getServerId() != null && list.getServerId().getValue() != null) {
                        rawServerId = list.getServerId().getValue();
                        serverId = meterId(rawServerId);
                    }
                    if (list.getListSignature() != null
                            && list.getListSignature().getValue() != null) {
                        listSignature = list.getListSignature().getValue();
                    }
                    timestamp = time(list.getActSensorTime());
                    if (list.getValList() != null && list.getValList().getValListEntry() != null) {
                        for (SmlListEntry e : list.getValList().getValListEntry()) {
                            addEntry(e, obis, file, at);
                            String code =
                                    ObisCode.ofBytes(e.getObjName().getValue()).toString();
                            if (code.equals(PUBLIC_KEY_CODE)
                                    && publicKey == null
                                    && e.getValue() != null
                                    && e.getValue().getChoice() instanceof OctetString key
                                    && key.getValue() != null) {
                                publicKey = key.getValue();
                            }
                            SignedEntries.signed(e, code).ifPresent(signedValues::add);
                        }
                    }
                }
            }
        } catch (IOException ex) {
            throw new DecodeException(
                    Kind.MALFORMED, "cannot read SML file: " + ex.getMessage(), "message", file, 0, ex);
        } catch (RuntimeException ex) {
            // jSML signals some malformed input with unchecked exceptions: they are bad input, not bugs of ours
            throw new DecodeException(Kind.MALFORMED, "jSML rejected the SML file: " + ex, "message", file, -1, ex);
        }
        if (!sawList) {
            throw new DecodeException(
                    Kind.UNSUPPORTED, "no GetList response among " + messages + " messages", "message", null, -1);
        }
        String meterId = serverId;
        for (String code : METER_ID_CODES) {
            ObisValue v = obis.get(code);
            if (v != null) {
                meterId = v.value();
                break;
            }
        }
        if (timestamp == null) {
            status.add(StatusFlag.CLOCK_UNSYNCHRONISED);
        }
        ElectricityRegisters registers = ElectricityRegisters.of(obis);
        MeterAuthenticity authenticity =
                rawServerId == null && publicKey == null && listSignature == null && signedValues.isEmpty()
                        ? null
                        : new MeterAuthenticity(hex(rawServerId), hex(publicKey), hex(listSignature), signedValues);
        return new NormalizedReading(
                "sml",
                null,
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
                null,
                authenticity);
    }

    private static void addEntry(SmlListEntry e, Map<String, ObisValue> obis, byte[] file, int at)
            throws DecodeException {
        byte[] name = e.getObjName() == null ? null : e.getObjName().getValue();
        if (name == null || name.length != 6) {
            throw new DecodeException(Kind.MALFORMED, "object name is not a 6-byte OBIS code", "objName", file, at);
        }
        String code = ObisCode.ofBytes(name).toString();
        ASNObject v = e.getValue() == null ? null : e.getValue().getChoice();
        if (v == null) {
            return;
        }
        int scaler = e.getScaler() == null ? 0 : e.getScaler().getVal();
        Integer unitCode = e.getUnit() == null ? null : e.getUnit().getVal();
        String unit = unitCode == null ? null : UNITS.getOrDefault(unitCode, "dlms-unit-" + unitCode);
        BigInteger integer = integerOf(v);
        String text;
        if (integer != null) {
            text = new BigDecimal(integer).scaleByPowerOfTen(scaler).toPlainString();
        } else if (v instanceof OctetString s) {
            text = METER_ID_CODES.contains(code) ? meterId(s.getValue()) : octets(s.getValue());
            unit = null;
        } else if (v instanceof SmlBoolean b) {
            text = Boolean.toString(b.getVal());
            unit = null;
        } else {
            throw new DecodeException(
                    Kind.UNSUPPORTED, "value type " + v.getClass().getSimpleName(), code, file, at);
        }
        obis.putIfAbsent(code, new ObisValue(text, unit));
    }

    static String hex(byte[] b) {
        return b == null ? null : HexFormat.of().withUpperCase().formatHex(b);
    }

    static BigInteger integerOf(ASNObject v) {
        return switch (v) {
            case Integer8 i -> BigInteger.valueOf(i.getVal());
            case Integer16 i -> BigInteger.valueOf(i.getVal());
            case Integer32 i -> BigInteger.valueOf(i.getVal());
            case Integer64 i -> BigInteger.valueOf(i.getVal());
            case Unsigned8 u -> BigInteger.valueOf(u.getVal());
            case Unsigned16 u -> BigInteger.valueOf(u.getVal());
            case Unsigned32 u -> BigInteger.valueOf(u.getLongValue());
            case Unsigned64 u -> new BigInteger(Long.toUnsignedString(u.getVal()));
            default -> null;
        };
    }

    private static OffsetDateTime time(SmlTime t) {
        if (t == null
                || t.getTag() == null
                || t.getTag().getVal() != SmlTime.TIMESTAMP
                || !(t.getChoice() instanceof Unsigned32 s)) {
            return null;
        }
        return OffsetDateTime.ofInstant(Instant.ofEpochSecond(s.getLongValue()), ZoneOffset.UTC);
    }

    /**
     * The meter number as printed on the meter (DIN 43863-5 / FNN: media digit, three-letter maker,
     * fabrication block, eight-digit serial), e.g. {@code 0A 01 44 5A 47 00 02 82 22 5E} is
     * {@code 1DZG0042082910}; other ids are returned as hex.
     */
    static String meterId(byte[] id) {
        if (id.length == 10 && id[1] >= 0 && id[1] <= 9 && isUpper(id[2]) && isUpper(id[3]) && isUpper(id[4])) {
            long serial = ((id[6] & 0xFFL) << 24) | ((id[7] & 0xFFL) << 16) | ((id[8] & 0xFFL) << 8) | (id[9] & 0xFFL);
            return String.format(
                    "%d%s%02d%08d", id[1], new String(id, 2, 3, StandardCharsets.US_ASCII), id[5] & 0xFF, serial);
        }
        return octets(id);
    }

    private static boolean isUpper(byte b) {
        return b >= 'A' && b <= 'Z';
    }

    /** Printable ASCII as text, anything else as upper-case hex. */
    private static String octets(byte[] b) {
        if (b.length == 0) {
            return "";
        }
        for (byte x : b) {
            if (x < 0x20 || x > 0x7E) {
                return HexFormat.of().withUpperCase().formatHex(b);
            }
        }
        return new String(b, StandardCharsets.US_ASCII);
    }
}
