package io.vpclab.controlplane.networkacl;

import io.vpclab.controlplane.securitygroup.Permission;
import io.vpclab.controlplane.system.ApiException;

/**
 * One numbered entry of a network ACL: what it matches is a security group permission with a
 * CIDR peer (the same protocols and port ranges, validated by the same code), plus its number and
 * whether it allows or denies.
 */
public record AclEntry(int ruleNumber, boolean allow, Permission match) {

    /** AWS: entries are numbered 1..32766; 32767 is the final {@code *} deny. */
    public static final int MAX_RULE_NUMBER = 32766;

    public static final int FINAL_DENY_NUMBER = 32767;

    public AclEntry {
        if (ruleNumber < 1 || ruleNumber > MAX_RULE_NUMBER) {
            throw ApiException.invalidParameter("ruleNumber " + ruleNumber + " is outside 1.." + MAX_RULE_NUMBER);
        }
        if (match.cidr() == null) {
            throw ApiException.badRequest("MissingParameter", "cidrBlock is required");
        }
    }

    public boolean egress() {
        return match.direction() == Permission.Direction.EGRESS;
    }

    /** Validates an API entry; defects of the match are InvalidParameterValue as AWS answers for ACLs. */
    public static AclEntry of(
            Integer ruleNumber,
            Permission.Direction direction,
            String protocol,
            String ruleAction,
            String cidrBlock,
            Integer fromPort,
            Integer toPort) {
        if (ruleNumber == null) {
            throw ApiException.badRequest("MissingParameter", "ruleNumber is required");
        }
        if (ruleAction == null) {
            throw ApiException.badRequest("MissingParameter", "ruleAction is required (allow or deny)");
        }
        if (cidrBlock == null || cidrBlock.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "cidrBlock is required");
        }
        Permission match;
        try {
            match = Permission.of(direction, protocol, fromPort, toPort, cidrBlock, null);
        } catch (ApiException e) {
            if (e.code().equals("MissingParameter")) {
                throw e;
            }
            throw ApiException.invalidParameter(e.getMessage());
        }
        return new AclEntry(ruleNumber, ruleAction.equals("allow"), match);
    }
}
