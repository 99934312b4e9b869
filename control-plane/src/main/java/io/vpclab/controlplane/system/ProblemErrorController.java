package io.vpclab.controlplane.system;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page ({@code /error}, reached after {@code sendError} or an
 * exception outside Spring MVC): problem+json for every client, browsers included, instead of
 * Boot's whitelabel page or its JSON that names the exception.
 */
@RestController
class ProblemErrorController implements ErrorController {

    private final ProblemWriter problems;

    ProblemErrorController(ProblemWriter problems) {
        this.problems = problems;
    }

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<Object> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Asked for directly, /error is just a path that names no operation.
        int status = code instanceof Integer value && value >= 400 ? HttpErrorCodes.answered(value) : 404;
        return problems.entity(
                HttpStatusCode.valueOf(status), HttpErrorCodes.code(status), HttpErrorCodes.detail(status));
    }
}
