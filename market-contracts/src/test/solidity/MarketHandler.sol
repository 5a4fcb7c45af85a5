// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MarketFixture} from "./MarketFixture.sol";
import {EnergyMarket} from "../../main/solidity/EnergyMarket.sol";
import {MeterRegistry} from "../../main/solidity/MeterRegistry.sol";
import {SettlementToken} from "../../main/solidity/SettlementToken.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/// What forge's invariant runner calls at random on a deployed market (EnergyMarketInvariant.t.sol):
/// deposits, withdrawals, valid batches signed here with vm.sign, replays of settled batches, batches
/// and tariffs from non-operators, tariff changes. Each action predicts its outcome from a reference
/// model of the settlement rules (`expected` balances) and accepts only that outcome; what the
/// invariants judge is kept in ghost variables. Actions that expect a revert use try/catch, so a
/// removed guard shows up in a ghost counter instead of aborting the run.
contract MarketHandler is MarketFixture {
    uint256 internal constant HOUSEHOLDS = 6;
    address internal constant STRANGER = address(0x5742A4);

    /// Every account that can hold a market balance: the households, then the grid (OPERATOR).
    address[] public accounts;
    /// The reference model: each account's market balance as the rules say it must be.
    mapping(address account => uint256) public expected;
    /// Ghost: successful submitBatch calls per batch id, and every id a batch was built for.
    mapping(bytes32 batchId => uint256) public settlements;
    bytes32[] public batchIds;
    /// Ghost: submitBatch / setTariffs calls that succeeded from an account without the operator role.
    uint256 public nonOperatorSettlements;
    uint256 public nonOperatorTariffs;
    /// Ghost: settled batches whose balance changes did not sum to zero, and the last such sum.
    uint256 public unbalancedBatches;
    int256 public lastUnbalancedSum;
    /// Ghost: how often each action reached its interesting branch (printed by the test, for coverage).
    uint256 public settled;
    uint256 public refusedExpired;
    uint256 public refusedBalance;
    uint256 public replays;
    uint256 public strangerCalls;
    uint256 public tariffChanges;
    uint256 public withdrawals;

    uint64 internal feedIn = FEED_IN;
    uint64 internal retail = RETAIL;
    uint64 internal fee = FEE;
    uint64 internal nextInterval = INTERVAL;
    EnergyMarket.Batch[] internal settledHeaders;
    bytes[] internal settledPacked;

    constructor() {
        setUp();
        for (uint256 i = 1; i <= HOUSEHOLDS; ++i) {
            (address account,) = enrol(i, ZONE);
            accounts.push(account);
            expected[account] = FUNDS;
        }
        accounts.push(OPERATOR);
        expected[OPERATOR] = FUNDS;
    }

    function marketUnderTest() external view returns (EnergyMarket) {
        return market;
    }

    function tokenUnderTest() external view returns (SettlementToken) {
        return token;
    }

    function accountCount() external view returns (uint256) {
        return accounts.length;
    }

    function batchCount() external view returns (uint256) {
        return batchIds.length;
    }

    // ---- actions ----

    function deposit(uint256 who, uint256 amount) external {
        address account = accounts[who % accounts.length];
        amount = bound(amount, 1, FUNDS);
        vm.prank(OPERATOR);
        token.mint(account, amount);
        vm.startPrank(account);
        token.approve(address(market), amount);
        market.deposit(amount);
        vm.stopPrank();
        expected[account] += amount;
    }

    function withdraw(uint256 who, uint256 amount) external {
        address account = accounts[who % accounts.length];
        uint256 balance = market.balanceOf(account);
        if (amount % 3 == 0 && balance > 0) {
            amount = balance - amount / 3 % (balance < 2_000_000 ? balance : 2_000_000); // leave a little: later debits fail
        } else {
            amount = bound(amount, 1, balance + balance / 8 + 1); // sometimes more than the balance
        }
        uint256 tokensBefore = token.balanceOf(account);
        vm.prank(account);
        try market.withdraw(amount) {
            require(amount <= expected[account], "withdrawal above the model balance succeeded");
            require(token.balanceOf(account) == tokensBefore + amount, "withdrawal paid a different amount");
            expected[account] -= amount;
            ++withdrawals;
        } catch (bytes memory err) {
            _expectError(err, abi.encodeWithSelector(EnergyMarket.InsufficientBalance.selector, account, balance, amount));
        }
    }

    /// A random valid batch for the next interval, sometimes with an expired order (refused by name),
    /// sometimes draining a balance (refused by name); else it must settle exactly as the model says.
    function settleBatch(uint256 seed) external {
        (EnergyMarket.Batch memory b, Participant[] memory ps) = _randomBatch(seed);
        bytes memory packed = pack(ps);
        bytes32 id = market.batchId(ZONE, b.intervalStartMs);
        (int256[] memory nets, bytes memory refusal) = _model(b, ps);
        uint256 sumBefore = _sumOfBalances();
        vm.prank(OPERATOR);
        try market.submitBatch(b, packed) {
            ++settlements[id];
            require(refusal.length == 0, "a batch the rules refuse settled");
            int256 change = int256(_sumOfBalances()) - int256(sumBefore);
            if (change != 0) {
                ++unbalancedBatches;
                lastUnbalancedSum = change;
            }
            int256 gridNet;
            for (uint256 i = 0; i < ps.length; ++i) {
                _credit(ps[i].account, nets[i]);
                gridNet -= nets[i];
            }
            _credit(OPERATOR, gridNet);
            settledHeaders.push(b);
            settledPacked.push(packed);
            ++settled;
        } catch (bytes memory err) {
            require(refusal.length != 0, "a valid batch was refused");
            _expectError(err, refusal);
            if (bytes4(refusal) == EnergyMarket.OrderExpired.selector) ++refusedExpired;
            else ++refusedBalance;
        }
    }

    /// Sends a settled batch again, as the operator: it must be refused as already settled.
    function replayBatch(uint256 which) external {
        if (settledHeaders.length == 0) return;
        uint256 k = which % settledHeaders.length;
        EnergyMarket.Batch memory b = settledHeaders[k];
        bytes32 id = market.batchId(ZONE, b.intervalStartMs);
        vm.prank(OPERATOR);
        try market.submitBatch(b, settledPacked[k]) {
            ++settlements[id];
        } catch (bytes memory err) {
            _expectError(err, abi.encodeWithSelector(EnergyMarket.BatchAlreadySettled.selector, id));
        }
        ++replays;
    }

    /// A valid, unsettled batch sent by a household or a stranger: it must be refused for the role.
    function submitAsNonOperator(uint256 seed, uint256 who) external {
        (EnergyMarket.Batch memory b, Participant[] memory ps) = _randomBatch(seed);
        address sender = who % 3 == 0 ? STRANGER : accounts[who % HOUSEHOLDS];
        bytes32 id = market.batchId(ZONE, b.intervalStartMs);
        vm.prank(sender);
        try market.submitBatch(b, pack(ps)) {
            ++settlements[id];
            ++nonOperatorSettlements;
        } catch (bytes memory err) {
            _expectError(err, _unauthorized(sender));
        }
        ++strangerCalls;
    }

    /// New tariffs from the operator (sometimes invalid: feed-in above retail, refused), or an attempt
    /// by a household (refused for the role).
    function setTariffs(uint256 a, uint256 r, uint256 f, uint256 who) external {
        uint64 newFeedIn = uint64(bound(a, 0, 200_000));
        uint64 newRetail = uint64(bound(r, newFeedIn, 400_000));
        uint64 newFee = uint64(bound(f, 0, 30_000));
        if (who % 4 == 0) {
            address sender = accounts[who % HOUSEHOLDS];
            vm.prank(sender);
            try market.setTariffs(newFeedIn, newRetail, newFee) {
                ++nonOperatorTariffs;
            } catch (bytes memory err) {
                _expectError(err, _unauthorized(sender));
            }
            return;
        }
        bool invalid = who % 4 == 1 && newFeedIn > 0;
        if (invalid) newRetail = newFeedIn - 1;
        vm.prank(OPERATOR);
        try market.setTariffs(newFeedIn, newRetail, newFee) {
            require(!invalid, "tariffs with feed-in above retail were accepted");
            feedIn = newFeedIn;
            retail = newRetail;
            fee = newFee;
            ++tariffChanges;
        } catch (bytes memory err) {
            require(invalid, "valid tariffs were refused");
            _expectError(err, abi.encodeWithSelector(EnergyMarket.InvalidTariffs.selector, newFeedIn, newRetail));
        }
    }

    // ---- batches and the reference model ----

    function _draw(uint256 seed, uint256 k, uint256 bound_) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, k))) % bound_;
    }

    /// n households from a random offset, 1..n-1 sellers, fills balanced, random price within the
    /// tariffs and limits that admit it, random over and short deliveries; in one batch of six an order
    /// expired before the interval (when the drawn index is in the batch).
    function _randomBatch(uint256 seed) internal returns (EnergyMarket.Batch memory b, Participant[] memory ps) {
        b = header(uint64(feedIn + _draw(seed, 0, retail - feedIn + 1)));
        b.intervalStartMs = nextInterval;
        nextInterval += uint64(SECONDS) * 1000;
        batchIds.push(market.batchId(ZONE, b.intervalStartMs));
        uint256 n = 2 + _draw(seed, 1, HOUSEHOLDS - 1);
        uint256 sellers = 1 + _draw(seed, 2, n - 1);
        uint256 offset = _draw(seed, 3, HOUSEHOLDS);
        ps = new Participant[](n);
        uint256 volume;
        for (uint256 i = 0; i < n; ++i) {
            uint256 h = 1 + (offset + i) % HOUSEHOLDS;
            uint64 fill = i < sellers ? uint64(_draw(seed, 10 + i, 5_000_001))
                : uint64(i == n - 1 ? volume : _draw(seed, 10 + i, volume + 1));
            if (i < sellers) volume += fill;
            else volume -= fill;
            ps[i] = _order(seed, i, h, i < sellers, fill, b);
            ps[i] = signed(h, b, ps[i]);
        }
        sortByAccount(ps);
    }

    function _order(uint256 seed, uint256 i, uint256 h, bool sell, uint64 fill, EnergyMarket.Batch memory b)
        internal
        view
        returns (Participant memory p)
    {
        uint64 price = b.clearingPricePerKWh;
        uint64 delivered = uint64(_draw(seed, 40 + i, uint256(fill) * 3 / 2 + 1));
        uint64 limit = sell ? uint64(feedIn + _draw(seed, 30 + i, price - feedIn + 1))
            : uint64(price + _draw(seed, 30 + i, retail - price + 1));
        p = participant(h, sell ? 1 : 0, fill + uint64(_draw(seed, 20 + i, 1_000_000)), limit, fill,
            sell ? 0 : delivered, sell ? delivered : 0);
        p.expiryMs = _draw(seed, 4, 6) == 0 && _draw(seed, 5, b.intervalStartMs) % 8 == i // one batch in six: one expired order
            ? b.intervalStartMs - 1 - uint64(_draw(seed, 60 + i, 3_600_000)) // void before delivery began
            : b.intervalStartMs + uint64(_draw(seed, 60 + i, 2 * 900_000));
    }

    /// Each participant's net by the README's rules, and the revert the contract must give instead
    /// (empty when the batch must settle), checked in the contract's order: participant by participant
    /// (expiry, then balance), the grid last.
    function _model(EnergyMarket.Batch memory b, Participant[] memory ps)
        internal
        view
        returns (int256[] memory nets, bytes memory refusal)
    {
        nets = new int256[](ps.length);
        uint256 price = b.clearingPricePerKWh;
        int256 gridNet;
        for (uint256 i = 0; i < ps.length; ++i) {
            Participant memory p = ps[i];
            if (p.expiryMs < b.intervalStartMs) {
                return (nets, abi.encodeWithSelector(EnergyMarket.OrderExpired.selector, i, p.expiryMs, b.intervalStartMs));
            }
            if (p.side == 1) {
                uint256 exported = p.exportEnd - p.exportStart;
                uint256 delivered = p.fillMilliWh < exported ? p.fillMilliWh : exported;
                nets[i] = int256(delivered * price / 1e6) - int256((p.fillMilliWh - delivered) * (retail - price) / 1e6);
            } else {
                uint256 imported = p.importEnd - p.importStart;
                uint256 delivered = p.fillMilliWh < imported ? p.fillMilliWh : imported;
                nets[i] = -int256(delivered * price / 1e6) - int256(delivered * fee / 1e6)
                    - int256((p.fillMilliWh - delivered) * (price - feedIn) / 1e6);
            }
            if (nets[i] < 0 && uint256(-nets[i]) > expected[p.account]) {
                return (nets, _insufficient(p.account, nets[i]));
            }
            gridNet -= nets[i];
        }
        if (gridNet < 0 && uint256(-gridNet) > expected[OPERATOR]) return (nets, _insufficient(OPERATOR, gridNet));
    }

    function _insufficient(address account, int256 net) internal view returns (bytes memory) {
        return abi.encodeWithSelector(EnergyMarket.InsufficientBalance.selector, account, expected[account], uint256(-net));
    }

    function _unauthorized(address sender) internal view returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, sender, market.OPERATOR_ROLE());
    }

    function _credit(address account, int256 net) internal {
        expected[account] = net >= 0 ? expected[account] + uint256(net) : expected[account] - uint256(-net);
    }

    function _sumOfBalances() internal view returns (uint256 sum) {
        for (uint256 i = 0; i < accounts.length; ++i) sum += market.balanceOf(accounts[i]);
    }

    function _expectError(bytes memory actual, bytes memory wanted) internal pure {
        if (keccak256(actual) != keccak256(wanted)) revert UnexpectedRevert(actual, wanted);
    }

    error UnexpectedRevert(bytes actual, bytes expected);
}
