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

    /// @notice Participants travel packed, RECORD bytes each, big-endian fixed-width fields at these
    /// offsets: one household's order and its meter's statement without the fields the batch header
    /// fixes (zone and interval are signed as the batch's, so an order or statement for another zone or
    /// interval does not recover to its signer), the fill the clearing gave it, and both signatures as
    /// r, s, v. Packing halves the calldata of ABI-encoded structs (README "Gas").
    uint256 public constant RECORD = 291;
    uint256 internal constant ACCOUNT = 0; // address, 20
    uint256 internal constant METER = 20; // address, 20
    uint256 internal constant SIDE = 40; // uint8, 1
    uint256 internal constant ENERGY = 41; // uint64, 8 each from here
    uint256 internal constant LIMIT = 49;
    uint256 internal constant NONCE = 57;
    uint256 internal constant EXPIRY = 65;
    uint256 internal constant FILL = 73;
    uint256 internal constant IMPORT_START = 81;
    uint256 internal constant IMPORT_END = 89;
    uint256 internal constant EXPORT_START = 97;
    uint256 internal constant EXPORT_END = 105;
    uint256 internal constant FIRST_SEQ = 113;
    uint256 internal constant LAST_SEQ = 121;
    uint256 internal constant READINGS_ROOT = 129; // bytes32
    uint256 internal constant ORDER_SIG = 161; // r 32, s 32, v 1
    uint256 internal constant STATEMENT_SIG = 226; // r 32, s 32, v 1

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
    /// @notice One per participant of a batch: its net money change (the batch is the BatchSettled event
    /// of the same transaction; delivered energy follows from the statement in the calldata).
    event Settled(address indexed account, int256 net);

    error BatchAlreadySettled(bytes32 batchId);
    error EmptyBatch();
    error InvalidTariffs(uint64 feedInTariff, uint64 retailTariff);
    error PriceOutsideTariffs(uint64 price, uint64 feedInTariff, uint64 retailTariff);
    error ParticipantsNotAscending(uint256 index);
    error OrderSignerMismatch(uint256 index, address recovered);
    /// @notice The order's signed expiry lies before the start of the batch's interval: it was void
    /// before delivery began (README "Settlement", order expiry).
    error OrderExpired(uint256 index, uint64 expiryMs, uint64 intervalStartMs);
    error StatementSignerMismatch(uint256 index, address recovered);
    error MeterNotActive(uint256 index, address meter);
    error MeterNotOfAccount(uint256 index, address meter);
    error MeterOutsideZone(uint256 index, address meter);
    error UnknownSide(uint256 index, uint8 side);
    error FillAboveOrder(uint256 index, uint64 fill, uint64 energy);
    error PriceAboveBuyLimit(uint256 index, uint64 price, uint64 limit);
    error PriceBelowSellLimit(uint256 index, uint64 price, uint64 limit);
    error RegistersDecrease(uint256 index);
    error MalformedParticipants(uint256 length);
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
    /// `participants` is n packed records (see RECORD) sorted by strictly ascending account (no
    /// household twice).
    function submitBatch(Batch calldata batch, bytes calldata participants)
        external
        onlyRole(OPERATOR_ROLE)
        nonReentrant
    {
        bytes32 id = batchId(batch.zone, batch.intervalStartMs);
        if (settled[id]) revert BatchAlreadySettled(id);
        uint256 n = participants.length / RECORD;
        if (n == 0 || participants.length % RECORD != 0) revert MalformedParticipants(participants.length);
        settled[id] = true;

        Ctx memory c = _context(batch);
        uint256 at;
        assembly ("memory-safe") {
            at := participants.offset
        }
        for (uint256 i = 0; i < n; ++i) {
            _settle(c, i, at);
            at += RECORD;
        }
        if (c.bought != c.sold) revert FillsUnbalanced(c.bought, c.sold);
        _apply(grid, c.gridNet);
        emit BatchSettled(id, batch.zone, batch.intervalStartMs, batch.clearingPricePerKWh, n, uint64(c.sold), c.gridNet);
    }

    /// @dev What every participant of a batch is checked and priced against, and the running totals.
    struct Ctx {
        bytes32 zone;
        uint256 intervalStartMs;
        uint256 intervalSeconds;
        uint256 zoneId;
        uint256 price;
        uint256 feedIn;
        uint256 retail;
        uint256 fee;
        uint256 bought;
        uint256 sold;
        int256 gridNet;
        address previous;
    }

    function _context(Batch calldata batch) private view returns (Ctx memory c) {
        c.zone = batch.zone;
        c.intervalStartMs = batch.intervalStartMs;
        c.intervalSeconds = batch.intervalSeconds;
        c.zoneId = registry.zoneIdOf(batch.zone);
        c.price = batch.clearingPricePerKWh;
        c.feedIn = feedInTariff;
        c.retail = retailTariff;
        c.fee = gridFeePerKWh;
        if (c.price < c.feedIn || c.price > c.retail) {
            revert PriceOutsideTariffs(batch.clearingPricePerKWh, uint64(c.feedIn), uint64(c.retail));
        }
    }

    /// @dev Verifies and settles participant i, whose record starts at calldata offset `at`.
    function _settle(Ctx memory c, uint256 i, uint256 at) private {
        address account = address(uint160(_field(at + ACCOUNT, 20)));
        if (account <= c.previous) revert ParticipantsNotAscending(i);
        c.previous = account;
        _verify(c, i, at, account);
        int256 net = _amounts(c, i, at);
        _apply(account, net);
        c.gridNet -= net;
        emit Settled(account, net);
    }

    /// @dev Both signatures and the meter's registration; reverts naming the participant's index.
    function _verify(Ctx memory c, uint256 i, uint256 at, address account) private view {
        address orderSigner = _recover(_orderDigest(c, at, account), at + ORDER_SIG);
        if (orderSigner != account) revert OrderSignerMismatch(i, orderSigner);
        // block time is no measure here: a batch settles after its interval, when every order is past
        // any expiry; what the household signed is that the order still stands when delivery starts
        uint256 expiry = _field(at + EXPIRY, 8);
        if (expiry < c.intervalStartMs) revert OrderExpired(i, uint64(expiry), uint64(c.intervalStartMs));
        address meter = address(uint160(_field(at + METER, 20)));
        address statementSigner = _recover(_statementDigest(c, at, meter), at + STATEMENT_SIG);
        if (statementSigner != meter) revert StatementSignerMismatch(i, statementSigner);
        (address household, uint32 zoneId) = registry.activeMeter(meter);
        if (household == address(0)) revert MeterNotActive(i, meter);
        if (household != account) revert MeterNotOfAccount(i, meter);
        if (zoneId != c.zoneId) revert MeterOutsideZone(i, meter);
    }

    /// @dev The participant's net money change (credit − debit); also adds its fill to the side's total.
    function _amounts(Ctx memory c, uint256 i, uint256 at) private pure returns (int256 net) {
        uint256 fill = _field(at + FILL, 8);
        uint256 energy = _field(at + ENERGY, 8);
        if (fill > energy) revert FillAboveOrder(i, uint64(fill), uint64(energy));
        uint256 limit = _field(at + LIMIT, 8);
        uint256 side = _field(at + SIDE, 1);
        if (side == SELL) {
            if (c.price < limit) revert PriceBelowSellLimit(i, uint64(c.price), uint64(limit));
            uint256 start = _field(at + EXPORT_START, 8);
            uint256 end = _field(at + EXPORT_END, 8);
            if (end < start) revert RegistersDecrease(i);
            uint256 delivered = fill < end - start ? fill : end - start;
            net = int256(_pay(delivered, c.price)) - int256(_pay(fill - delivered, c.retail - c.price));
            c.sold += fill;
        } else if (side == BUY) {
            if (c.price > limit) revert PriceAboveBuyLimit(i, uint64(c.price), uint64(limit));
            uint256 start = _field(at + IMPORT_START, 8);
            uint256 end = _field(at + IMPORT_END, 8);
            if (end < start) revert RegistersDecrease(i);
            uint256 delivered = fill < end - start ? fill : end - start;
            net = -int256(_pay(delivered, c.price) + _pay(delivered, c.fee) + _pay(fill - delivered, c.price - c.feedIn));
            c.bought += fill;
        } else {
            revert UnknownSide(i, uint8(side));
        }
    }

    /// @dev The big-endian unsigned integer of `size` bytes at calldata offset `at`.
    function _field(uint256 at, uint256 size) private pure returns (uint256 value) {
        assembly ("memory-safe") {
            value := shr(sub(256, shl(3, size)), calldataload(at))
        }
    }

    /// @dev OpenZeppelin ECDSA (rejects high-s) on the r, s, v at calldata offset `at`.
    function _recover(bytes32 digest, uint256 at) private pure returns (address) {
        return ECDSA.recover(digest, uint8(_field(at + 64, 1)), bytes32(_field(at, 32)), bytes32(_field(at + 32, 32)));
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

    /// @dev The EIP-712 digest of the Order, its struct encoded in scratch memory (nothing allocated).
    function _orderDigest(Ctx memory c, uint256 at, address account) private view returns (bytes32) {
        bytes32 typeHash = ORDER_TYPEHASH;
        bytes32 zone = c.zone;
        uint256 interval = c.intervalStartMs;
        bytes32 structHash;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, typeHash)
            mstore(add(m, 0x20), account)
            mstore(add(m, 0x40), zone)
            mstore(add(m, 0x60), interval)
            mstore(add(m, 0x80), shr(248, calldataload(add(at, 40)))) // side
            mstore(add(m, 0xa0), shr(192, calldataload(add(at, 41)))) // energyMilliWh
            mstore(add(m, 0xc0), shr(192, calldataload(add(at, 49)))) // limitPricePerKWh
            mstore(add(m, 0xe0), shr(192, calldataload(add(at, 57)))) // nonce
            mstore(add(m, 0x100), shr(192, calldataload(add(at, 65)))) // expiryMs
            structHash := keccak256(m, 0x120)
        }
        return _hashTypedDataV4(structHash);
    }

    /// @dev The EIP-712 digest of the IntervalStatement, encoded in scratch memory.
    function _statementDigest(Ctx memory c, uint256 at, address meter) private view returns (bytes32) {
        bytes32 typeHash = INTERVAL_STATEMENT_TYPEHASH;
        uint256 interval = c.intervalStartMs;
        uint256 seconds_ = c.intervalSeconds;
        bytes32 structHash;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, typeHash)
            mstore(add(m, 0x20), meter)
            mstore(add(m, 0x40), interval)
            mstore(add(m, 0x60), seconds_)
            mstore(add(m, 0x80), shr(192, calldataload(add(at, 81)))) // importStart
            mstore(add(m, 0xa0), shr(192, calldataload(add(at, 89)))) // importEnd
            mstore(add(m, 0xc0), shr(192, calldataload(add(at, 97)))) // exportStart
            mstore(add(m, 0xe0), shr(192, calldataload(add(at, 105)))) // exportEnd
            mstore(add(m, 0x100), shr(192, calldataload(add(at, 113)))) // firstSeq
            mstore(add(m, 0x120), shr(192, calldataload(add(at, 121)))) // lastSeq
            mstore(add(m, 0x140), calldataload(add(at, 129))) // readingsRoot
            structHash := keccak256(m, 0x160)
        }
        return _hashTypedDataV4(structHash);
    }
}
