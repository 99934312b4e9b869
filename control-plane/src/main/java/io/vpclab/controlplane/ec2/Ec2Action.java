package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.system.Caller;
import java.util.Map;

/** One EC2 action: reads its parameters, calls the feature's service as the caller, fills the response. */
@FunctionalInterface
interface Ec2Action {

    void run(Caller caller, Ec2Query query, Ec2Xml response);

    /** A set of actions of one resource kind, found by the dispatcher by name. */
    interface Group {
        Map<String, Ec2Action> actions();
    }
}
