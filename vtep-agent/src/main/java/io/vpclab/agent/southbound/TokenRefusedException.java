package io.vpclab.agent.southbound;

/**
 * The control plane refused the agent's token (HTTP 401 or 403). Retrying cannot help, so the
 * agent stops with this message instead of retrying forever.
 */
public final class TokenRefusedException extends RuntimeException {

    public TokenRefusedException(String message) {
        super(message);
    }
}
