package io.vpclab.topology.apply;

import io.vpclab.client.ApiException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Why an apply stopped: the server's problem+json, or a conflict between the file and what exists. */
final class Refusal extends Exception {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int status;
    private final String code;
    private final String detail;

    Refusal(int status, String code, String detail) {
        super(code + ": " + detail);
        this.status = status;
        this.code = code;
        this.detail = detail;
    }

    /** The file says one thing and the server holds another under the same name. */
    static Refusal conflict(String detail) {
        return new Refusal(409, "TopologyConflict", detail);
    }

    /** The server's answer, with its code and detail when the body is problem+json. */
    static Refusal of(ApiException e, String doing) {
        String code = "HttpStatus" + e.getCode();
        String detail = e.getMessage();
        try {
            if (e.getResponseBody() != null && !e.getResponseBody().isBlank()) {
                JsonNode problem = JSON.readTree(e.getResponseBody());
                code = problem.path("code").asString(code);
                detail = problem.path("detail").asString(problem.path("title").asString(detail));
            }
        } catch (RuntimeException notJson) {
            detail = e.getResponseBody();
        }
        int status = e.getCode() == 0 ? 503 : e.getCode();
        if (e.getCode() == 0) {
            code = "ServerUnreachable";
        }
        return new Refusal(status, code, doing + ": " + detail);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String detail() {
        return detail;
    }
}
