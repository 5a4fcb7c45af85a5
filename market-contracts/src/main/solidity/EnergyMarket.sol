// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {GridshareEip712} from "./GridshareEip712.sol";
import {MeterRegistry} from "./MeterRegistry.sol";

/// @title EnergyMarket
/// @notice Settles one cleared batch per (interval, zone). Households deposit the settlement token and
/// withdraw it by pull payment; the operator submits the batch with every household's signed order and
/// every meter's signed interval statement, and the contract checks all of them before moving money.
/// Rules (market-contracts/README.md "Settlement rules"): at clearing price P, a seller is credited
/// floor(min(fill, exported) * P / 1e6) and debited floor(shortfall * (retail - P) / 1e6); a buyer is
/// debited floor(min(fill, imported) * (P + gridFee) / 1e6) as two floors, plus
/// floor(shortfall * (P - feedIn) / 1e6). The grid (operator account) takes the residual, so every batch
/// conserves money exactly and every rounding remainder goes to the grid.
contract EnergyMarket is GridshareEip712, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    uint8 internal constant BUY = 0;
    uint8 internal constant SELL = 1;
    uint256 internal constant MILLI_WH_PER_KWH = 1_000_000;

    /// @notice The batch header: what the clearing decided for one interval and zone.
    struct Batch {
        bytes32 zone;
        uint64 intervalStartMs;
        uint32 intervalSeconds;
        uint64 clearingPricePerKWh;
    }

    /// @notice secp256k1 signature as (r, s, v), v 27 or 28.
    struct Sig {
        bytes32 r;
        bytes32 s;
        uint8 v;
    }

    /// @notice One settled household: its order and its meter's statement without the fields the batch
    /// header fixes (zone and interval are signed as the batch's, so an order or statement for another
    /// zone or interval does not recover to its signer), plus the fill the clearing gave it.
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

    IERC20 public immutable token;
    MeterRegistry public immutable registry;
    /// @notice Receives the grid fee and the residual of every batch; pays feed-in for absorbed surplus.
    address public immutable grid;

    uint64 public feedInTariff;
    uint64 public retailTariff;
    uint64 public gridFeePerKWh;

    mapping(address account => uint256) public balanceOf;
    mapping(bytes32 batchId => bool) public settled;

    event Deposited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);
    event TariffsPublished(uint64 feedInTariff, uint64 retailTariff, uint64 gridFeePerKWh);
    event BatchSettled(bytes32 indexed batchId, bytes32 indexed zone, uint64 intervalStartMs, uint64 clearingPricePerKWh,
        uint256 participants, uint64 tradedMilliWh, int256 gridNet);
    /// @notice One per participant of a batch (the batch is the BatchSettled event of the same transaction).
    event Settled(address indexed account, uint64 deliveredMilliWh, int256 net);

    error BatchAlreadySettled(bytes32 batchId);
    error EmptyBatch();
    error InvalidTariffs(uint64 feedInTariff, uint64 retailTariff);
    error PriceOutsideTariffs(uint64 price, uint64 feedInTariff, uint64 retailTariff);
    error ParticipantsNotAscending(uint256 index);
    error OrderSignerMismatch(uint256 index, address recovered);
    error StatementSignerMismatch(uint256 index, address recovered);
    error MeterNotActive(uint256 index, address meter);
    error MeterNotOfAccount(uint256 index, address meter);
    error MeterOutsideZone(uint256 index, address meter);
    error UnknownSide(uint256 index, uint8 side);
    error FillAboveOrder(uint256 index, uint64 fill, uint64 energy);
    error PriceAboveBuyLimit(uint256 index, uint64 price, uint64 limit);
    error PriceBelowSellLimit(uint256 index, uint64 price, uint64 limit);
    error RegistersDecrease(uint256 index);
    error FillsUnbalanced(uint256 bought, uint256 sold);
    error InsufficientBalance(address account, uint256 balance, uint256 needed);
    error ZeroAmount();

    constructor(IERC20 token_, MeterRegistry registry_, address operator) {
        token = token_;
        registry = registry_;
        grid = operator;
        _grantRole(DEFAULT_ADMIN_ROLE, operator);
        _grantRole(OPERATOR_ROLE, operator);
    }

    /// @notice The id of the batch for (zone, interval): each is settled at most once.
    function batchId(bytes32 zone, uint64 intervalStartMs) public pure returns (bytes32) {
        return keccak256(abi.encode(zone, intervalStartMs));
    }

    /// @notice Publishes the grid's tariffs (base units per kWh). Operator only.
    function setTariffs(uint64 feedIn, uint64 retail, uint64 gridFee) external onlyRole(OPERATOR_ROLE) {
        if (feedIn > retail) revert InvalidTariffs(feedIn, retail);
        feedInTariff = feedIn;
        retailTariff = retail;
        gridFeePerKWh = gridFee;
        emit TariffsPublished(feedIn, retail, gridFee);
    }

    /// @notice Moves `amount` tokens (approved before) from the caller into its market balance.
    function deposit(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        token.safeTransferFrom(msg.sender, address(this), amount);
        balanceOf[msg.sender] += amount;
        emit Deposited(msg.sender, amount);
    }

    /// @notice Pull payment: sends `amount` of the caller's market balance to the caller.
    function withdraw(uint256 amount) external nonReentrant {
        uint256 balance = balanceOf[msg.sender];
        if (amount == 0) revert ZeroAmount();
        if (balance < amount) revert InsufficientBalance(msg.sender, balance, amount);
        balanceOf[msg.sender] = balance - amount;
        token.safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, amount);
    }

    /// @notice Settles one batch. Operator only; all-or-nothing: any bad participant reverts the batch.
    /// Participants are sorted by strictly ascending account (no household twice).
    function submitBatch(Batch calldata batch, Participant[] calldata participants)
        external
        onlyRole(OPERATOR_ROLE)
        nonReentrant
    {
        bytes32 id = batchId(batch.zone, batch.intervalStartMs);
        if (settled[id]) revert BatchAlreadySettled(id);
        if (participants.length == 0) revert EmptyBatch();
        settled[id] = true;

        Terms memory t = _terms(batch);
        uint256 bought;
        uint256 sold;
        int256 gridNet;
        address previous;
        for (uint256 i = 0; i < participants.length; ++i) {
            Participant calldata p = participants[i];
            if (p.account <= previous) revert ParticipantsNotAscending(i);
            previous = p.account;
            _verify(i, batch, p);
            (int256 net, uint64 delivered) = _amounts(i, t, p);
            if (p.side == BUY) bought += p.fillMilliWh;
            else sold += p.fillMilliWh;
            _apply(p.account, net);
            gridNet -= net;
            emit Settled(p.account, delivered, net);
        }
        if (bought != sold) revert FillsUnbalanced(bought, sold);
        _apply(grid, gridNet);
        emit BatchSettled(id, batch.zone, batch.intervalStartMs, batch.clearingPricePerKWh, participants.length,
            uint64(sold), gridNet);
    }

    struct Terms {
        uint256 price;
        uint256 feedIn;
        uint256 retail;
        uint256 fee;
    }

    function _terms(Batch calldata batch) private view returns (Terms memory t) {
        t.price = batch.clearingPricePerKWh;
        t.feedIn = feedInTariff;
        t.retail = retailTariff;
        t.fee = gridFeePerKWh;
        if (t.price < t.feedIn || t.price > t.retail) {
            revert PriceOutsideTariffs(batch.clearingPricePerKWh, uint64(t.feedIn), uint64(t.retail));
        }
    }

    /// @dev Both signatures and the meter's registration; reverts naming the participant's index.
    function _verify(uint256 i, Batch calldata batch, Participant calldata p) private view {
        address orderSigner = ECDSA.recover(_orderDigest(batch, p), p.orderSig.v, p.orderSig.r, p.orderSig.s);
        if (orderSigner != p.account) revert OrderSignerMismatch(i, orderSigner);
        address statementSigner =
            ECDSA.recover(_statementDigest(batch, p), p.statementSig.v, p.statementSig.r, p.statementSig.s);
        if (statementSigner != p.meter) revert StatementSignerMismatch(i, statementSigner);
        (address household, bytes32 zone) = registry.activeMeter(p.meter);
        if (household == address(0)) revert MeterNotActive(i, p.meter);
        if (household != p.account) revert MeterNotOfAccount(i, p.meter);
        if (zone != batch.zone) revert MeterOutsideZone(i, p.meter);
    }

    /// @dev The participant's net money change (credit − debit) and its delivered energy.
    function _amounts(uint256 i, Terms memory t, Participant calldata p)
        private
        pure
        returns (int256 net, uint64 delivered)
    {
        uint64 fill = p.fillMilliWh;
        if (fill > p.energyMilliWh) revert FillAboveOrder(i, fill, p.energyMilliWh);
        if (p.importEnd < p.importStart || p.exportEnd < p.exportStart) revert RegistersDecrease(i);
        if (p.side == SELL) {
            if (t.price < p.limitPricePerKWh) revert PriceBelowSellLimit(i, uint64(t.price), p.limitPricePerKWh);
            uint64 exported = p.exportEnd - p.exportStart;
            delivered = fill < exported ? fill : exported;
            net = int256(_pay(delivered, t.price)) - int256(_pay(fill - delivered, t.retail - t.price));
        } else if (p.side == BUY) {
            if (t.price > p.limitPricePerKWh) revert PriceAboveBuyLimit(i, uint64(t.price), p.limitPricePerKWh);
            uint64 imported = p.importEnd - p.importStart;
            delivered = fill < imported ? fill : imported;
            net = -int256(_pay(delivered, t.price) + _pay(delivered, t.fee) + _pay(fill - delivered, t.price - t.feedIn));
        } else {
            revert UnknownSide(i, p.side);
        }
    }

    /// @dev floor(energyMilliWh * pricePerKWh / 1e6), as the Java Payments.paymentBaseUnits.
    function _pay(uint256 energyMilliWh, uint256 pricePerKWh) private pure returns (uint256) {
        return energyMilliWh * pricePerKWh / MILLI_WH_PER_KWH;
    }

    function _apply(address account, int256 net) private {
        if (net == 0) return;
        uint256 balance = balanceOf[account];
        if (net > 0) {
            balanceOf[account] = balance + uint256(net);
        } else {
            uint256 needed = uint256(-net);
            if (balance < needed) revert InsufficientBalance(account, balance, needed);
            balanceOf[account] = balance - needed;
        }
    }

    function _orderDigest(Batch calldata batch, Participant calldata p) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    ORDER_TYPEHASH,
                    p.account,
                    batch.zone,
                    batch.intervalStartMs,
                    p.side,
                    p.energyMilliWh,
                    p.limitPricePerKWh,
                    p.nonce,
                    p.expiryMs
                )
            )
        );
    }

    function _statementDigest(Batch calldata batch, Participant calldata p) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    INTERVAL_STATEMENT_TYPEHASH,
                    p.meter,
                    batch.intervalStartMs,
                    batch.intervalSeconds,
                    p.importStart,
                    p.importEnd,
                    p.exportStart,
                    p.exportEnd,
                    p.firstSeq,
                    p.lastSeq,
                    p.readingsRoot
                )
            )
        );
    }
}
