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
json.dump(
    {
        "vpcId": vpc["VpcId"],
        "subnetId": subnet["SubnetId"],
        "overlapCode": overlap_code,
        "describedVpcs": [v["VpcId"] for v in found],
        "availableIpAddressCount": subnets[0]["AvailableIpAddressCount"],
        "paginatedVpcs": paginated,
    },
    sys.stdout,
)
