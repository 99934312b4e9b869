package io.vpclab.controlplane.system;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** Counts API calls by method and status as {@code vpclab_api_requests_total}, 401s included. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RequestCounter extends OncePerRequestFilter {

    private final MeterRegistry meters;

    RequestCounter(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            meters.counter(
                            "vpclab.api.requests",
                            "method",
                            request.getMethod(),
                            "status",
                            Integer.toString(response.getStatus()))
                    .increment();
        }
    }
}
