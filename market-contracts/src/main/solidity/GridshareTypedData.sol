// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {GridshareEip712} from "./GridshareEip712.sol";

/// @title GridshareTypedData
/// @notice Exposes the gridshare EIP-712 digests and signer recovery as views, so off-chain code can
/// check its digests against the contract's. It holds no state; the market contract inherits
/// GridshareEip712 the same way.
contract GridshareTypedData is GridshareEip712 {
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function hashMeterReading(MeterReading calldata r) external view returns (bytes32) {
        return _hashMeterReading(r);
    }

    function hashIntervalStatement(IntervalStatement calldata s) external view returns (bytes32) {
        return _hashIntervalStatement(s);
    }

    function hashOrder(Order calldata o) external view returns (bytes32) {
        return _hashOrder(o);
    }

    function hashMeterReadings(MeterReading[] calldata rs) external view returns (bytes32[] memory out) {
        out = new bytes32[](rs.length);
        for (uint256 i = 0; i < rs.length; ++i) {
            out[i] = _hashMeterReading(rs[i]);
        }
    }

    function hashIntervalStatements(IntervalStatement[] calldata ss) external view returns (bytes32[] memory out) {
        out = new bytes32[](ss.length);
        for (uint256 i = 0; i < ss.length; ++i) {
            out[i] = _hashIntervalStatement(ss[i]);
        }
    }

    function hashOrders(Order[] calldata os) external view returns (bytes32[] memory out) {
        out = new bytes32[](os.length);
        for (uint256 i = 0; i < os.length; ++i) {
            out[i] = _hashOrder(os[i]);
        }
    }

    function recoverMeterReading(MeterReading calldata r, bytes calldata signature) external view returns (address) {
        return _recoverMeterReading(r, signature);
    }

    function recoverIntervalStatement(IntervalStatement calldata s, bytes calldata signature)
        external
        view
        returns (address)
    {
        return _recoverIntervalStatement(s, signature);
    }

    function recoverOrder(Order calldata o, bytes calldata signature) external view returns (address) {
        return _recoverOrder(o, signature);
    }
}
