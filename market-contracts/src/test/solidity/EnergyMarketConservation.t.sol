// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MarketFixture} from "./MarketFixture.sol";
import {EnergyMarket} from "../../main/solidity/EnergyMarket.sol";

/// Fuzzed conservation: random valid batches (random price, sides, fills, limits, deliveries, including
/// shortfalls) never create or destroy money, the market always holds exactly the tokens it owes, and
/// a batch id settles once.
contract EnergyMarketConservationTest is MarketFixture {
    uint256 internal constant HOUSEHOLDS = 8;
    address[] internal accounts;

    function setUp() public override {
        super.setUp();
        for (uint256 i = 1; i <= HOUSEHOLDS; ++i) {
            (address account,) = enrol(i, ZONE);
            accounts.push(account);
        }
        accounts.push(OPERATOR);
    }

    function owed() internal view returns (uint256 sum) {
        for (uint256 i = 0; i < accounts.length; ++i) sum += market.balanceOf(accounts[i]);
    }

    function draw(uint256 seed, uint256 k, uint256 bound) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, k))) % bound;
    }

    /// A random batch of n households (2..HOUSEHOLDS), at least one per side, fills balanced.
    function randomBatch(uint256 seed, uint64 intervalStartMs)
        internal
        returns (EnergyMarket.Batch memory b, Participant[] memory ps)
    {
        b = header(uint64(FEED_IN + draw(seed, 0, RETAIL - FEED_IN + 1)));
        b.intervalStartMs = intervalStartMs;
        uint256 n = 2 + draw(seed, 1, HOUSEHOLDS - 1);
        uint256 sellers = 1 + draw(seed, 2, n - 1);
        ps = new Participant[](n);
        uint256 volume;
        for (uint256 i = 0; i < sellers; ++i) {
            ps[i] = randomSeller(seed, i, b.clearingPricePerKWh);
            volume += ps[i].fillMilliWh;
        }
        for (uint256 i = sellers; i < n; ++i) {
            uint64 fill = i == n - 1 ? uint64(volume) : uint64(draw(seed, 10 + i, volume + 1));
            volume -= fill;
            ps[i] = randomBuyer(seed, i, b.clearingPricePerKWh, fill);
        }
        for (uint256 i = 0; i < n; ++i) ps[i] = signed(i + 1, b, ps[i]);
        sortByAccount(ps);
    }

    function randomSeller(uint256 seed, uint256 i, uint64 price) internal pure returns (Participant memory) {
        uint64 fill = uint64(draw(seed, 10 + i, 5_000_001));
        uint64 limit = uint64(FEED_IN + draw(seed, 30 + i, price - FEED_IN + 1));
        uint64 exported = uint64(draw(seed, 40 + i, uint256(fill) * 3 / 2 + 1));
        return participant(i + 1, 1, fill + uint64(draw(seed, 20 + i, 1_000_000)), limit, fill, 0, exported);
    }

    function randomBuyer(uint256 seed, uint256 i, uint64 price, uint64 fill)
        internal
        pure
        returns (Participant memory)
    {
        uint64 limit = uint64(price + draw(seed, 30 + i, RETAIL - price + 1));
        uint64 imported = uint64(draw(seed, 40 + i, uint256(fill) * 3 / 2 + 1));
        return participant(i + 1, 0, fill + uint64(draw(seed, 20 + i, 1_000_000)), limit, fill, imported, 0);
    }

    function testFuzz_random_batches_conserve_money_and_settle_once(uint256 seed) public {
        uint256 supply = token.totalSupply();
        uint256 held = token.balanceOf(address(market));
        assertEq(owed(), held, "market owes what it holds before");

        for (uint64 k = 0; k < 2; ++k) {
            (EnergyMarket.Batch memory b, Participant[] memory ps) =
                randomBatch(uint256(keccak256(abi.encode(seed, k))), INTERVAL + k * 900_000);
            vm.prank(OPERATOR);
            market.submitBatch(b, pack(ps));
            assertEq(owed(), held, "sum of balances after a batch");

            bytes32 id = market.batchId(ZONE, b.intervalStartMs);
            assertTrue(market.settled(id), "settled");
            vm.prank(OPERATOR);
            vm.expectRevert(abi.encodeWithSelector(EnergyMarket.BatchAlreadySettled.selector, id));
            market.submitBatch(b, pack(ps));
        }
        assertEq(token.balanceOf(address(market)), held, "tokens in the market");
        assertEq(token.totalSupply(), supply, "token supply");
    }
}
