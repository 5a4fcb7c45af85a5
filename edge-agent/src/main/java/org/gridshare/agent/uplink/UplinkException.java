package org.gridshare.agent.uplink;

/** A send or connect over an uplink failed; the message names the server and the cause. */
public final class UplinkException extends Exception {
    private final boolean busy;

    public UplinkException(String server, String what, Throwable cause) {
        this(server, what, cause, false);
    }

    private UplinkException(String server, String what, Throwable cause, boolean busy) {
        super(server + ": " + what + (cause == null ? "" : ": " + describe(cause)), cause);
        this.busy = busy;
    }

    /** The link's own limit of unconfirmed sends is reached: wait for the oldest, then send again. */
    public static UplinkException busy(String server, Throwable cause) {
        return new UplinkException(server, "too many unconfirmed sends", cause, true);
    }

    public boolean busy() {
        return busy;
    }

    /** The innermost causes, which say what actually went wrong (a TLS alert, a refused port, …). */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            String m = c.getMessage();
            String part = c.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
            // a cause that only repeats what an outer one said adds nothing
            if (m != null && !m.isBlank() && sb.indexOf(m) >= 0) {
                continue;
            }
            if (sb.indexOf(part) < 0) {
                if (!sb.isEmpty()) {
                    sb.append(" ← ");
                }
                sb.append(part);
            }
        }
        return sb.toString();
    }
}
