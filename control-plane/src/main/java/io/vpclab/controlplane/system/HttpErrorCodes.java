package io.vpclab.controlplane.system;

/**
 * The stable codes of refusals that carry no domain meaning: the servlet container's own
 * (malformed requests, oversized headers, timeouts) and Spring MVC's routing errors. One table,
 * so the container's answer and the application's answer to the same status never differ.
 */
public final class HttpErrorCodes {

    private HttpErrorCodes() {}

    /**
     * The status to answer: a method the container does not implement (501, e.g. CONNECT or an
     * invented one) is the client's error, 405, like any other method not served here; an HTTP
     * version it does not speak (505) is a malformed request line, 400, so that no client's
     * mistake ever shows as a server error (5xx) in logs and alerts.
     */
    public static int answered(int status) {
        return switch (status) {
            case 501 -> 405;
            case 505 -> 400;
            default -> status;
        };
    }

    public static String code(int status) {
        return switch (status) {
            case 400 -> "InvalidRequest";
            case 401 -> "AuthFailure";
            case 403 -> "UnauthorizedOperation";
            case 404 -> "InvalidAction";
            case 405, 501 -> "UnsupportedOperation";
            case 406 -> "NotAcceptable";
            case 408 -> "RequestTimeout";
            case 413 -> RequestBodyLimit.CODE;
            case 414 -> "RequestUriTooLong";
            case 415 -> "UnsupportedMediaType";
            case 431 -> "RequestHeaderFieldsTooLarge";
            case 503 -> "ServiceUnavailable";
            default -> status >= 500 ? "InternalError" : "Error" + status;
        };
    }

    /** What a person can do about it; never the exception text, which may name classes. */
    public static String detail(int status) {
        return switch (status) {
            case 400 ->
                "the request is not valid HTTP/1.1: check the request line (HTTP/1.0 or 1.1), the URI (no encoded '/', '\\\\', '..' "
                        + "or NUL), the headers and the body framing";
            case 404 -> "no such operation";
            case 405, 501 -> "this method is not supported here";
            case 406 -> "nothing here matches the Accept header";
            case 408 -> "the request did not arrive in time";
            case 413 -> "the request body is too large";
            case 414 -> "the request URI is too long";
            case 431 -> "the request headers are too large";
            default -> status >= 500 ? "internal error; see the server log" : "the request was refused";
        };
    }
}
