package io.vpclab.controlplane.analyzer;

/**
 * One step of an analyzed path.
 *
 * @param component what the step crosses (its kind, as the API names it)
 * @param componentId the id of the component (instance, security group, ACL, route table, NAT
 *     gateway, elastic IP address, host), so a graph can highlight it
 * @param hostId the VTEP host where the step happens
 * @param ruleId the rule or route that decided, or null
 * @param detail the step in words
 * @param allowed false for the step that blocks the path (always the last one)
 */
record PathHop(
        PathComponent component, String componentId, String hostId, String ruleId, String detail, boolean allowed) {

    static PathHop pass(PathComponent component, String componentId, String hostId, String ruleId, String detail) {
        return new PathHop(component, componentId, hostId, ruleId, detail, true);
    }

    static PathHop block(PathComponent component, String componentId, String hostId, String ruleId, String detail) {
        return new PathHop(component, componentId, hostId, ruleId, detail, false);
    }
}
