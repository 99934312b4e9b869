package io.vpclab.controlplane.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vpclab.demo.*}: whether to run the demo ({@code --demo} sets it), how many in-process
 * agents, the first of their loopback addresses (one each: 127.0.0.1, 127.0.0.2, ...) and their
 * UDP port (0: 4789 when it is free on all of them, else a free one; see {@link DemoUnderlay}).
 * {@code reactorHosts} adds four agents that can run netns instances (root only): two on the plain
 * path ({@code --offloads none}) and two on the fast path ({@code --offloads all}), for the reactor
 * lesson; they are started only where TAP devices can be opened.
 */
@ConfigurationProperties("vpclab.demo")
public record DemoProperties(boolean enabled, int hosts, int port, String underlayIp, boolean reactorHosts) {

    public DemoProperties {
        hosts = hosts > 0 ? hosts : 3;
        port = Math.max(port, 0);
        underlayIp = underlayIp == null || underlayIp.isBlank() ? "127.0.0.1" : underlayIp;
    }
}
