package io.vpclab.controlplane.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A method this server never serves (CONNECT, PROPFIND, anything invented) is 405
 * UnsupportedOperation like any other unsupported method, instead of the servlet API's 501:
 * the request is at fault, not the server. It also gives a problem body to an error status
 * that left the filter chain without one.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class KnownMethods extends OncePerRequestFilter {

    private static final Set<String> SERVED =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");
    private static final String ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

    private final ProblemWriter problems;

    KnownMethods(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!SERVED.contains(request.getMethod())) {
            response.setHeader("Allow", ALLOW);
            problems.write(
                    response, HttpStatus.METHOD_NOT_ALLOWED, HttpErrorCodes.code(405), HttpErrorCodes.detail(405));
            return;
        }
        chain.doFilter(request, response);
        if (response.getStatus() >= 400 && !response.isCommitted() && response.getContentType() == null) {
            // A status set with no body (Spring's 406 when Accept admits nothing it can write): still a problem.
            int status = HttpErrorCodes.answered(response.getStatus());
            response.resetBuffer();
            problems.write(
                    response,
                    org.springframework.http.HttpStatusCode.valueOf(status),
                    HttpErrorCodes.code(status),
                    HttpErrorCodes.detail(status));
        }
    }
}
