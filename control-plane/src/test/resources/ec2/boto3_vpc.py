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
# on-premises block the connection's LocalIpv4NetworkCidr; the VPN gateway was made by REST
vgw_id = os.environ["VPCLAB_VPN_GATEWAY_ID"]
cgw = ec2.create_customer_gateway(
    Type="ipsec.1", PublicIp="198.51.100.7", BgpAsn=65000, DeviceName=os.environ["VPCLAB_CGW_PUBLIC_KEY"],
    TagSpecifications=[{"ResourceType": "customer-gateway", "Tags": [{"Key": "Name", "Value": "branch"}]}],
)["CustomerGateway"]
try:
    ec2.create_vpn_gateway(Type="ipsec.1")
    sys.exit("CreateVpnGateway was accepted")
except ClientError as refused:
    create_vgw_code = refused.response["Error"]["Code"]
vpn = ec2.create_vpn_connection(
    Type="ipsec.1", CustomerGatewayId=cgw["CustomerGatewayId"], VpnGatewayId=vgw_id,
    Options={"StaticRoutesOnly": True, "LocalIpv4NetworkCidr": "192.168.50.0/24"},
)["VpnConnection"]
described_vpn = ec2.describe_vpn_connections(Filters=[{"Name": "vpn-gateway-id", "Values": [vgw_id]}])["VpnConnections"]
vgw = ec2.describe_vpn_gateways(VpnGatewayIds=[vgw_id])["VpnGateways"][0]
try:
    ec2.delete_customer_gateway(CustomerGatewayId=cgw["CustomerGatewayId"])
    sys.exit("a customer gateway in use was deleted")
except ClientError as refused:
    cgw_in_use_code = refused.response["Error"]["Code"]
named_cgws = ec2.describe_customer_gateways(Filters=[{"Name": "tag:Name", "Values": ["branch"]}])["CustomerGateways"]
ec2.delete_vpn_connection(VpnConnectionId=vpn["VpnConnectionId"])
ec2.delete_customer_gateway(CustomerGatewayId=cgw["CustomerGatewayId"])
vpn_after = {
    "customerGatewayId": cgw["CustomerGatewayId"],
    "deviceName": cgw["DeviceName"],
    "createVgwCode": create_vgw_code,
    "vpnConnectionId": vpn["VpnConnectionId"],
    "vpnRoutes": [r["DestinationCidrBlock"] for r in described_vpn[0]["Routes"]],
    "vpnStaticOnly": described_vpn[0]["Options"]["StaticRoutesOnly"],
    "vgwVpcs": [a["VpcId"] + "/" + a["State"] for a in vgw["VpcAttachments"]],
    "cgwInUseCode": cgw_in_use_code,
    "namedCgws": [g["CustomerGatewayId"] for g in named_cgws],
    "cgwsLeft": len(ec2.describe_customer_gateways()["CustomerGateways"]),
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
