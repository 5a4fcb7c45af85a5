// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// The few forge cheatcodes the gridshare tests use (a minimal stand-in for forge-std's Vm: the npm
/// forge-std package is a stale third-party copy).
interface Vm {
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function expectRevert(bytes calldata revertData) external;
    function expectPartialRevert(bytes4 selector) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData) external;
    function warp(uint256 newTimestamp) external;
    function chainId(uint256 newChainId) external;
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external returns (uint8 v, bytes32 r, bytes32 s);
    function assume(bool condition) external;
}

/// Minimal test base: the cheatcode handle, assertions that revert with a readable reason, and the
/// target selection forge's invariant runner reads (the part of forge-std's StdInvariant we use: forge
/// calls `targetContracts()` and `targetSelectors()` on the test contract by name, when they exist).
abstract contract GridshareTest {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// A contract and the functions of it the invariant runner may call (forge-std's layout).
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address[] private targetedContracts;
    FuzzSelector[] private targetedSelectors;

    /// Restricts the invariant runner to `target` (else it calls every contract setUp deployed).
    function targetContract(address target) internal {
        targetedContracts.push(target);
    }

    /// Restricts the runner to these functions of `selector.addr`.
    function targetSelector(FuzzSelector memory selector) internal {
        FuzzSelector storage s = targetedSelectors.push();
        s.addr = selector.addr;
        s.selectors = selector.selectors;
    }

    function targetContracts() public view returns (address[] memory) {
        return targetedContracts;
    }

    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return targetedSelectors;
    }

    /// `x` mapped into [min, max] (max - min < 2^256 - 1).
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        return min + x % (max - min + 1);
    }

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert(string.concat("expected true: ", what));
    }

    function assertEq(bytes32 actual, bytes32 expected, string memory what) internal pure {
        if (actual != expected) {
            revert(string.concat(what, ": got ", _hex(actual), ", expected ", _hex(expected)));
        }
    }

    function assertEq(address actual, address expected, string memory what) internal pure {
        if (actual != expected) {
            revert(
                string.concat(
                    what, ": got ", _hex(bytes32(uint256(uint160(actual)))), ", expected ",
                    _hex(bytes32(uint256(uint160(expected))))
                )
            );
        }
    }

    function assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) revert(string.concat(what, ": got ", _dec(actual), ", expected ", _dec(expected)));
    }

    function _dec(uint256 value) private pure returns (string memory) {
        if (value == 0) return "0";
        bytes memory out = new bytes(78);
        uint256 at = out.length;
        for (; value != 0; value /= 10) out[--at] = bytes1(uint8(48 + value % 10));
        bytes memory digits = new bytes(out.length - at);
        for (uint256 i = 0; i < digits.length; ++i) digits[i] = out[at + i];
        return string(digits);
    }

    function _hex(bytes32 value) private pure returns (string memory) {
        bytes memory digits = "0123456789abcdef";
        bytes memory out = new bytes(66);
        out[0] = "0";
        out[1] = "x";
        for (uint256 i = 0; i < 32; ++i) {
            out[2 + 2 * i] = digits[uint8(value[i]) >> 4];
            out[3 + 2 * i] = digits[uint8(value[i]) & 0x0f];
        }
        return string(out);
    }
}
