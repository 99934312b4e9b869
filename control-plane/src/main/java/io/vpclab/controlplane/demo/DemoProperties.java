package io.vpclab.controlplane.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vpclab.demo.*}: whether to run the demo ({@code --demo} sets it), how many in-process
 * agents, and their loopback UDP ports (base, base+1, ...).
 */
@ConfigurationProperties("vpclab.demo")
public record DemoProperties(boolean enabled, int hosts, int basePort, String underlayIp) {

    public DemoProperties {
        hosts = hosts > 0 ? hosts : 3;
        basePort = basePort > 0 ? basePort : 14789;
        underlayIp = underlayIp == null || underlayIp.isBlank() ? "127.0.0.1" : underlayIp;
    }
}
