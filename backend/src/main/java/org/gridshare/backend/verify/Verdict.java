package org.gridshare.backend.verify;

import org.gridshare.backend.rejects.Rejection;

/** The result of verifying one record: accepted (with the meter's next state) or rejected. */
public sealed interface Verdict {
    /** Accepted: forward {@code reading}, store {@code next}. */
    record Accepted(VerifiedReading reading, ChainState next) implements Verdict {}

    /** Rejected: the state is unchanged. */
    record Rejected(Rejection rejection) implements Verdict {}
}
