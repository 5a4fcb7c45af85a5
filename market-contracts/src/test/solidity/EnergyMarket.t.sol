// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MarketFixture} from "./MarketFixture.sol";
import {EnergyMarket} from "../../main/solidity/EnergyMarket.sol";
import {MeterRegistry} from "../../main/solidity/MeterRegistry.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/// Settlement amounts and every guard of EnergyMarket.submitBatch, each with the revert it must give.
contract EnergyMarketTest is MarketFixture {
    uint64 internal constant PRICE = 155_000;
    uint64 internal constant KWH2 = 2_000_000;
    address internal seller;
    address internal buyer;

    function setUp() public override {
        super.setUp();
        (seller,) = enrol(1, ZONE);
        (buyer,) = enrol(2, ZONE);
    }

    function sellOf(uint64 fill, uint64 exported) internal pure returns (Participant memory) {
        return participant(1, 1, KWH2, 100_000, fill, 0, exported);
    }

    function buyOf(uint64 fill, uint64 imported) internal pure returns (Participant memory) {
        return participant(2, 0, KWH2, 300_000, fill, imported, 0);
    }

    function trade(uint64 sellerExported, uint64 buyerImported) internal returns (Participant[] memory) {
        EnergyMarket.Batch memory b = header(PRICE);
        return pair(signed(1, b, sellOf(KWH2, sellerExported)), signed(2, b, buyOf(KWH2, buyerImported)));
    }

    function submit(EnergyMarket.Batch memory b, Participant[] memory ps) internal {
        vm.prank(OPERATOR);
        market.submitBatch(b, pack(ps));
    }

    function assertNet(address account, int256 expected, string memory what) internal view {
        assertEq(uint256(int256(market.balanceOf(account)) - int256(FUNDS)), uint256(expected), what);
    }

    function test_full_delivery_pays_seller_at_price_and_buyer_pays_price_plus_grid_fee() public {
        submit(header(PRICE), trade(KWH2, KWH2));
        assertNet(seller, 310_000, "seller");
        assertNet(buyer, -330_000, "buyer");
        assertNet(OPERATOR, 20_000, "grid fee");
        assertTrue(market.settled(market.batchId(ZONE, INTERVAL)), "settled");
    }

    event Settled(address indexed account, int256 net);

    function test_emits_one_settled_event_per_participant_in_account_order() public {
        Participant[] memory ps = trade(KWH2, KWH2);
        int256 first = ps[0].account == seller ? int256(310_000) : -330_000;
        int256 second = ps[1].account == seller ? int256(310_000) : -330_000;
        vm.expectEmit(true, false, false, true);
        emit Settled(ps[0].account, first);
        vm.expectEmit(true, false, false, true);
        emit Settled(ps[1].account, second);
        submit(header(PRICE), ps);
    }

    function test_seller_shortfall_is_paid_for_at_retail_minus_price() public {
        submit(header(PRICE), trade(1_500_000, KWH2));
        assertNet(seller, 232_500 - 82_500, "seller: 1.5 kWh at price, 0.5 kWh at retail - price");
        assertNet(buyer, -330_000, "buyer");
        assertNet(OPERATOR, 180_000, "grid: 0.5 kWh at retail and the fee");
    }

    function test_buyer_shortfall_is_paid_for_at_price_minus_feed_in() public {
        submit(header(PRICE), trade(KWH2, 1_500_000));
        assertNet(seller, 310_000, "seller");
        assertNet(buyer, -(232_500 + 15_000 + 37_500), "buyer");
        assertNet(OPERATOR, 15_000 - 40_000, "grid: fee minus feed-in for 0.5 kWh");
    }

    function test_payment_rounds_down_like_java_payments_and_remainder_goes_to_grid() public {
        EnergyMarket.Batch memory b = header(155_555);
        Participant memory s = participant(1, 1, 1_234_567, 100_000, 1_234_567, 0, 1_234_567);
        Participant memory d = participant(2, 0, 1_234_567, 300_000, 1_234_567, 1_234_567, 0);
        submit(b, pair(signed(1, b, s), signed(2, b, d)));
        // floor(1_234_567 * 155_555 / 1e6) = 192_043 (192_043.07), fee floor(12_345.67) = 12_345
        assertNet(seller, 192_043, "seller");
        assertNet(buyer, -(192_043 + 12_345), "buyer");
        assertNet(OPERATOR, 12_345, "grid");
    }

    function test_withdraw_pays_out_and_keeps_the_rest() public {
        submit(header(PRICE), trade(KWH2, KWH2));
        vm.prank(seller);
        market.withdraw(FUNDS + 310_000);
        assertEq(token.balanceOf(seller), FUNDS + 310_000, "token balance");
        assertEq(market.balanceOf(seller), 0, "market balance");
        vm.prank(seller);
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.InsufficientBalance.selector, seller, 0, 1));
        market.withdraw(1);
    }

    function test_rejects_forged_order_signature() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory s = signed(1, b, sellOf(KWH2, KWH2));
        uint256 forger = 0xF0F0;
        s.orderSig = sig(forger, orderDigest(domainSeparator(block.chainid, address(market)), b, s));
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.OrderSignerMismatch.selector, 0, vm.addr(forger)));
        submit(b, one(s));
    }

    function test_rejects_forged_statement_signature() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory s = signed(1, b, sellOf(KWH2, KWH2));
        uint256 forger = 0xF0F1;
        s.statementSig = sig(forger, statementDigest(domainSeparator(block.chainid, address(market)), b, s));
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.StatementSignerMismatch.selector, 0, vm.addr(forger)));
        submit(b, one(s));
    }

    function test_rejects_statement_with_inflated_export_after_signing() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory s = signed(1, b, sellOf(KWH2, 1_000_000));
        s.exportEnd += 1_000_000;
        vm.expectPartialRevert(EnergyMarket.StatementSignerMismatch.selector);
        submit(b, one(s));
    }

    function test_rejects_high_s_twin_of_a_valid_order_signature() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory s = signed(1, b, sellOf(KWH2, KWH2));
        bytes32 twinS = bytes32(SECP256K1_N - uint256(s.orderSig.s));
        // the twin recovers to the same signer: only the low-s rule rejects it
        assertEq(
            ecrecover(orderDigest(domainSeparator(block.chainid, address(market)), b, s), s.orderSig.v == 27 ? 28 : 27,
                s.orderSig.r, twinS),
            seller,
            "twin recovers to the signer"
        );
        s.orderSig.s = twinS;
        s.orderSig.v = s.orderSig.v == 27 ? 28 : 27;
        vm.expectRevert(abi.encodeWithSelector(ECDSA.ECDSAInvalidSignatureS.selector, twinS));
        submit(b, one(s));
    }

    function test_rejects_high_s_twin_of_a_valid_statement_signature() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory s = signed(1, b, sellOf(KWH2, KWH2));
        bytes32 twinS = bytes32(SECP256K1_N - uint256(s.statementSig.s));
        s.statementSig.s = twinS;
        s.statementSig.v = s.statementSig.v == 27 ? 28 : 27;
        vm.expectRevert(abi.encodeWithSelector(ECDSA.ECDSAInvalidSignatureS.selector, twinS));
        submit(b, one(s));
    }

    function test_rejects_order_signed_for_another_chain_id() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory s = signed(1, b, sellOf(KWH2, KWH2));
        s.orderSig = sig(householdKey(1), orderDigest(domainSeparator(block.chainid + 1, address(market)), b, s));
        vm.expectPartialRevert(EnergyMarket.OrderSignerMismatch.selector);
        submit(b, one(s));
    }

    function test_rejects_statement_signed_for_another_contract() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory s = signed(1, b, sellOf(KWH2, KWH2));
        s.statementSig = sig(meterKey(1), statementDigest(domainSeparator(block.chainid, address(registry)), b, s));
        vm.expectPartialRevert(EnergyMarket.StatementSignerMismatch.selector);
        submit(b, one(s));
    }

    function test_rejects_order_signed_for_another_interval() public {
        EnergyMarket.Batch memory other = header(PRICE);
        other.intervalStartMs = INTERVAL + 900_000;
        Participant memory s = signed(1, other, sellOf(KWH2, KWH2));
        vm.expectPartialRevert(EnergyMarket.OrderSignerMismatch.selector);
        submit(header(PRICE), one(s));
    }

    function test_rejects_an_order_that_expired_before_its_interval_started_naming_its_index() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory s = sellOf(KWH2, KWH2);
        Participant memory d = buyOf(KWH2, KWH2);
        // the second record in account order carries the expired order
        if (s.account > d.account) s.expiryMs = INTERVAL - 1;
        else d.expiryMs = INTERVAL - 1;
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.OrderExpired.selector, 1, INTERVAL - 1, INTERVAL));
        submit(b, pair(signed(1, b, s), signed(2, b, d)));
        assertTrue(!market.settled(market.batchId(ZONE, INTERVAL)), "not settled");
    }

    function test_accepts_orders_that_expire_exactly_when_their_interval_starts() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory s = sellOf(KWH2, KWH2);
        Participant memory d = buyOf(KWH2, KWH2);
        s.expiryMs = INTERVAL;
        d.expiryMs = INTERVAL;
        submit(b, pair(signed(1, b, s), signed(2, b, d)));
        assertNet(seller, 310_000, "seller");
        assertNet(buyer, -330_000, "buyer");
    }

    function test_rejects_revoked_meter() public {
        vm.prank(OPERATOR);
        registry.revokeMeter(vm.addr(meterKey(1)));
        EnergyMarket.Batch memory b = header(PRICE);
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.MeterNotActive.selector, 0, vm.addr(meterKey(1))));
        submit(b, one(signed(1, b, sellOf(KWH2, KWH2))));
    }

    function test_rejects_unregistered_meter() public {
        EnergyMarket.Batch memory b = header(PRICE);
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.MeterNotActive.selector, 0, vm.addr(meterKey(3))));
        // household 3 signs with its own (never registered) meter key
        submit(b, one(signed(3, b, participant(3, 1, KWH2, 100_000, KWH2, 0, KWH2))));
    }

    function test_rejects_meter_of_another_household() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory s = sellOf(KWH2, KWH2);
        s.meter = vm.addr(meterKey(2)); // the buyer's meter, signed by that meter
        bytes32 domain = domainSeparator(block.chainid, address(market));
        s.orderSig = sig(householdKey(1), orderDigest(domain, b, s));
        s.statementSig = sig(meterKey(2), statementDigest(domain, b, s));
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.MeterNotOfAccount.selector, 0, s.meter));
        submit(b, one(s));
    }

    function test_rejects_meter_in_another_zone() public {
        enrol(4, keccak256("zone-other"));
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory s = signed(4, b, participant(4, 1, KWH2, 100_000, KWH2, 0, KWH2));
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.MeterOutsideZone.selector, 0, vm.addr(meterKey(4))));
        submit(b, one(s));
    }

    function test_rejects_fill_above_its_order() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory s = signed(1, b, sellOf(KWH2 + 1, KWH2));
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.FillAboveOrder.selector, 0, KWH2 + 1, KWH2));
        submit(b, one(s));
    }

    function test_rejects_price_above_a_buy_limit() public {
        EnergyMarket.Batch memory b = header(300_001);
        Participant memory d = signed(2, b, buyOf(KWH2, KWH2));
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.PriceAboveBuyLimit.selector, 0, 300_001, 300_000));
        submit(b, one(d));
    }

    function test_rejects_price_below_a_sell_limit() public {
        EnergyMarket.Batch memory b = header(99_999);
        Participant memory s = signed(1, b, sellOf(KWH2, KWH2));
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.PriceBelowSellLimit.selector, 0, 99_999, 100_000));
        submit(b, one(s));
    }

    function test_rejects_price_outside_the_tariffs() public {
        EnergyMarket.Batch memory b = header(RETAIL + 1);
        Participant memory s = signed(1, b, sellOf(KWH2, KWH2));
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.PriceOutsideTariffs.selector, RETAIL + 1, FEED_IN, RETAIL));
        submit(b, one(s));
    }

    function test_rejects_statement_whose_export_register_runs_backwards() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory s = sellOf(KWH2, KWH2);
        s.exportEnd = s.exportStart - 1;
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.RegistersDecrease.selector, 0));
        submit(b, one(signed(1, b, s)));
    }

    function test_rejects_statement_whose_import_register_runs_backwards() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory d = buyOf(KWH2, KWH2);
        d.importEnd = d.importStart - 1;
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.RegistersDecrease.selector, 0));
        submit(b, one(signed(2, b, d)));
    }

    function test_rejects_an_order_side_that_is_neither_buy_nor_sell() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory s = sellOf(KWH2, KWH2);
        s.side = 2;
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.UnknownSide.selector, 0, 2));
        submit(b, one(signed(1, b, s)));
    }

    function test_rejects_a_truncated_participant_record() public {
        EnergyMarket.Batch memory b = header(PRICE);
        bytes memory packed = pack(one(signed(1, b, sellOf(KWH2, KWH2))));
        assembly {
            mstore(packed, sub(mload(packed), 1))
        }
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.MalformedParticipants.selector, 290));
        vm.prank(OPERATOR);
        market.submitBatch(b, packed);
    }

    function test_rejects_replayed_batch() public {
        Participant[] memory ps = trade(KWH2, KWH2);
        submit(header(PRICE), ps);
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.BatchAlreadySettled.selector, market.batchId(ZONE, INTERVAL)));
        submit(header(PRICE), ps);
    }

    function test_rejects_caller_without_operator_role() public {
        Participant[] memory ps = trade(KWH2, KWH2);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, seller, market.OPERATOR_ROLE())
        );
        vm.prank(seller);
        market.submitBatch(header(PRICE), pack(ps));
    }

    function test_rejects_tariffs_from_a_non_operator() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, buyer, market.OPERATOR_ROLE())
        );
        vm.prank(buyer);
        market.setTariffs(0, 1, 0);
    }

    function test_rejects_tariffs_with_feed_in_above_retail() public {
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.InvalidTariffs.selector, 101, 100));
        vm.prank(OPERATOR);
        market.setTariffs(101, 100, 0);
    }

    function test_rejects_zero_deposit_and_zero_withdrawal() public {
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.ZeroAmount.selector));
        vm.prank(seller);
        market.deposit(0);
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.ZeroAmount.selector));
        vm.prank(seller);
        market.withdraw(0);
    }

    function test_rejects_the_same_household_twice() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant memory d = signed(2, b, buyOf(1_000_000, KWH2));
        Participant[] memory ps = new Participant[](2);
        ps[0] = d;
        ps[1] = d;
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.ParticipantsNotAscending.selector, 1));
        submit(b, ps);
    }

    function test_rejects_fills_that_do_not_balance() public {
        EnergyMarket.Batch memory b = header(PRICE);
        Participant[] memory ps =
            pair(signed(1, b, sellOf(KWH2, KWH2)), signed(2, b, buyOf(KWH2 - 1, KWH2)));
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.FillsUnbalanced.selector, KWH2 - 1, KWH2));
        submit(b, ps);
    }

    function test_rejects_a_buyer_without_enough_balance() public {
        vm.prank(buyer);
        market.withdraw(FUNDS - 1);
        vm.expectRevert(abi.encodeWithSelector(EnergyMarket.InsufficientBalance.selector, buyer, 1, 330_000));
        submit(header(PRICE), trade(KWH2, KWH2));
    }

    function test_rejects_a_batch_reentered_from_the_registry_read() public {
        ReenteringRegistry evil = new ReenteringRegistry();
        vm.startPrank(OPERATOR);
        EnergyMarket hooked = new EnergyMarket(IERC20(address(token)), MeterRegistry(address(evil)), OPERATOR);
        hooked.setTariffs(FEED_IN, RETAIL, FEE);
        hooked.grantRole(hooked.OPERATOR_ROLE(), address(evil)); // even an operator may not re-enter
        vm.stopPrank();
        market = hooked; // sign for this market
        EnergyMarket.Batch memory b = header(PRICE);
        bytes memory packed = pack(one(signed(1, b, participant(1, 1, KWH2, 100_000, 0, 0, 0))));
        evil.arm(address(hooked), abi.encodeCall(EnergyMarket.submitBatch, (b, packed)));
        vm.expectRevert(abi.encodeWithSignature("ReentrancyGuardReentrantCall()"));
        vm.prank(OPERATOR);
        hooked.submitBatch(b, packed);
    }

    function test_rejects_reentrant_withdraw_through_a_token_callback() public {
        HookToken hook = new HookToken();
        EnergyMarket hooked = new EnergyMarket(IERC20(address(hook)), registry, OPERATOR);
        Reenterer attacker = new Reenterer(hooked, hook);
        hook.mint(address(attacker), 1_000);
        attacker.depositAll();
        hook.setHookTarget(address(attacker));
        vm.expectRevert(abi.encodeWithSignature("ReentrancyGuardReentrantCall()"));
        attacker.withdrawTwice(500);
        assertEq(hooked.balanceOf(address(attacker)), 1_000, "nothing left the market");
    }
}

