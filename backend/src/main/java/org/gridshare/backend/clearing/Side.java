package org.gridshare.backend.clearing;

/** The side of an order: a buyer bids for energy, a seller offers it. */
public enum Side {
    BUY,
    SELL
}
