package io.vpclab.topology.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.ApiException;
import org.junit.jupiter.api.Test;

/** An apply that stops says why in the server's own words: its problem+json code and detail. */
class RefusalTest {

    @Test
    void takesCodeAndDetailFromAProblemBody() {
        Refusal refusal = Refusal.of(
                new ApiException(
                        400,
                        "bad",
                        null,
                        "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"code\":\"InvalidSubnet.Range\",\"detail\":\"10.1.0.0/24 is outside\"}"),
                "creating subnet web");

        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.code()).isEqualTo("InvalidSubnet.Range");
        assertThat(refusal.detail()).isEqualTo("creating subnet web: 10.1.0.0/24 is outside");
    }

    @Test
    void fallsBackToTheStatusAndTheBodyWhenItIsNoProblem() {
        Refusal refusal =
                Refusal.of(new ApiException(502, "gateway", null, "<html>bad gateway</html>"), "listing vpcs");

        assertThat(refusal.code()).isEqualTo("HttpStatus502");
        assertThat(refusal.detail()).isEqualTo("listing vpcs: <html>bad gateway</html>");
    }

    @Test
    void anUnreachableServerIs503() {
        Refusal refusal = Refusal.of(new ApiException("Connection refused"), "listing vpcs");

        assertThat(refusal.status()).isEqualTo(503);
        assertThat(refusal.code()).isEqualTo("ServerUnreachable");
        assertThat(Refusal.conflict("vpc prod has another CIDR").status()).isEqualTo(409);
    }
}
