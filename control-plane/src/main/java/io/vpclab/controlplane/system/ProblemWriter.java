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
        meters.counter("vpclab.api.errors", "code", code, "status", Integer.toString(status.value()))
                .increment();
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

    /**
     * The problem as an answer. Written straight to the current response when there is one, so
     * that a client's Accept header (image/png, say) never turns a refusal into an empty 406:
     * errors are problem+json whatever was asked for (RFC 9110 lets a server disregard Accept).
     * A null entity tells Spring MVC the response is complete.
     */
    public ResponseEntity<Object> entity(HttpStatusCode status, String code, String detail) {
        if (org.springframework.web.context.request.RequestContextHolder.getRequestAttributes()
                        instanceof org.springframework.web.context.request.ServletRequestAttributes servlet
                && servlet.getResponse() != null
                && !servlet.getResponse().isCommitted()) {
            try {
                write(servlet.getResponse(), status, code, detail);
                return null;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return ResponseEntity.status(status).contentType(PROBLEM_JSON).body(problem(status, code, detail));
    }

    void write(HttpServletResponse response, HttpStatusCode status, String code, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(PROBLEM_JSON.toString());
        if (status.value() == HttpStatus.UNAUTHORIZED.value()) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        json.writeValue(response.getOutputStream(), problem(status, code, detail));
    }
}
