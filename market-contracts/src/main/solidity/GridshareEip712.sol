// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title GridshareEip712
/// @notice The gridshare EIP-712 messages (domain "gridshare", version "1") and their digests. The
/// market contract inherits this and is the verifying contract. Signatures are recovered with
/// OpenZeppelin ECDSA, which rejects high-s (malleable) signatures.
abstract contract GridshareEip712 is EIP712 {
    struct MeterReading {
        address meter;
        uint64 seq;
        uint64 timeMs;
        uint64 importMilliWh;
        uint64 exportMilliWh;
        int64 powerMilliW;
        uint32 status;
        bytes32 prev;
    }

    struct IntervalStatement {
        address meter;
        uint64 intervalStartMs;
        uint32 intervalSeconds;
        uint64 importStart;
        uint64 importEnd;
        uint64 exportStart;
        uint64 exportEnd;
        uint64 firstSeq;
        uint64 lastSeq;
        bytes32 readingsRoot;
    }

    struct Order {
        address account;
        bytes32 zone;
        uint64 intervalStartMs;
        uint8 side;
        uint64 energyMilliWh;
        uint64 limitPricePerKWh;
        uint64 nonce;
        uint64 expiryMs;
    }

    bytes32 public constant METER_READING_TYPEHASH = keccak256(
        "MeterReading(address meter,uint64 seq,uint64 timeMs,uint64 importMilliWh,uint64 exportMilliWh,int64 powerMilliW,uint32 status,bytes32 prev)"
    );
    bytes32 public constant INTERVAL_STATEMENT_TYPEHASH = keccak256(
        "IntervalStatement(address meter,uint64 intervalStartMs,uint32 intervalSeconds,uint64 importStart,uint64 importEnd,uint64 exportStart,uint64 exportEnd,uint64 firstSeq,uint64 lastSeq,bytes32 readingsRoot)"
    );
    bytes32 public constant ORDER_TYPEHASH = keccak256(
        "Order(address account,bytes32 zone,uint64 intervalStartMs,uint8 side,uint64 energyMilliWh,uint64 limitPricePerKWh,uint64 nonce,uint64 expiryMs)"
    );

    constructor() EIP712("gridshare", "1") {}

    function _hashMeterReading(MeterReading calldata r) internal view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    METER_READING_TYPEHASH,
                    r.meter,
                    r.seq,
                    r.timeMs,
                    r.importMilliWh,
                    r.exportMilliWh,
                    r.powerMilliW,
                    r.status,
                    r.prev
                )
            )
        );
    }

    function _hashIntervalStatement(IntervalStatement calldata s) internal view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    INTERVAL_STATEMENT_TYPEHASH,
                    s.meter,
                    s.intervalStartMs,
                    s.intervalSeconds,
                    s.importStart,
                    s.importEnd,
                    s.exportStart,
                    s.exportEnd,
                    s.firstSeq,
                    s.lastSeq,
                    s.readingsRoot
                )
            )
        );
    }

    function _hashOrder(Order calldata o) internal view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    ORDER_TYPEHASH,
                    o.account,
                    o.zone,
                    o.intervalStartMs,
                    o.side,
                    o.energyMilliWh,
                    o.limitPricePerKWh,
                    o.nonce,
                    o.expiryMs
                )
            )
        );
    }

    /// @dev Reverts with ECDSAInvalidSignature / ECDSAInvalidSignatureS / ECDSAInvalidSignatureLength.
    function _recoverMeterReading(MeterReading calldata r, bytes calldata signature) internal view returns (address) {
        return ECDSA.recover(_hashMeterReading(r), signature);
    }

    function _recoverIntervalStatement(IntervalStatement calldata s, bytes calldata signature)
        internal
        view
        returns (address)
    {
        return ECDSA.recover(_hashIntervalStatement(s), signature);
    }

    function _recoverOrder(Order calldata o, bytes calldata signature) internal view returns (address) {
        return ECDSA.recover(_hashOrder(o), signature);
    }
}
