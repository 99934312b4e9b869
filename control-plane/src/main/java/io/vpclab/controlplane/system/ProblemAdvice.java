package io.vpclab.controlplane.system;

import jakarta.validation.ConstraintViolationException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * The one place that turns exceptions into problem+json. Domain refusals carry their own
 * status and code; Spring MVC's own errors (bad JSON, wrong types, missing parameters, unknown
 * routes) become 400 InvalidParameterValue / MissingParameter or 404, never 500.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);
    private static final int MAX_DETAIL = 300;

    private final ProblemWriter problems;

    ProblemAdvice(ProblemWriter problems) {
        this.problems = problems;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> refused(ApiException e) {
        return problems.entity(e.status(), e.code(), e.getMessage());
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> invalid(ConstraintViolationException e) {
        String detail = e.getConstraintViolations().stream()
                .map(v -> v.getPropertyPath() + " " + v.getMessage())
                .sorted()
                .collect(Collectors.joining("; "));
        return problems.entity(HttpStatus.BAD_REQUEST, "InvalidParameterValue", detail);
    }

    /** A unique constraint caught a race the locks did not (last line of defence): still a clean 409. */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<Object> constraint(DataIntegrityViolationException e) {
        log.debug("constraint violation", e);
        return problems.entity(
                HttpStatus.CONFLICT,
                "ConcurrentModification",
                "a concurrent request changed the same resource; nothing was stored, retry");
    }

    @ExceptionHandler({PessimisticLockingFailureException.class, ObjectOptimisticLockingFailureException.class})
    ResponseEntity<Object> lockTimeout(RuntimeException e) {
        log.debug("lock failure", e);
        return problems.entity(
                HttpStatus.CONFLICT,
                "ConcurrentModification",
                "the resource is busy with a concurrent change; nothing was stored, retry");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        ApiException refused = apiCause(e);
        if (refused != null) {
            return refused(refused);
        }
        log.error("unexpected error", e);
        return problems.entity(HttpStatus.INTERNAL_SERVER_ERROR, "InternalError", "internal error; see the server log");
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ApiException refused = apiCause(ex);
        if (refused != null) {
            // A refusal from below the converter (the body limit's stream) keeps its own status and code.
            return refused(refused);
        }
        String code = codeFor(ex, status);
        if (request instanceof org.springframework.web.context.request.ServletWebRequest servlet
                && servlet.getResponse() != null) {
            // Headers Spring computed (Allow on a 405, Accept on a 415) go out with the problem.
            headers.forEach((name, values) ->
                    values.forEach(value -> servlet.getResponse().addHeader(name, value)));
        }
        ResponseEntity<Object> problem = problems.entity(status, code, detailFor(ex));
        if (problem == null) {
            return null;
        }
        HttpHeaders merged = new HttpHeaders();
        merged.putAll(headers);
        merged.putAll(problem.getHeaders());
        return new ResponseEntity<>(problem.getBody(), merged, status);
    }

    private static String codeFor(Exception ex, HttpStatusCode status) {
        if (ex instanceof MissingServletRequestParameterException || ex instanceof MissingRequestHeaderException) {
            return "MissingParameter";
        }
        if (ex instanceof HttpMessageNotReadableException
                && String.valueOf(ex.getMessage()).startsWith("Required request body is missing")) {
            return "MissingParameter";
        }
        if (ex instanceof MethodArgumentNotValidException invalid
                && invalid.getBindingResult().getFieldErrors().stream().allMatch(f -> "NotNull".equals(f.getCode()))) {
            return "MissingParameter";
        }
        if (ex instanceof NoResourceFoundException || ex instanceof NoHandlerFoundException) {
            return "InvalidAction";
        }
        if (ex instanceof HttpRequestMethodNotSupportedException) {
            return "UnsupportedOperation";
        }
        if (ex instanceof HttpMediaTypeNotSupportedException) {
            return "UnsupportedMediaType";
        }
        return status.value() == 400 ? "InvalidParameterValue" : HttpErrorCodes.code(status.value());
    }

    private static String detailFor(Exception ex) {
        String detail;
        if (ex instanceof MethodArgumentNotValidException invalid) {
            detail = invalid.getBindingResult().getFieldErrors().stream()
                    .map(ProblemAdvice::fieldDetail)
                    .sorted()
                    .collect(Collectors.joining("; "));
        } else if (ex instanceof HandlerMethodValidationException invalid) {
            detail = invalid.getParameterValidationResults().stream()
                    .flatMap(result -> result.getResolvableErrors().stream()
                            .map(e -> result.getMethodParameter().getParameterName() + " " + e.getDefaultMessage()
                                    + " (got " + result.getArgument() + ")"))
                    .collect(Collectors.joining("; "));
        } else if (ex instanceof TypeMismatchException mismatch) {
            detail = (mismatch.getPropertyName() == null ? "a parameter" : mismatch.getPropertyName())
                    + " has the wrong type: '" + mismatch.getValue() + "'";
        } else if (ex instanceof HttpMessageNotReadableException unreadable) {
            detail = String.valueOf(unreadable.getMessage()).startsWith("Required request body is missing")
                    ? "a request body is required"
                    : UnreadableBody.describe(jacksonCause(unreadable));
        } else if (ex instanceof NoResourceFoundException || ex instanceof NoHandlerFoundException) {
            detail = "no such operation";
        } else {
            detail = firstLine(ex.getMessage());
        }
        return detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) + "..." : detail;
    }

    private static String fieldDetail(org.springframework.validation.FieldError f) {
        if (f.getRejectedValue() instanceof String text && text.codePoints().anyMatch(Character::isISOControl)) {
            // Said plainly rather than as the pattern, and without echoing the control characters.
            return f.getField() + " must not contain control characters (U+0000..U+001F, U+007F..U+009F)";
        }
        return f.getField() + " " + f.getDefaultMessage()
                + (f.getRejectedValue() == null ? "" : " (got " + f.getRejectedValue() + ")");
    }

    private static ApiException apiCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
        }
        return null;
    }

    /** The outermost Jackson exception: it carries the field path, which its own causes lack. */
    private static Throwable jacksonCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof tools.jackson.core.JacksonException) {
                return t;
            }
        }
        return e;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
