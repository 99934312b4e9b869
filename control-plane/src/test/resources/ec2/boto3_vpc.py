"""Drives VPC Lab's /ec2 endpoint with boto3; prints what it built as JSON for the Java test.

Credentials and endpoint come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
VPCLAB_EC2_ENDPOINT). Exits non-zero on any unexpected answer.
"""
import json
import os
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ec2 = boto3.client(
    "ec2",
    endpoint_url=os.environ["VPCLAB_EC2_ENDPOINT"],
    region_name="us-east-1",
    config=Config(retries={"max_attempts": 1}),
)

vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]
subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.8.1.0/24")["Subnet"]
try:
    ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.8.1.0/25")
    sys.exit("an overlapping subnet was accepted")
except ClientError as refused:
    overlap_code = refused.response["Error"]["Code"]

found = ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Vpcs"]
subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
paginated = [
    v["VpcId"] for page in ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": 5}) for v in page["Vpcs"]
]


def refusal_code(call, **params):
    try:
        call(**params)
    except ClientError as refused:
        return refused.response["Error"]["Code"]
    sys.exit("%s(%s) was accepted" % (call.__name__, params))


# a security group with a rule from a CIDR and one from the VPC's default group
vpc_id = vpc["VpcId"]
group_id = ec2.create_security_group(GroupName="db", Description="postgres", VpcId=vpc_id)["GroupId"]
default_group = ec2.describe_security_groups(
    Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
)["SecurityGroups"][0]["GroupId"]
pg = {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": default_group}]}
ssh = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.8.0.0/16", "Description": "ssh"}]}
ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[pg, ssh])
duplicate_code = refusal_code(ec2.authorize_security_group_ingress, GroupId=group_id, IpPermissions=[ssh])
ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=[ssh])
described_group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
missing_group_code = refusal_code(ec2.describe_security_groups, GroupIds=["sg-00000000000000000"])

# an instance in that group, with an image and type recorded
instance = ec2.run_instances(
    ImageId="ami-0abcdef1234567890",
    InstanceType="t3.micro",
    MinCount=1,
    MaxCount=1,
    SubnetId=subnet["SubnetId"],
    SecurityGroupIds=[group_id],
    Placement={"HostId": os.environ["VPCLAB_HOST_ID"]},
)["Instances"][0]
shown = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"][0]["Instances"][0]

# a network ACL for the subnet, and a route table
acl_id = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
ec2.create_network_acl_entry(
    NetworkAclId=acl_id, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False,
    CidrBlock="10.0.0.0/8", PortRange={"From": 5432, "To": 5432},
)
association = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet["SubnetId"]]}])[
    "NetworkAcls"][0]["Associations"][0]["NetworkAclAssociationId"]
ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl_id)
table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="192.0.2.0/24", InstanceId=instance["InstanceId"])
ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet["SubnetId"])
route_tables = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet["SubnetId"]]}])[
    "RouteTables"]

# tags beyond Name, as filters and listed
ec2.create_tags(Resources=[vpc_id, group_id, table_id], Tags=[{"Key": "env", "Value": "lab"}])
tagged_vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:env", "Values": ["lab"]}])["Vpcs"]
tag_types = sorted(t["ResourceType"] for t in ec2.describe_tags(Filters=[{"Name": "key", "Values": ["env"]}])["Tags"])

# site-to-site VPN (WireGuard): the device's public key is the customer gateway's DeviceName, the
# first on-premises block the connection's LocalIpv4NetworkCidr, more as static routes. The VPN
# gateway is made detached and attached to the REST-made VPC, as in EC2; the script leaves it
# detached again with its connection, for the Java test to read and drive through REST.
vpn_vpc_id = os.environ["VPCLAB_VPN_VPC_ID"]
cgw = ec2.create_customer_gateway(
    Type="ipsec.1", PublicIp="198.51.100.7", BgpAsn=65000, DeviceName=os.environ["VPCLAB_CGW_PUBLIC_KEY"],
    TagSpecifications=[{"ResourceType": "customer-gateway",
                        "Tags": [{"Key": "Name", "Value": "branch"}, {"Key": "site", "Value": "lyon"}]}],
)["CustomerGateway"]
created_vgw = ec2.create_vpn_gateway(
    Type="ipsec.1", TagSpecifications=[{"ResourceType": "vpn-gateway", "Tags": [{"Key": "env", "Value": "lab"}]}],
)["VpnGateway"]
vgw_id = created_vgw["VpnGatewayId"]
not_attached_code = refusal_code(ec2.detach_vpn_gateway, VpnGatewayId=vgw_id, VpcId=vpn_vpc_id)
attachment = ec2.attach_vpn_gateway(VpnGatewayId=vgw_id, VpcId=vpn_vpc_id)["VpcAttachment"]
attached_twice_code = refusal_code(ec2.attach_vpn_gateway, VpnGatewayId=vgw_id, VpcId=vpn_vpc_id)
vpn = ec2.create_vpn_connection(
    Type="ipsec.1", CustomerGatewayId=cgw["CustomerGatewayId"], VpnGatewayId=vgw_id,
    Options={"StaticRoutesOnly": True, "LocalIpv4NetworkCidr": "192.168.50.0/24"},
)["VpnConnection"]
ec2.create_vpn_connection_route(VpnConnectionId=vpn["VpnConnectionId"], DestinationCidrBlock="192.168.60.0/24")
duplicate_route_code = refusal_code(
    ec2.create_vpn_connection_route, VpnConnectionId=vpn["VpnConnectionId"], DestinationCidrBlock="192.168.60.0/24")
