package io.vpclab.controlplane.system;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's last word on a failed request (a request line or header it cannot parse, an encoded
 * path it refuses, an error that reached no servlet) as problem+json instead of Tomcat's HTML
 * page. Tomcat creates it by class name, so it is written without Spring.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        try {
            if (HttpErrorCodes.answered(status) != status) {
                status = HttpErrorCodes.answered(status);
                response.setStatus(status);
            }
            if (status == 405) {
                response.setHeader("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
            }
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(json(status));
                response.finishResponse();
            }
        } catch (Exception | LinkageError e) {
            // The connection is already failing; Tomcat closes it.
            getContainer().getLogger().debug("could not write the problem body", e);
        }
    }

    static String json(int status) {
        return "{\"title\":\"" + title(status) + "\",\"status\":" + status + ",\"code\":\""
                + HttpErrorCodes.code(status) + "\",\"detail\":\""
                + HttpErrorCodes.detail(status).replace("\\", "\\\\") + "\"}";
    }

    private static String title(int status) {
        org.springframework.http.HttpStatus known = org.springframework.http.HttpStatus.resolve(status);
        return known == null ? "Error" : known.getReasonPhrase();
    }
}
