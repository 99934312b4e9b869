package io.vpclab.controlplane.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every {@code /api/**} call carries {@code Authorization: Bearer <token>}; a missing or unknown
 * token is 401 AuthFailure before any controller runs. Health, the spec, Swagger UI, web jars
 * and the UI are open.
 */
@Component
class BearerTokenFilter extends OncePerRequestFilter {

    private static final String PREFIX = "Bearer ";

    private final List<CallerResolver> resolvers;
    private final ProblemWriter problems;

    BearerTokenFilter(List<CallerResolver> resolvers, ProblemWriter problems) {
        this.resolvers = resolvers;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !path(request).startsWith("/api/");
    }

    /** The decoded, normalised path the request is routed by ({@code /%61pi/..} is {@code /api/..}). */
    private static String path(HttpServletRequest request) {
        return request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            problems.write(
                    response,
                    HttpStatus.UNAUTHORIZED,
                    "AuthFailure",
                    "missing bearer token (Authorization: Bearer <token>)");
            return;
        }
        String digest = Tokens.sha256(header.substring(PREFIX.length()).trim());
        Optional<Caller> caller = resolvers.stream()
                .map(resolver -> resolver.resolve(digest))
                .flatMap(Optional::stream)
                .findFirst();
        if (caller.isEmpty()) {
            problems.write(response, HttpStatus.UNAUTHORIZED, "AuthFailure", "unknown or revoked bearer token");
            return;
        }
        Optional<ApiException> refused = OperationAccess.refusal(caller.get(), request.getMethod(), path(request));
        if (refused.isPresent()) {
            problems.write(
                    response,
                    refused.get().status(),
                    refused.get().code(),
                    refused.get().getMessage());
            return;
        }
        request.setAttribute(Callers.ATTRIBUTE, caller.get());
        chain.doFilter(request, response);
    }
}
