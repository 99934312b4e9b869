package io.vpclab.controlplane.tenant;

/**
 * Published synchronously, under the tenant's row lock, by a cascading tenant delete before
 * {@link TenantDeleting}. Each feature deletes the tenant's resources of its kind through its own
 * delete, so every rule and event of a single delete still applies; a refusal rolls the whole
 * cascade back. Listeners run in the order of the constants below, which is the dependency order:
 * a resource goes before the resources it refers to.
 */
public record TenantEmptying(String tenantId) {

    public static final int VPN_CONNECTIONS = 10;
    public static final int VPN_GATEWAYS = 20;
    public static final int CUSTOMER_GATEWAYS = 30;
    /** Either side's: a peering with another tenant's VPC goes too, as it would with the VPC. */
    public static final int PEERINGS = 40;
    /** Before elastic IPs: a NAT gateway's delete frees its EIP. */
    public static final int NAT_GATEWAYS = 50;
    /** Terminating an instance disassociates its EIP and drops its security group memberships. */
    public static final int INSTANCES = 60;

    public static final int ELASTIC_IPS = 70;
    /** After NAT gateways and EIPs, whose policies use them. */
    public static final int WHITELISTS = 80;
    /** Non-default groups; the default group goes with its VPC. */
    public static final int SECURITY_GROUPS = 90;
    /** A subnet's delete drops its ACL association. */
    public static final int SUBNETS = 100;
    /** Non-default ACLs, once no subnet uses them; the default ACL goes with its VPC. */
    public static final int NETWORK_ACLS = 110;

    public static final int VPCS = 120;
}
