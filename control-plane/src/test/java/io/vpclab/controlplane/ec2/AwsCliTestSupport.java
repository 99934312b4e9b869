package io.vpclab.controlplane.ec2;

import io.vpclab.client.api.AccessKeysApi;
import io.vpclab.client.model.IssuedAccessKey;
import io.vpclab.controlplane.ApiTestSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/** An API test whose own tenant drives the EC2 endpoint with the real aws CLI, through an access key of its own. */
abstract class AwsCliTestSupport extends ApiTestSupport {

    TenantClient tenant;
    AwsCli aws;

    @BeforeEach
    void awsCliAndAKey() throws Exception {
        Assumptions.assumeTrue(AwsCli.installed(), "the aws CLI is not on the PATH (Debian package awscli); skipped");
        tenant = newTenant();
        IssuedAccessKey key = new AccessKeysApi(admin()).createAccessKey(tenant.tenantId());
        aws = new AwsCli("http://127.0.0.1:" + port + "/ec2", key.getAccessKeyId(), key.getSecretAccessKey());
    }
}
