// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {GridshareTest} from "./GridshareTest.sol";
import {MeterRegistry} from "../../main/solidity/MeterRegistry.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract MeterRegistryTest is GridshareTest {
    event MeterRegistered(address indexed meter, address indexed household, bytes32 indexed zone);
    event MeterRevoked(address indexed meter, address indexed by);

    MeterRegistry internal registry;
    address internal constant OPERATOR_ADMIN = address(0xA11CE);
    address internal constant INSTALLER = address(0x1257A11);
    address internal constant STRANGER = address(0xBAD);
    address internal constant METER = address(0x3E7E5);
    address internal constant HOUSEHOLD = address(0x40053);
    bytes32 internal constant ZONE = keccak256("zone-7");

    function setUp() public {
        vm.warp(1_767_225_600);
        vm.prank(OPERATOR_ADMIN);
        registry = new MeterRegistry();
        bytes32 installerRole = registry.INSTALLER_ROLE();
        vm.prank(OPERATOR_ADMIN);
        registry.grantRole(installerRole, INSTALLER);
    }

    function test_deployer_holds_admin_and_operator_roles() public view {
        assertTrue(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), OPERATOR_ADMIN), "admin role");
        assertTrue(registry.hasRole(registry.OPERATOR_ROLE(), OPERATOR_ADMIN), "operator role");
        assertEq(registry.getRoleAdmin(registry.INSTALLER_ROLE()), registry.OPERATOR_ROLE(), "installer admin");
    }

    function test_installer_registers_meter() public {
        vm.expectEmit(true, true, true, true);
        emit MeterRegistered(METER, HOUSEHOLD, ZONE);
        vm.prank(INSTALLER);
        registry.registerMeter(METER, HOUSEHOLD, ZONE);

        (address household, bytes32 zone, uint64 registeredAt, uint64 revokedAt, bool active) = registry.meterOf(METER);
        assertEq(household, HOUSEHOLD, "household");
        assertEq(zone, ZONE, "zone");
        assertEq(registeredAt, 1_767_225_600, "registeredAt");
        assertEq(revokedAt, 0, "revokedAt");
        assertTrue(active, "active");
        assertTrue(registry.isActive(METER), "isActive");
    }

    function test_unknown_meter_is_inactive_and_all_zero() public view {
        (address household, bytes32 zone, uint64 registeredAt, uint64 revokedAt, bool active) = registry.meterOf(METER);
        assertEq(household, address(0), "household");
        assertEq(zone, bytes32(0), "zone");
        assertEq(registeredAt + revokedAt, 0, "timestamps");
        assertTrue(!active && !registry.isActive(METER), "inactive");
    }

    function test_rejects_registration_by_non_installer() public {
        bytes32 installerRole = registry.INSTALLER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, installerRole)
        );
        vm.prank(STRANGER);
        registry.registerMeter(METER, HOUSEHOLD, ZONE);
    }

    function test_operator_without_installer_role_cannot_register() public {
        bytes32 installerRole = registry.INSTALLER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, OPERATOR_ADMIN, installerRole)
        );
        vm.prank(OPERATOR_ADMIN);
        registry.registerMeter(METER, HOUSEHOLD, ZONE);
    }

    function test_rejects_zero_addresses() public {
        vm.expectRevert(abi.encodeWithSelector(MeterRegistry.ZeroMeterAddress.selector));
        vm.prank(INSTALLER);
        registry.registerMeter(address(0), HOUSEHOLD, ZONE);
        vm.expectRevert(abi.encodeWithSelector(MeterRegistry.ZeroHouseholdAddress.selector));
        vm.prank(INSTALLER);
        registry.registerMeter(METER, address(0), ZONE);
    }

    function test_rejects_double_registration() public {
        vm.startPrank(INSTALLER);
        registry.registerMeter(METER, HOUSEHOLD, ZONE);
        vm.expectRevert(abi.encodeWithSelector(MeterRegistry.MeterAlreadyRegistered.selector, METER));
        registry.registerMeter(METER, address(0x999), ZONE);
        vm.stopPrank();
    }

    function test_installer_revokes_meter_forever() public {
        vm.startPrank(INSTALLER);
        registry.registerMeter(METER, HOUSEHOLD, ZONE);
        vm.warp(1_767_229_200);
        vm.expectEmit(true, true, true, true);
        emit MeterRevoked(METER, INSTALLER);
        registry.revokeMeter(METER);
        assertTrue(!registry.isActive(METER), "inactive after revoke");
        (address household,,, uint64 revokedAt, bool active) = registry.meterOf(METER);
        assertEq(household, HOUSEHOLD, "household kept for audit");
        assertEq(revokedAt, 1_767_229_200, "revokedAt");
        assertTrue(!active, "meterOf.active");

        vm.expectRevert(abi.encodeWithSelector(MeterRegistry.MeterKeyRevoked.selector, METER));
        registry.registerMeter(METER, HOUSEHOLD, ZONE);
        vm.expectRevert(abi.encodeWithSelector(MeterRegistry.MeterKeyRevoked.selector, METER));
        registry.revokeMeter(METER);
        vm.stopPrank();
    }

    function test_operator_revokes_meter() public {
        vm.prank(INSTALLER);
        registry.registerMeter(METER, HOUSEHOLD, ZONE);
        vm.expectEmit(true, true, true, true);
        emit MeterRevoked(METER, OPERATOR_ADMIN);
        vm.prank(OPERATOR_ADMIN);
        registry.revokeMeter(METER);
        assertTrue(!registry.isActive(METER), "inactive");
    }

    function test_rejects_revocation_by_stranger_and_of_unknown_meter() public {
        vm.prank(INSTALLER);
        registry.registerMeter(METER, HOUSEHOLD, ZONE);
        vm.expectRevert(abi.encodeWithSelector(MeterRegistry.NotInstallerOrOperator.selector, STRANGER));
        vm.prank(STRANGER);
        registry.revokeMeter(METER);
        vm.expectRevert(abi.encodeWithSelector(MeterRegistry.MeterNotRegistered.selector, address(0x777)));
        vm.prank(INSTALLER);
        registry.revokeMeter(address(0x777));
        assertTrue(registry.isActive(METER), "still active");
    }

    function test_only_operator_grants_and_revokes_installers() public {
        bytes32 installerRole = registry.INSTALLER_ROLE();
        bytes32 operatorRole = registry.OPERATOR_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, INSTALLER, operatorRole)
        );
        vm.prank(INSTALLER);
        registry.grantRole(installerRole, STRANGER);

        vm.prank(OPERATOR_ADMIN);
        registry.revokeRole(installerRole, INSTALLER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, INSTALLER, installerRole)
        );
        vm.prank(INSTALLER);
        registry.registerMeter(METER, HOUSEHOLD, ZONE);
    }
}
