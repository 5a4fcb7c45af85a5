package org.gridshare.backend.auction;

/** An order that may not enter a book, with the reason code and the field at fault. */
public final class OrderRejectedException extends Exception {
    private final RejectCode code;
    private final String field;

    public OrderRejectedException(RejectCode code, String field, String message) {
        super(field + ": " + message + " (reason " + code.code() + " " + code + ")");
        this.code = code;
        this.field = field;
    }

    /** The numbered reason. */
    public RejectCode code() {
        return code;
    }

    /** The name of the offending field, as in the JSON order ({@code energyMilliWh}, {@code limitPrice}, ...). */
    public String field() {
        return field;
    }
}
