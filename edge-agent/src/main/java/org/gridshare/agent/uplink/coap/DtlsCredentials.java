package org.gridshare.agent.uplink.coap;

import java.security.KeyPair;
import java.security.PublicKey;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/** How the box authenticates its DTLS sessions: a pre-shared key, or its own raw public key. */
public sealed interface DtlsCredentials {

    /** Adds these credentials to a Scandium client configuration. */
    void apply(DtlsConnectorConfig.Builder builder);

    /** What the logs may show (never the secret). */
    String describe();

    /**
     * A pre-shared key (TLS_PSK / ECDHE_PSK cipher suites). The identity is the meter address, so the
     * backend knows which meter a session belongs to.
     */
    // configuration handed to the DTLS connector: never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    record Psk(String identity, byte[] secret) implements DtlsCredentials {
        public Psk {
            if (identity == null || identity.isEmpty() || secret == null || secret.length < 16) {
                throw new IllegalArgumentException("a DTLS PSK needs an identity and at least 16 secret bytes");
            }
            secret = secret.clone();
        }

        @Override
        public void apply(DtlsConnectorConfig.Builder builder) {
            builder.setAdvancedPskStore(new AdvancedSinglePskStore(identity, secret.clone()));
        }

        @Override
        public String describe() {
            return "PSK identity " + identity;
        }

        @Override
        public String toString() {
            return "Psk[" + identity + "]";
        }
    }

    /**
     * A raw public key (RFC 7250, ECDSA P-256): the box's own DTLS key pair and the one backend key it
     * trusts. The backend maps the box's public key to its meter.
     */
    record Rpk(KeyPair own, PublicKey server) implements DtlsCredentials {
        @Override
        public void apply(DtlsConnectorConfig.Builder builder) {
            builder.setCertificateIdentityProvider(new SingleCertificateProvider(own.getPrivate(), own.getPublic()));
            builder.setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
                    .setTrustedRPKs(new RawPublicKeyIdentity(server))
                    .build());
        }

        @Override
        public String describe() {
            return "raw public key " + RpkFiles.fingerprint(own.getPublic());
        }

        @Override
        public String toString() {
            return "Rpk[" + RpkFiles.fingerprint(own.getPublic()) + "]";
        }
    }
}
