package io.vpclab.controlplane.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Request bodies above {@code vpclab.max-request-body} (1 MiB by default) are 413
 * RequestEntityTooLarge before anything reads them whole: a declared Content-Length is checked
 * up front, a chunked body is cut off by a counting stream as it arrives. The pcap upload of an
 * agent streams to disk under its own, larger bound.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class RequestBodyLimit extends OncePerRequestFilter {

    static final String CODE = "RequestEntityTooLarge";
    private static final Pattern OWN_LIMIT = Pattern.compile("/api/v1/hosts/[^/]+/captures/[^/]+/pcap");

    private final long maxBytes;
    private final ProblemWriter problems;

    RequestBodyLimit(@Value("${vpclab.max-request-body:1MB}") DataSize maxBody, ProblemWriter problems) {
        this.maxBytes = maxBody.toBytes();
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return OWN_LIMIT.matcher(request.getRequestURI()).matches();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            response.setHeader("Connection", "close");
            problems.write(response, HttpStatus.CONTENT_TOO_LARGE, CODE, tooLarge());
            return;
        }
        chain.doFilter(new Bounded(request), response);
    }

    private String tooLarge() {
        return "the request body is larger than " + maxBytes + " bytes (vpclab.max-request-body)";
    }

    /** Thrown by the bounded stream; the problem advice finds it under whatever wrapped it. */
    static final class TooLarge extends ApiException {
        TooLarge(String detail) {
            super(HttpStatus.CONTENT_TOO_LARGE, CODE, detail);
        }
    }

    private final class Bounded extends HttpServletRequestWrapper {

        private ServletInputStream bounded;

        Bounded(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (bounded == null) {
                bounded = new CountingStream(super.getInputStream());
            }
            return bounded;
        }

        @Override
        public java.io.BufferedReader getReader() throws IOException {
            String charset = getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding();
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), charset));
        }
    }

    private final class CountingStream extends ServletInputStream {

        private final ServletInputStream in;
        private long read;

        CountingStream(ServletInputStream in) {
            this.in = in;
        }

        private int counted(int n) {
            if (n > 0) {
                read += n;
                if (read > maxBytes) {
                    throw new TooLarge(tooLarge());
                }
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return counted(in.read(buffer, offset, length));
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
