package io.vpclab.controlplane.system;

import io.micrometer.core.instrument.MeterRegistry;
import io.vpclab.api.model.Problem;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/** Builds every problem+json body and counts it as {@code vpclab_api_errors_total{code=...}}. */
@Component
public class ProblemWriter {

    public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

    private final MeterRegistry meters;
    private final ObjectMapper json;

    ProblemWriter(MeterRegistry meters, ObjectMapper json) {
        this.meters = meters;
        this.json = json;
    }

    public Problem problem(HttpStatusCode status, String code, String detail) {
        meters.counter("vpclab.api.errors", "code", code, "status", Integer.toString(status.value())).increment();
        HttpStatus known = HttpStatus.resolve(status.value());
        return new Problem(known == null ? "Error" : known.getReasonPhrase(), status.value(), code)
                .detail(detail)
                .instance(currentPath());
    }

    /** RFC 9457 {@code instance}: the request path the problem occurred on. */
    private static String currentPath() {
        if (org.springframework.web.context.request.RequestContextHolder.getRequestAttributes()
                instanceof org.springframework.web.context.request.ServletRequestAttributes servlet) {
            return servlet.getRequest().getRequestURI();
        }
        return null;
    }

    public ResponseEntity<Object> entity(HttpStatusCode status, String code, String detail) {
        return ResponseEntity.status(status).contentType(PROBLEM_JSON).body(problem(status, code, detail));
    }

    void write(HttpServletResponse response, HttpStatus status, String code, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(PROBLEM_JSON.toString());
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        json.writeValue(response.getOutputStream(), problem(status, code, detail));
    }
}
