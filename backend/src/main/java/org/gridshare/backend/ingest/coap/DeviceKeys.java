package org.gridshare.backend.ingest.coap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Principal;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;
import org.gridshare.protocol.Address;

/**
 * Which devices may open a DTLS session with the CoAP ingest, and which meter each session speaks
 * for. PSK: one pre-shared key per meter, the PSK identity is the meter address ({@code 0x…}
 * lowercase); keys can be added while running. RPK: the backend's own P-256 key pair, and each
 * device's DTLS public key mapped to its meter (fixed at start). A device may only post readings for,
 * and observe the acks of, the meter its session belongs to.
 */
public final class DeviceKeys {
    private final AdvancedMultiPskStore pskStore = new AdvancedMultiPskStore();
    private final Map<String, Boolean> pskMeters = new ConcurrentHashMap<>();
    private final Map<String, Address> rpkMeters = new ConcurrentHashMap<>();
    private final List<RawPublicKeyIdentity> trustedRpks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile KeyPair serverKey;

    /** Allows the meter's device with this pre-shared key (16 bytes or more); also while running. */
    public DeviceKeys psk(Address meter, byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("pre-shared key of " + meter.toHex() + " is shorter than 16 bytes");
        }
        pskStore.setKey(meter.toHex(), secret.clone());
        pskMeters.put(meter.toHex(), Boolean.TRUE);
        return this;
    }

    /** The backend's own raw public key pair (needed for RPK devices). */
    public DeviceKeys serverKey(KeyPair key) {
        this.serverKey = key;
        return this;
    }

    /** Allows the device with this DTLS public key, speaking for {@code meter} (before start). */
    public DeviceKeys rpk(PublicKey devicePublicKey, Address meter) {
        RawPublicKeyIdentity id = new RawPublicKeyIdentity(devicePublicKey);
        rpkMeters.put(key(devicePublicKey), meter);
        trustedRpks.add(id);
        return this;
    }

    /**
     * Reads a PSK file: one device per line, {@code 0x<meter address> <key as hex>}; blank lines and
     * lines starting with {@code #} are skipped. The exception names the file and line.
     */
    public DeviceKeys pskFile(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", -1); // a stripped line: no trailing empty field either way
            try {
                if (parts.length != 2) {
                    throw new IllegalArgumentException("expected '0x<meter> <hex key>'");
                }
                psk(Address.fromHex(parts[0]), HexFormat.of().parseHex(parts[1]));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return this;
    }

    void apply(DtlsConnectorConfig.Builder builder) {
        builder.setAdvancedPskStore(pskStore);
        KeyPair k = serverKey;
        if (k != null && !trustedRpks.isEmpty()) {
            builder.setCertificateIdentityProvider(new SingleCertificateProvider(k.getPrivate(), k.getPublic()));
            builder.setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
                    .setTrustedRPKs(trustedRpks.toArray(RawPublicKeyIdentity[]::new))
                    .build());
        }
    }

    boolean usesRpk() {
        return serverKey != null && !trustedRpks.isEmpty();
    }

    /** The meter ({@code 0x…} lowercase) the authenticated DTLS peer speaks for, or null. */
    String meterOf(Principal peer) {
        if (peer instanceof PreSharedKeyIdentity psk) {
            String id = psk.getIdentity();
            return id != null && pskMeters.containsKey(id) ? id : null;
        }
        if (peer instanceof RawPublicKeyIdentity rpk) {
            Address meter = rpkMeters.get(key(rpk.getKey()));
            return meter == null ? null : meter.toHex();
        }
        return null;
    }

    private static String key(PublicKey k) {
        return Base64.getEncoder().encodeToString(k.getEncoded());
    }
}
