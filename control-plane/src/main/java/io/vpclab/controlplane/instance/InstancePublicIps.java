package io.vpclab.controlplane.instance;

import java.util.Collection;
import java.util.Map;

/**
 * The elastic IP associated with each instance, for the instance's {@code publicIp}. Implemented
 * by the EIP feature, which depends on this one, so the instance feature never reads its store.
 */
public interface InstancePublicIps {

    /** Instance ID to public address, for those of {@code instanceIds} that hold an EIP. */
    Map<String, String> byInstanceId(Collection<String> instanceIds);
}
