package io.vpclab.topology.apply;

import io.vpclab.client.model.TopologyChange;
import java.util.List;

/**
 * The server refused a change (or the file names something the server does not have); what this
 * apply had created was deleted again. Carries the server's problem as it came, so the API
 * endpoint can answer with the same status and code.
 */
public final class ApplyFailedException extends Exception {

    private final int status;
    private final String code;
    private final String detail;
    private final transient List<TopologyChange> rolledBack;

    public ApplyFailedException(int status, String code, String detail, List<TopologyChange> rolledBack) {
        super(code + " (" + status + "): " + detail
                + (rolledBack.isEmpty()
                        ? "; nothing had been created"
                        : "; rolled back " + rolledBack.size() + " created resource(s)"));
        this.status = status;
        this.code = code;
        this.detail = detail;
        this.rolledBack = List.copyOf(rolledBack);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String detail() {
        return detail;
    }

    public List<TopologyChange> rolledBack() {
        return rolledBack;
    }
}
