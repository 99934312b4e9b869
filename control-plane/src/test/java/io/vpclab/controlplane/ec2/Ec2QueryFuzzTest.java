package io.vpclab.controlplane.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vpclab.controlplane.securitygroup.Permission;
import io.vpclab.controlplane.system.ApiException;

/**
 * Query strings and form bodies are untrusted text before anything else looks at them: whatever
 * arrives, the parser and its accessors answer or refuse with a 400 Ec2Exception, never another
 * exception (which would be a 500).
 */
class Ec2QueryFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parsingEitherReadsOrRefusesWithA400(String text) {
        try {
            Ec2Query query = Ec2Query.parse(text);
            assertThat(query.action()).isNotEmpty();
            query.list("VpcId");
            query.filters();
            query.maxResults();
            query.nextToken();
            query.bool("DryRun");
            Tags.name(query);
            IpPermissions.read(query, Permission.Direction.INGRESS);
        } catch (Ec2Exception refused) {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.code()).isNotBlank();
            assertThat(refused.getMessage()).isNotBlank();
        } catch (ApiException refused) {
            // the REST API's validation (tags, permissions), which the endpoint answers as a 400 too
            assertThat(refused.status().value()).isEqualTo(400);
            assertThat(refused.code()).isNotBlank();
        }
    }
}
