package io.vpclab.topology.apply;

import io.vpclab.client.model.Instance;
import java.util.HashMap;
import java.util.Map;

/** IDs and addresses of what the file names, as found or created; keys are the file's name paths. */
final class Applied {

    final Map<String, String> tenantIds = new HashMap<>();
    /** "tenant/vpc" -> vpcId. */
    final Map<String, String> vpcIds = new HashMap<>();
    /** "tenant/vpc/subnet" -> subnetId. */
    final Map<String, String> subnetIds = new HashMap<>();
    /** "tenant/whitelist" -> whitelistId. */
    final Map<String, String> whitelistIds = new HashMap<>();
    /** Instance name (unique in a file) -> the instance. */
    final Map<String, Instance> instances = new HashMap<>();
    /** Instance or NAT gateway name -> its elastic IP's public address. */
    final Map<String, String> publicIps = new HashMap<>();
    /** Instance or NAT gateway name -> its elastic IP's allocation ID. */
    final Map<String, String> allocationIds = new HashMap<>();
    /** NAT gateway name (unique in a file) -> its ID. */
    final Map<String, String> natGatewayIds = new HashMap<>();
    /** "tenant/vpc/group" -> security group ID; each VPC's own group as "tenant/vpc/default". */
    final Map<String, String> groupIds = new HashMap<>();
    /** "tenant/vpc/acl" -> network ACL ID. */
    final Map<String, String> aclIds = new HashMap<>();
    /** "tenant/vpc/table" -> route table ID. */
    final Map<String, String> routeTableIds = new HashMap<>();
    /** Instance name -> "tenant/vpc". */
    final Map<String, String> instanceVpcs = new HashMap<>();
    /** Internet host name -> its address. */
    final Map<String, String> internetHosts = new HashMap<>();
    /** On-premises site host name -> the simulated host this process runs behind the site's router. */
    final Map<String, io.vpclab.dataplane.host.SimulatedHost> siteHosts = new HashMap<>();
}