/// An ERC20 that calls the recipient back on every transfer to the hook target (like ERC777/1363 hooks).
contract HookToken {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    uint256 public totalSupply;
    address public hookTarget;

    function setHookTarget(address target) external {
        hookTarget = target;
    }

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
        totalSupply += amount;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        allowance[from][msg.sender] -= amount;
        _move(from, to, amount);
        return true;
    }

    function _move(address from, address to, uint256 amount) private {
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        if (to == hookTarget) Reenterer(to).onTokenReceived(amount);
    }
}

/// Withdraws, and withdraws again from inside the token's callback.
contract Reenterer {
    EnergyMarket internal immutable market;
    HookToken internal immutable hook;
    uint256 internal again;

    constructor(EnergyMarket market_, HookToken hook_) {
        market = market_;
        hook = hook_;
    }

    function depositAll() external {
        uint256 amount = hook.balanceOf(address(this));
        hook.approve(address(market), amount);
        market.deposit(amount);
    }

    function withdrawTwice(uint256 amount) external {
        again = amount;
        market.withdraw(amount);
    }

    function onTokenReceived(uint256) external {
        if (again != 0) {
            uint256 amount = again;
            again = 0;
            market.withdraw(amount);
        }
    }
}

/// A registry that, asked for a meter, calls back into the market with a batch.
contract ReenteringRegistry {
    address internal target;
    bytes internal payload;

    function arm(address market, bytes calldata call) external {
        target = market;
        payload = call;
    }

    function zoneIdOf(bytes32) external pure returns (uint32) {
        return 1;
    }

    function activeMeter(address) external returns (address, uint32) {
        (bool ok, bytes memory ret) = target.call(payload);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return (address(0), 0);
    }
}
