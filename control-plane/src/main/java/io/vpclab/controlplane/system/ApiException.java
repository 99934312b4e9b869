package io.vpclab.controlplane.system;

import org.springframework.http.HttpStatus;

/**
 * A refused request: the HTTP status, the stable code of RULES.md (AWS-named where AWS has one)
 * and a detail a person can act on. Thrown before anything is stored, or inside the transaction
 * so that it rolls back: a refused request changes nothing.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;

    public ApiException(HttpStatus status, String code, String detail) {
        super(detail);
        this.status = status;
        this.code = code;
    }

    public static ApiException badRequest(String code, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, code, detail);
    }

    public static ApiException invalidParameter(String detail) {
        return badRequest("InvalidParameterValue", detail);
    }

    public static ApiException notFound(String code, String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, code, detail);
    }

    public static ApiException conflict(String code, String detail) {
        return new ApiException(HttpStatus.CONFLICT, code, detail);
    }

    public static ApiException dependencyViolation(String detail) {
        return conflict("DependencyViolation", detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, "UnauthorizedOperation", detail);
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }
}
