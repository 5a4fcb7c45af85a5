// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {GridshareTest} from "./GridshareTest.sol";
import {MarketHandler} from "./MarketHandler.sol";
import {EnergyMarket} from "../../main/solidity/EnergyMarket.sol";

/// Handler-based invariant fuzzing: forge calls MarketHandler's actions in random sequences
/// (foundry.toml [invariant]: runs, depth, fail_on_revert) and checks these after every call.
contract EnergyMarketInvariantTest is GridshareTest {
    MarketHandler internal handler;
    EnergyMarket internal market;

    function setUp() public {
        handler = new MarketHandler();
        market = handler.marketUnderTest();
        targetContract(address(handler));
        bytes4[] memory actions = new bytes4[](6);
        actions[0] = MarketHandler.deposit.selector;
        actions[1] = MarketHandler.withdraw.selector;
        actions[2] = MarketHandler.settleBatch.selector;
        actions[3] = MarketHandler.replayBatch.selector;
        actions[4] = MarketHandler.submitAsNonOperator.selector;
        actions[5] = MarketHandler.setTariffs.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: actions}));
    }

    /// One campaign checks every rule after every call (one invariant function per rule would replay the
    /// same seeded sequences once per function); the failing check names itself.
    function invariant_market_rules_hold_after_every_call() public view {
        check_only_the_operator_settles_and_sets_tariffs();
        check_no_batch_id_settles_twice();
        check_balance_changes_of_every_batch_sum_to_zero();
        check_market_holds_exactly_the_sum_of_its_balances();
        check_grid_residual_matches_the_model();
        check_household_balances_match_the_model();
    }

    /// Conservation: the market holds exactly the tokens it owes its accounts.
    function check_market_holds_exactly_the_sum_of_its_balances() internal view {
        uint256 owed;
        for (uint256 i = 0; i < handler.accountCount(); ++i) owed += market.balanceOf(handler.accounts(i));
        assertEq(handler.tokenUnderTest().balanceOf(address(market)), owed, "tokens held vs balances owed");
    }

    /// Every settled batch moved money between its participants and the grid only.
    function check_balance_changes_of_every_batch_sum_to_zero() internal view {
        assertEq(handler.unbalancedBatches(), 0, "batches whose balance changes do not sum to zero");
    }

    /// No batch id settled twice (ghost counter of successful submitBatch calls), and the contract's
    /// `settled` flag is set exactly for the batches that settled.
    function check_no_batch_id_settles_twice() internal view {
        for (uint256 i = 0; i < handler.batchCount(); ++i) {
            bytes32 id = handler.batchIds(i);
            uint256 n = handler.settlements(id);
            assertTrue(n <= 1, "a batch id settled twice");
            assertTrue(market.settled(id) == (n == 1), "settled flag vs successful settlements");
        }
    }

    /// Only the operator role settles batches and publishes tariffs.
    function check_only_the_operator_settles_and_sets_tariffs() internal view {
        assertEq(handler.nonOperatorSettlements(), 0, "batches settled by a non-operator");
        assertEq(handler.nonOperatorTariffs(), 0, "tariffs set by a non-operator");
    }

    /// The grid account's balance is what the reference model says: its deposits and withdrawals plus
    /// the residual of every batch (fees, retail for shortfalls, minus feed-in for surplus, roundings).
    function check_grid_residual_matches_the_model() internal view {
        address grid = market.grid();
        assertEq(market.balanceOf(grid), handler.expected(grid), "grid balance vs model");
    }

    /// Every household's balance is what the reference model says.
    function check_household_balances_match_the_model() internal view {
        for (uint256 i = 0; i < handler.accountCount(); ++i) {
            address a = handler.accounts(i);
            assertEq(market.balanceOf(a), handler.expected(a), "balance vs model");
        }
    }
}
