package org.gridshare.backend.auction;

/** The side of an order: a buyer bids for energy, a seller offers it. */
public enum Side {
    BUY,
    SELL
}
