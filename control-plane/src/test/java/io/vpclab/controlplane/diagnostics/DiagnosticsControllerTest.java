package io.vpclab.controlplane.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeResult;
import io.vpclab.client.model.ProbeType;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.WebSlice;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * A web slice: what each diagnostics call asks the instance's agent (the probe request the
 * controller builds from the body and the contract's defaults), with ProbeService mocked.
 */
@WebMvcTest(DiagnosticsController.class)
@Import(WebSlice.class)
class DiagnosticsControllerTest {

    private static final String INSTANCE = "i-00000000000000001";

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    ProbeService probes;

    private MvcTestResult post(String action, String body) {
        return mvc.post()
                .uri("/api/v1/instances/{id}/{action}", INSTANCE, action)
                .header("Authorization", "Bearer " + WebSlice.TENANT_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .content(body)
                .exchange();
    }

    private ProbeRequest asked() {
        ArgumentCaptor<ProbeRequest> request = ArgumentCaptor.forClass(ProbeRequest.class);
        verify(probes).run(eq(Caller.tenant(WebSlice.TENANT)), eq(INSTANCE), request.capture());
        return request.getValue();
    }

    @Test
    void aPingTakesTheContractsDefaultsAndAnswersTheAgentsResult() {
        when(probes.run(any(), any(), any()))
                .thenReturn(new ProbeResult().requestId("r").sent(3).received(2));

        assertThat(post("ping", "{\"target\":\"10.0.1.5\"}"))
                .hasStatusOk()
                .bodyJson()
                .hasPathSatisfying("$.sent", v -> v.assertThat().isEqualTo(3))
                .hasPathSatisfying("$.received", v -> v.assertThat().isEqualTo(2));
        ProbeRequest request = asked();
        assertThat(request.getType()).isEqualTo(ProbeType.PING);
        assertThat(request.getTarget()).isEqualTo("10.0.1.5");
        assertThat(request.getCount()).isEqualTo(3);
        assertThat(request.getTimeoutMillis()).isEqualTo(1000);
        assertThat(request.getMaxHops()).isEqualTo(1);
    }

    @Test
    void aTracerouteSendsOneProbePerHopAndAPortProbeItsProtocol() {
        when(probes.run(any(), any(), any()))
                .thenReturn(new ProbeResult().requestId("r").sent(1).received(1));

        assertThat(post("traceroute", "{\"target\":\"198.51.100.10\",\"maxHops\":5}"))
                .hasStatusOk();
        ProbeRequest traceroute = asked();
        assertThat(traceroute.getType()).isEqualTo(ProbeType.TRACEROUTE);
        assertThat(traceroute.getMaxHops()).isEqualTo(5);
        assertThat(traceroute.getCount()).isEqualTo(1);

        org.mockito.Mockito.clearInvocations(probes);
        assertThat(post("port-probe", "{\"target\":\"10.0.1.5\",\"protocol\":\"udp\",\"port\":53000}"))
                .hasStatusOk();
        ProbeRequest probe = asked();
        assertThat(probe.getType()).isEqualTo(ProbeType.UDP);
        assertThat(probe.getPort()).as("above 32767").isEqualTo(53000);
    }

    @Test
    void aBodyOutsideTheContractIsA400ProblemAndAsksNoAgent() {
        assertThat(post("ping", "{\"target\":\"10.0.1.5\",\"count\":21}"))
                .hasStatus(400)
                .hasContentTypeCompatibleWith("application/problem+json")
                .bodyJson()
                .hasPathSatisfying("$.code", v -> v.assertThat().isEqualTo("InvalidParameterValue"));
        assertThat(post("port-probe", "{\"target\":\"10.0.1.5\",\"protocol\":\"tcp\",\"port\":\"80\"}"))
                .hasStatus(400);
        verify(probes, never()).run(any(), any(), any());
    }
}
