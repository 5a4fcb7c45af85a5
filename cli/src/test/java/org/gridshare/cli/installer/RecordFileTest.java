package org.gridshare.cli.installer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.decoder.Decoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gridshare.protocol.Address;
import org.gridshare.protocol.CommissioningRecord;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.SignatureVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordFileTest {
    static final Secp256k1Signer METER = Secp256k1Signer.fromPrivateKey(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        31, 32
    });
    static final Secp256k1Signer INSTALLER = Secp256k1Signer.fromPrivateKey(new byte[] {
        9, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        31, 32
    });

    @TempDir
    Path dir;

    static CommissioningRecord record(Address meter, Address installer) {
        return new CommissioningRecord(
                1,
                "box-17",
                meter,
                Address.fromHex("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"),
                "K8EG004046395507",
                "dsmr",
                "5.0",
                "/dev/serial/by-id/usb-FTDI_P1-if00-port0",
                "115200 8N1",
                6_825_000L,
                2_444_000L,
                "zone-a",
                installer,
                1_796_000_000_000L,
                1,
                1_796_003_600_000L,
                31337,
                Address.fromHex("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"));
    }

    @Test
    void a_signed_record_reads_back_and_both_signatures_cover_the_binding() throws Exception {
        RecordFile f = RecordFile.sign(record(METER.address(), INSTALLER.address()), METER, INSTALLER);
        Path p = Files.write(dir.resolve("commissioning.json"), f.toJson());
        RecordFile back = RecordFile.read(p);
        assertEquals(f, back);
        assertEquals(METER.address(), SignatureVerifier.recover(back.bindingDigest(), back.meterSignature()));
        assertEquals(INSTALLER.address(), SignatureVerifier.recover(back.bindingDigest(), back.installerSignature()));
        assertEquals(back.record().digest(), back.binding().commissioningDigest());
        assertEquals(6_825_000L, back.binding().genesisImportMilliWh());
    }

    @Test
    void a_record_changed_after_signing_is_refused_naming_what() throws Exception {
        RecordFile f = RecordFile.sign(record(METER.address(), INSTALLER.address()), METER, null);
        String json = new String(f.toJson(), StandardCharsets.UTF_8);
        Path edited = Files.writeString(dir.resolve("a.json"), json.replace("6825000", "6825001"));
        RecordFile.InvalidRecordException e =
                assertThrows(RecordFile.InvalidRecordException.class, () -> RecordFile.read(edited));
        assertTrue(e.getMessage().contains("commissioningDigest"), e.getMessage());
        // without the stated digest, the meter signature no longer matches
        Path noDigest = Files.writeString(
                dir.resolve("b.json"),
                json.replace("6825000", "6825001").replaceAll("\"commissioningDigest\" : \"0x[0-9a-f]+\",", ""));
        e = assertThrows(RecordFile.InvalidRecordException.class, () -> RecordFile.read(noDigest));
        assertTrue(e.getMessage().contains("meterSignature was made by"), e.getMessage());
    }

    @Test
    void the_installer_signature_must_be_the_named_installer() {
        RecordFile f = RecordFile.sign(record(METER.address(), INSTALLER.address()), METER, null);
        assertThrows(IllegalArgumentException.class, () -> f.signedByInstaller(METER));
        assertThrows(
                IllegalArgumentException.class,
                () -> RecordFile.sign(record(INSTALLER.address(), INSTALLER.address()), METER, null));
    }

    @Test
    void the_page_carries_a_qr_code_that_decodes_to_the_consent_uri() throws Exception {
        RecordFile f = RecordFile.sign(record(METER.address(), INSTALLER.address()), METER, null);
        String html = f.toHtml();
        assertTrue(html.contains("<svg") && html.contains("K8EG004046395507") && html.contains("6.825000 kWh"), html);
        BitMatrix m = Qr.matrix(f.consentUri());
        int[] box = m.getEnclosingRectangle();
        BitMatrix bits = new BitMatrix(box[2], box[3]);
        for (int y = 0; y < box[3]; y++) {
            for (int x = 0; x < box[2]; x++) {
                if (m.get(box[0] + x, box[1] + y)) {
                    bits.set(x, y);
                }
            }
        }
        assertEquals(f.consentUri(), new Decoder().decode(bits).getText());
        assertTrue(f.consentUri()
                .contains("commissioningDigest=" + f.record().digest().toHex()));
    }
}
