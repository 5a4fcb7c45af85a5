// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {GridshareTest} from "./GridshareTest.sol";
import {EnergyMarket} from "../../main/solidity/EnergyMarket.sol";
import {MeterRegistry} from "../../main/solidity/MeterRegistry.sol";
import {SettlementToken} from "../../main/solidity/SettlementToken.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// A deployed registry, token and market with funded households whose meters are registered, and
/// signing helpers that write the EIP-712 digests out by hand (independent of the contract's code).
abstract contract MarketFixture is GridshareTest {
    address internal constant OPERATOR = address(0x0BE7A70B);
    address internal constant INSTALLER = address(0x1257A11);
    bytes32 internal constant ZONE = keccak256("zone-nl-3511");
    uint64 internal constant INTERVAL = 1_767_225_600_000;
    uint32 internal constant SECONDS = 900;
    uint64 internal constant FEED_IN = 80_000;
    uint64 internal constant RETAIL = 320_000;
    uint64 internal constant FEE = 10_000;
    uint256 internal constant FUNDS = 1_000_000_000;
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    struct Sig {
        bytes32 r;
        bytes32 s;
        uint8 v;
    }

    /// One participant before packing (EnergyMarket.RECORD layout).
    struct Participant {
        address account;
        uint8 side;
        uint64 energyMilliWh;
        uint64 limitPricePerKWh;
        uint64 nonce;
        uint64 expiryMs;
        uint64 fillMilliWh;
        address meter;
        uint64 importStart;
        uint64 importEnd;
        uint64 exportStart;
        uint64 exportEnd;
        uint64 firstSeq;
        uint64 lastSeq;
        bytes32 readingsRoot;
        Sig orderSig;
        Sig statementSig;
    }

    SettlementToken internal token;
    MeterRegistry internal registry;
    EnergyMarket internal market;

    function setUp() public virtual {
        vm.warp(1_767_225_600);
        vm.startPrank(OPERATOR);
        token = new SettlementToken("gridshare test euro", "gEUR");
        registry = new MeterRegistry();
        registry.grantRole(registry.INSTALLER_ROLE(), INSTALLER);
        market = new EnergyMarket(IERC20(address(token)), registry, OPERATOR);
        market.setTariffs(FEED_IN, RETAIL, FEE);
        token.mint(OPERATOR, FUNDS);
        token.approve(address(market), FUNDS);
        market.deposit(FUNDS);
        vm.stopPrank();
    }

    function householdKey(uint256 i) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode("household", i))) % (SECP256K1_N - 1) + 1;
    }

    function meterKey(uint256 i) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode("meter", i))) % (SECP256K1_N - 1) + 1;
    }

    /// Registers household i's meter in `zone` and deposits FUNDS for it.
    function enrol(uint256 i, bytes32 zone) internal returns (address account, address meter) {
        account = vm.addr(householdKey(i));
        meter = vm.addr(meterKey(i));
        vm.prank(INSTALLER);
        registry.registerMeter(meter, account, zone);
        vm.prank(OPERATOR);
        token.mint(account, FUNDS);
        vm.startPrank(account);
        token.approve(address(market), FUNDS);
        market.deposit(FUNDS);
        vm.stopPrank();
    }

    function header(uint64 price) internal pure returns (EnergyMarket.Batch memory) {
        return EnergyMarket.Batch({zone: ZONE, intervalStartMs: INTERVAL, intervalSeconds: SECONDS, clearingPricePerKWh: price});
    }

    /// An unsigned participant for household i (enrolled), statement registers from the given deltas.
    function participant(uint256 i, uint8 side, uint64 energy, uint64 limit, uint64 fill, uint64 imported, uint64 exported)
        internal
        pure
        returns (Participant memory p)
    {
        p.account = vm.addr(householdKey(i));
        p.side = side;
        p.energyMilliWh = energy;
        p.limitPricePerKWh = limit;
        p.nonce = uint64(i + 1);
        p.expiryMs = INTERVAL + uint64(SECONDS) * 1000; // stands through the interval
        p.fillMilliWh = fill;
        p.meter = vm.addr(meterKey(i));
        p.importStart = 5_000_000 + uint64(i);
        p.importEnd = p.importStart + imported;
        p.exportStart = 7_000_000 + uint64(i);
        p.exportEnd = p.exportStart + exported;
        p.firstSeq = 100 + uint64(i);
        p.lastSeq = p.firstSeq + 900;
        p.readingsRoot = keccak256(abi.encode("readings", i));
    }

    function domainSeparator(uint256 chainId, address verifyingContract) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256(bytes("gridshare")),
                keccak256(bytes("1")),
                chainId,
                verifyingContract
            )
        );
    }

    function orderDigest(bytes32 domain, EnergyMarket.Batch memory b, Participant memory p)
        internal
        pure
        returns (bytes32)
    {
        bytes32 structHash = keccak256(
            abi.encodePacked(
                abi.encode(
                    keccak256(
                        "Order(address account,bytes32 zone,uint64 intervalStartMs,uint8 side,uint64 energyMilliWh,uint64 limitPricePerKWh,uint64 nonce,uint64 expiryMs)"
                    ),
                    p.account,
                    b.zone,
                    b.intervalStartMs
                ),
                abi.encode(p.side, p.energyMilliWh, p.limitPricePerKWh, p.nonce, p.expiryMs)
            )
        );
        return keccak256(abi.encodePacked(hex"1901", domain, structHash));
    }

    function statementDigest(bytes32 domain, EnergyMarket.Batch memory b, Participant memory p)
        internal
        pure
        returns (bytes32)
    {
        bytes32 structHash = keccak256(
            abi.encodePacked(
                abi.encode(
                    keccak256(
                        "IntervalStatement(address meter,uint64 intervalStartMs,uint32 intervalSeconds,uint64 importStart,uint64 importEnd,uint64 exportStart,uint64 exportEnd,uint64 firstSeq,uint64 lastSeq,bytes32 readingsRoot)"
                    ),
                    p.meter,
                    b.intervalStartMs,
                    b.intervalSeconds,
                    p.importStart
                ),
                abi.encode(p.importEnd, p.exportStart, p.exportEnd, p.firstSeq, p.lastSeq, p.readingsRoot)
            )
        );
        return keccak256(abi.encodePacked(hex"1901", domain, structHash));
    }

    function sig(uint256 key, bytes32 digest) internal returns (Sig memory s) {
        (s.v, s.r, s.s) = vm.sign(key, digest);
    }

    /// Signs participant i's order with its household key and statement with its meter key, for this market.
    function signed(uint256 i, EnergyMarket.Batch memory b, Participant memory p)
        internal
        returns (Participant memory)
    {
        bytes32 domain = domainSeparator(block.chainid, address(market));
        p.orderSig = sig(householdKey(i), orderDigest(domain, b, p));
        p.statementSig = sig(meterKey(i), statementDigest(domain, b, p));
        return p;
    }

    /// Orders participants by ascending account, as the market requires.
    function sortByAccount(Participant[] memory ps) internal pure {
        for (uint256 i = 1; i < ps.length; ++i) {
            Participant memory x = ps[i];
            uint256 j = i;
            while (j > 0 && ps[j - 1].account > x.account) {
                ps[j] = ps[j - 1];
                --j;
            }
            ps[j] = x;
        }
    }

    /// The packed participants of submitBatch, written field by field with abi.encodePacked.
    function pack(Participant[] memory ps) internal pure returns (bytes memory out) {
        for (uint256 i = 0; i < ps.length; ++i) {
            Participant memory p = ps[i];
            bytes memory head = abi.encodePacked(
                p.account, p.meter, p.side, p.energyMilliWh, p.limitPricePerKWh, p.nonce, p.expiryMs, p.fillMilliWh
            );
            bytes memory statement = abi.encodePacked(
                p.importStart, p.importEnd, p.exportStart, p.exportEnd, p.firstSeq, p.lastSeq, p.readingsRoot
            );
            bytes memory sigs = abi.encodePacked(
                p.orderSig.r, p.orderSig.s, p.orderSig.v, p.statementSig.r, p.statementSig.s, p.statementSig.v
            );
            out = bytes.concat(out, head, statement, sigs);
        }
    }

    function one(Participant memory a) internal pure returns (Participant[] memory ps) {
        ps = new Participant[](1);
        ps[0] = a;
    }

    function pair(Participant memory a, Participant memory b)
        internal
        pure
        returns (Participant[] memory ps)
    {
        ps = new Participant[](2);
        ps[0] = a;
        ps[1] = b;
        sortByAccount(ps);
    }
}
