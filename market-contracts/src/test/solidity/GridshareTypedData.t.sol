// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {GridshareTest} from "./GridshareTest.sol";
import {GridshareEip712} from "../../main/solidity/GridshareEip712.sol";
import {GridshareTypedData} from "../../main/solidity/GridshareTypedData.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// Checks the contract's digests against EIP-712 written out by hand: type strings, abi.encode of
/// each field, the domain separator and the 0x1901 prefix.
contract GridshareTypedDataTest is GridshareTest {
    GridshareTypedData internal typed;
    uint256 internal constant SIGNER_KEY = 0xA5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5;
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    function setUp() public {
        typed = new GridshareTypedData();
    }

    function domainSeparator() internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256(bytes("gridshare")),
                keccak256(bytes("1")),
                block.chainid,
                address(typed)
            )
        );
    }

    function digest(bytes32 structHash) internal view returns (bytes32) {
        return keccak256(abi.encodePacked(hex"1901", domainSeparator(), structHash));
    }

    function test_domain_separator_matches_hand_computed() public view {
        assertEq(typed.domainSeparator(), domainSeparator(), "domain separator");
    }

    function test_type_hashes_are_the_design_type_strings() public view {
        assertEq(
            typed.METER_READING_TYPEHASH(),
            keccak256(
                "MeterReading(address meter,uint64 seq,uint64 timeMs,uint64 importMilliWh,uint64 exportMilliWh,int64 powerMilliW,uint32 status,bytes32 prev)"
            ),
            "MeterReading typehash"
        );
        assertEq(
            typed.INTERVAL_STATEMENT_TYPEHASH(),
            keccak256(
                "IntervalStatement(address meter,uint64 intervalStartMs,uint32 intervalSeconds,uint64 importStart,uint64 importEnd,uint64 exportStart,uint64 exportEnd,uint64 firstSeq,uint64 lastSeq,bytes32 readingsRoot)"
            ),
            "IntervalStatement typehash"
        );
        assertEq(
            typed.ORDER_TYPEHASH(),
            keccak256(
                "Order(address account,bytes32 zone,uint64 intervalStartMs,uint8 side,uint64 energyMilliWh,uint64 limitPricePerKWh,uint64 nonce,uint64 expiryMs)"
            ),
            "Order typehash"
        );
    }

    function testFuzz_meter_reading_digest(GridshareEip712.MeterReading memory r) public view {
        bytes32 structHash = keccak256(
            abi.encode(
                typed.METER_READING_TYPEHASH(), r.meter, r.seq, r.timeMs, r.importMilliWh, r.exportMilliWh,
                r.powerMilliW, r.status, r.prev
            )
        );
        assertEq(typed.hashMeterReading(r), digest(structHash), "MeterReading digest");
    }

    function testFuzz_interval_statement_digest(GridshareEip712.IntervalStatement memory s) public view {
        bytes32 structHash = keccak256(
            abi.encode(
                typed.INTERVAL_STATEMENT_TYPEHASH(), s.meter, s.intervalStartMs, s.intervalSeconds, s.importStart,
                s.importEnd, s.exportStart, s.exportEnd, s.firstSeq, s.lastSeq, s.readingsRoot
            )
        );
        assertEq(typed.hashIntervalStatement(s), digest(structHash), "IntervalStatement digest");
    }

    function testFuzz_order_digest(GridshareEip712.Order memory o) public view {
        bytes32 structHash = keccak256(
            abi.encode(
                typed.ORDER_TYPEHASH(), o.account, o.zone, o.intervalStartMs, o.side, o.energyMilliWh,
                o.limitPricePerKWh, o.nonce, o.expiryMs
            )
        );
        assertEq(typed.hashOrder(o), digest(structHash), "Order digest");
    }

    function test_edge_values_hash_like_abi_encode() public view {
        GridshareEip712.MeterReading memory r = GridshareEip712.MeterReading(
            address(type(uint160).max), type(uint64).max, 0, type(uint64).max, 1, type(int64).min, type(uint32).max,
            bytes32(type(uint256).max)
        );
        bytes32 structHash = keccak256(
            abi.encode(
                typed.METER_READING_TYPEHASH(), r.meter, r.seq, r.timeMs, r.importMilliWh, r.exportMilliWh,
                r.powerMilliW, r.status, r.prev
            )
        );
        assertEq(typed.hashMeterReading(r), digest(structHash), "edge MeterReading digest");
        GridshareEip712.MeterReading[] memory batch = new GridshareEip712.MeterReading[](2);
        batch[0] = r;
        // a struct in memory is a reference: the second element must be a copy
        r = GridshareEip712.MeterReading(r.meter, r.seq, r.timeMs, r.importMilliWh, r.exportMilliWh, type(int64).max, r.status, r.prev);
        batch[1] = r;
        bytes32[] memory hashes = typed.hashMeterReadings(batch);
        assertEq(hashes.length, 2, "batch length");
        assertEq(hashes[0], digest(structHash), "batch[0] equals single");
        assertEq(hashes[1], typed.hashMeterReading(r), "batch[1] equals single");
    }

    function test_the_chain_id_is_part_of_the_digest() public {
        GridshareEip712.Order memory o =
            GridshareEip712.Order(address(0x1), keccak256("z"), 1_767_225_600_000, 1, 2_500, 120, 7, 1_767_226_500_000);
        bytes32 before = typed.hashOrder(o);
        vm.chainId(block.chainid + 1);
        bytes32 afterFork = typed.hashOrder(o);
        assertTrue(before != afterFork, "digest changes with the chain id");
        assertEq(afterFork, typed.hashOrder(o), "stable on one chain");
    }

    function test_recovers_signer_of_a_meter_reading() public {
        GridshareEip712.MeterReading memory r = GridshareEip712.MeterReading(
            vm.addr(SIGNER_KEY), 42, 1_767_225_600_123, 5_000_000, 1_250_000, -2_300_000, 0, keccak256("prev")
        );
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(SIGNER_KEY, typed.hashMeterReading(r));
        assertEq(typed.recoverMeterReading(r, abi.encodePacked(rr, s, v)), vm.addr(SIGNER_KEY), "recovered signer");

        r.seq = 43; // any changed field recovers someone else
        assertTrue(typed.recoverMeterReading(r, abi.encodePacked(rr, s, v)) != vm.addr(SIGNER_KEY), "tampered");
    }

    function test_rejects_high_s_twin_signature() public {
        GridshareEip712.Order memory o =
            GridshareEip712.Order(vm.addr(SIGNER_KEY), keccak256("z"), 1, 0, 1, 1, 1, 1);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(SIGNER_KEY, typed.hashOrder(o));
        bytes32 highS = bytes32(SECP256K1_N - uint256(s));
        uint8 twinV = v == 27 ? 28 : 27;
        vm.expectRevert(abi.encodeWithSelector(ECDSA.ECDSAInvalidSignatureS.selector, highS));
        typed.recoverOrder(o, abi.encodePacked(r, highS, twinV));
    }
}