missing_route_code = refusal_code(
    ec2.delete_vpn_connection_route, VpnConnectionId=vpn["VpnConnectionId"], DestinationCidrBlock="192.168.70.0/24")
described_vpn = ec2.describe_vpn_connections(Filters=[{"Name": "vpn-gateway-id", "Values": [vgw_id]}])["VpnConnections"]
attached_vgws = ec2.describe_vpn_gateways(Filters=[
    {"Name": "attachment.vpc-id", "Values": [vpn_vpc_id]}, {"Name": "attachment.state", "Values": ["attached"]},
])["VpnGateways"]
delete_attached_code = refusal_code(ec2.delete_vpn_gateway, VpnGatewayId=vgw_id)
cgw_in_use_code = refusal_code(ec2.delete_customer_gateway, CustomerGatewayId=cgw["CustomerGatewayId"])
named_cgws = ec2.describe_customer_gateways(Filters=[{"Name": "tag:Name", "Values": ["branch"]}])["CustomerGateways"]
ec2.delete_vpn_connection_route(VpnConnectionId=vpn["VpnConnectionId"], DestinationCidrBlock="192.168.50.0/24")
ec2.detach_vpn_gateway(VpnGatewayId=vgw_id, VpcId=vpn_vpc_id)
detached_vgw = ec2.describe_vpn_gateways(
    Filters=[{"Name": "tag:env", "Values": ["lab"]}, {"Name": "attachment.state", "Values": ["detached"]}])["VpnGateways"]
vpn_after = {
    "customerGatewayId": cgw["CustomerGatewayId"],
    "deviceName": cgw["DeviceName"],
    "vpnGatewayId": vgw_id,
    "createdVgw": [created_vgw["State"], len(created_vgw.get("VpcAttachments", []))],
    "notAttachedCode": not_attached_code,
    "attachment": attachment["VpcId"] + "/" + attachment["State"],
    "attachedTwiceCode": attached_twice_code,
    "vpnConnectionId": vpn["VpnConnectionId"],
    "vpnRoutes": sorted(r["DestinationCidrBlock"] for r in described_vpn[0]["Routes"]),
    "vpnStaticOnly": described_vpn[0]["Options"]["StaticRoutesOnly"],
    "duplicateRouteCode": duplicate_route_code,
    "missingRouteCode": missing_route_code,
    "attachedVgws": [g["VpnGatewayId"] for g in attached_vgws],
    "deleteAttachedCode": delete_attached_code,
    "cgwInUseCode": cgw_in_use_code,
    "namedCgws": [g["CustomerGatewayId"] for g in named_cgws],
    "detachedVgws": [[a["VpcId"] + "/" + a["State"] for a in g["VpcAttachments"]] for g in detached_vgw],
}

json.dump(
    {
        "vpn": vpn_after,
        "groupId": group_id,
        "duplicateCode": duplicate_code,
        "missingGroupCode": missing_group_code,
        "groupIngress": [[p["FromPort"], [g["GroupId"] for g in p["UserIdGroupPairs"]]] for p in described_group["IpPermissions"]],
        "instanceId": instance["InstanceId"],
        "imageId": shown.get("ImageId"),
        "instanceType": shown.get("InstanceType"),
        "instanceGroups": [g["GroupId"] for g in shown["SecurityGroups"]],
        "aclId": acl_id,
        "routeTableId": table_id,
        "routeTablesOfSubnet": [t["RouteTableId"] for t in route_tables],
        "routeTargets": [r.get("InstanceId", r.get("GatewayId")) for r in route_tables[0]["Routes"]],
        "taggedVpcs": [v["VpcId"] for v in tagged_vpcs],
        "tagTypes": tag_types,
        "vpcId": vpc["VpcId"],
        "subnetId": subnet["SubnetId"],
        "overlapCode": overlap_code,
        "describedVpcs": [v["VpcId"] for v in found],
        "availableIpAddressCount": subnets[0]["AvailableIpAddressCount"],
        "paginatedVpcs": paginated,
    },
    sys.stdout,
)
