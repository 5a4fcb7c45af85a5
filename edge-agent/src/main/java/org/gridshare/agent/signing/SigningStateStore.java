package org.gridshare.agent.signing;

import java.io.IOException;

/** Where a {@link ReadingSigner} keeps what the meter key has signed, durably. */
public interface SigningStateStore {
    /** The last durable state; {@link SigningState#INITIAL} for a meter that never signed. */
    SigningState load() throws IOException;

    /** Durably replaces the state before the caller may use its seq. */
    void store(SigningState state) throws IOException;
}
