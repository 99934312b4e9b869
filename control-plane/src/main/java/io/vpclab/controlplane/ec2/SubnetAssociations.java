package io.vpclab.controlplane.ec2;

/**
 * EC2's IDs of a subnet's route table and network ACL associations. VPC Lab stores one of each
 * per subnet, keyed by the subnet, so the association ID is the subnet's ID under another prefix
 * ({@code rtbassoc-} or {@code aclassoc-}) and reads back to it.
 */
final class SubnetAssociations {

    static final String ROUTE_TABLE = "rtbassoc-";
    static final String NETWORK_ACL = "aclassoc-";
    private static final String SUBNET = "subnet-";

    private SubnetAssociations() {}

    static String id(String prefix, String subnetId) {
        return prefix + subnetId.substring(subnetId.indexOf('-') + 1);
    }

    /** The subnet an association ID names; an ID of another shape is EC2's InvalidAssociationID.NotFound. */
    static String subnetId(String prefix, String associationId) {
        if (!associationId.startsWith(prefix) || associationId.length() == prefix.length()) {
            throw new Ec2Exception(
                    400,
                    "InvalidAssociationID.NotFound",
                    "association " + Ec2Query.abbreviated(associationId) + " does not exist");
        }
        return SUBNET + associationId.substring(prefix.length());
    }
}
