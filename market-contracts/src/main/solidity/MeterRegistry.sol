// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title MeterRegistry
/// @notice Binds meter keys to a household account and a grid zone. Installers register meters; the
/// grid operator grants and revokes the installer role. A revoked meter key is revoked forever: a
/// replaced or re-commissioned meter gets a new key on the device.
contract MeterRegistry is AccessControl {
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 public constant INSTALLER_ROLE = keccak256("INSTALLER_ROLE");

    // one storage slot per meter: the market reads it once per settled participant. Zones are numbered
    // (zoneId, from 1) in order of first registration; times are block timestamps in seconds (uint32
    // lasts until 2106).
    struct Meter {
        address household;
        uint32 zoneId;
        uint32 registeredAt;
        uint32 revokedAt; // 0 while active
    }

    mapping(address meter => Meter) private _meters;
    mapping(bytes32 zone => uint32) private _zoneIds;
    bytes32[] private _zones;

    event MeterRegistered(address indexed meter, address indexed household, bytes32 indexed zone);
    event MeterRevoked(address indexed meter, address indexed by);

    error ZeroMeterAddress();
    error ZeroHouseholdAddress();
    error MeterAlreadyRegistered(address meter);
    error MeterKeyRevoked(address meter);
    error MeterNotRegistered(address meter);
    error NotInstallerOrOperator(address account);

    constructor() {
        _grantRole(DEFAULT_ADMIN_ROLE, msg.sender);
        _grantRole(OPERATOR_ROLE, msg.sender);
        _setRoleAdmin(INSTALLER_ROLE, OPERATOR_ROLE);
    }

    /// @notice Registers a meter key to a household and zone. Only an installer.
    function registerMeter(address meter, address household, bytes32 zone) external onlyRole(INSTALLER_ROLE) {
        if (meter == address(0)) revert ZeroMeterAddress();
        if (household == address(0)) revert ZeroHouseholdAddress();
        Meter storage m = _meters[meter];
        if (m.revokedAt != 0) revert MeterKeyRevoked(meter);
        if (m.household != address(0)) revert MeterAlreadyRegistered(meter);
        uint32 zoneId = _zoneIds[zone];
        if (zoneId == 0) {
            _zones.push(zone);
            zoneId = uint32(_zones.length);
            _zoneIds[zone] = zoneId;
        }
        _meters[meter] = Meter(household, zoneId, uint32(block.timestamp), 0);
        emit MeterRegistered(meter, household, zone);
    }

    /// @notice Revokes a meter key forever. An installer or the operator.
    function revokeMeter(address meter) external {
        if (!hasRole(INSTALLER_ROLE, msg.sender) && !hasRole(OPERATOR_ROLE, msg.sender)) {
            revert NotInstallerOrOperator(msg.sender);
        }
        Meter storage m = _meters[meter];
        if (m.household == address(0)) revert MeterNotRegistered(meter);
        if (m.revokedAt != 0) revert MeterKeyRevoked(meter);
        // a chain timestamp is never 0, so revokedAt != 0 marks the key revoked
        m.revokedAt = uint32(block.timestamp);
        emit MeterRevoked(meter, msg.sender);
    }

    /// @notice The registration of a meter; all zero for an unknown meter.
    function meterOf(address meter)
        external
        view
        returns (address household, bytes32 zone, uint64 registeredAt, uint64 revokedAt, bool active)
    {
        Meter memory m = _meters[meter];
        return (m.household, m.zoneId == 0 ? bytes32(0) : _zones[m.zoneId - 1], m.registeredAt, m.revokedAt,
            m.household != address(0) && m.revokedAt == 0);
    }

    /// @notice The household and zone number of an active meter (one storage read); both zero when the
    /// meter is unknown or revoked.
    function activeMeter(address meter) external view returns (address household, uint32 zoneId) {
        Meter storage m = _meters[meter];
        if (m.revokedAt != 0) return (address(0), 0);
        return (m.household, m.zoneId);
    }

    /// @notice The number of a zone (from 1, in order of its first meter); 0 for a zone without meters.
    function zoneIdOf(bytes32 zone) external view returns (uint32) {
        return _zoneIds[zone];
    }

    /// @notice True while the meter is registered and not revoked.
    function isActive(address meter) external view returns (bool) {
        Meter storage m = _meters[meter];
        return m.household != address(0) && m.revokedAt == 0;
    }
}
