package io.vpclab.controlplane.system;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/** Reads the Caller that {@link BearerTokenFilter} put on the current request. */
public final class Callers {

    static final String ATTRIBUTE = Callers.class.getName() + ".caller";

    private Callers() {}

    public static Caller current() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        Object caller = attributes == null ? null : attributes.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        if (caller == null) {
            throw new ApiException(org.springframework.http.HttpStatus.UNAUTHORIZED, "AuthFailure", "no bearer token");
        }
        return (Caller) caller;
    }
}
