package io.vpclab.dataplane;

import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Every whitelist test again, with the elastic IP's VTEP A on two event loops and everything
 * from B on loop 1: the rule hits and drops counted there must show in the summed counters, and
 * connections the instance started on loop 0 must let their replies in.
 */
class WhitelistAcrossEventLoopsTest extends WhitelistTest {

    @Override
    List<InMemoryUnderlay> underlaysOfA(InMemoryUnderlay.Hub hub, InetSocketAddress address) {
        return hub.joinGroup(address, 2, sender -> 1);
    }
}
