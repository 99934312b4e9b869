package io.vpclab.controlplane.system;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may call an operation, decided from the method and path alone, before any body is read or
 * validated: a token that may not call an operation gets 403 (or 404 for another host's
 * resources) whatever it sends, never a 400 that reveals how far its request got. The services
 * check again, with the resource in hand (tenant scoping stays theirs).
 */
final class OperationAccess {

    private static final Pattern HOST_RESOURCE = Pattern.compile("^/api/v1/hosts/([^/]+)/.+");
    private static final Pattern ONE = Pattern.compile("^/api/v1/(hosts|tenants|internet-hosts)/[^/]+$");

    private OperationAccess() {}

    /** The refusal for this caller, or empty when the operation is open to it. */
    static Optional<ApiException> refusal(Caller caller, String method, String path) {
        if (caller.isAdmin()) {
            return Optional.empty();
        }
        boolean read = "GET".equals(method) || "HEAD".equals(method);
        Matcher hostResource = HOST_RESOURCE.matcher(path);
        if (hostResource.matches()) {
            // A host's southbound (table stream, acks, stats, probes, captures): that host only.
            if (!caller.isHost()) {
                return Optional.of(ApiException.forbidden(
                        "only the host's own token or the admin token may use a host's endpoints"));
            }
            return caller.id().equals(hostResource.group(1))
                    ? Optional.empty()
                    : Optional.of(ApiException.notFound(
                            "InvalidHost.NotFound", "host " + hostResource.group(1) + " is not registered"));
        }
        if (path.equals("/api/v1/hosts") || path.startsWith("/api/v1/hosts/")) {
            if (read) {
                return Optional.empty();
            }
            boolean registering =
                    path.equals("/api/v1/hosts") && "POST".equals(method) && caller.kind() == Caller.Kind.BOOTSTRAP;
            return registering
                    ? Optional.empty()
                    : Optional.of(ApiException.forbidden(
                            "hosts are registered with the admin or bootstrap token and removed by the admin"));
        }
        if (caller.isHost() || caller.kind() == Caller.Kind.BOOTSTRAP) {
            return Optional.of(ApiException.forbidden(
                    "a " + caller.kind().name().toLowerCase() + " token may only use the host endpoints"));
        }
        boolean adminOnly = path.equals("/api/v1/tenants")
                || path.startsWith("/api/v1/tenants/")
                        && !(read && ONE.matcher(path).matches())
                || path.startsWith("/api/v1/internet-hosts") && !read;
        return adminOnly ? Optional.of(ApiException.forbidden("only the admin token may do this")) : Optional.empty();
    }
}
