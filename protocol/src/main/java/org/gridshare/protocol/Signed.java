package org.gridshare.protocol;

import java.util.Objects;

/** A message with its signature over {@code Eip712.digest(domain, message)}. */
public record Signed<T extends TypedMessage>(T message, Signature signature) {
    public Signed {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(signature, "signature");
    }
}
