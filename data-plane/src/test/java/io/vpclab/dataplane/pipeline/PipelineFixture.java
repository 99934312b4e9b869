package io.vpclab.dataplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.port.FrameSink;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IpBinding;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.RemoteVtep;
import io.vpclab.dataplane.table.Route;
import io.vpclab.dataplane.table.Router;
import io.vpclab.dataplane.table.Segment;
import io.vpclab.dataplane.table.TableHost;
import io.vpclab.dataplane.table.TableRoute;
import io.vpclab.dataplane.underlay.SendOnlyUnderlay;
import io.vpclab.net.Ipv4Address;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A pipeline driven directly on the test thread (no event loop): one routed segment (vni 100,
 * 10.0.1.0/24) and a second one (vni 0xFFFFFF, 10.0.2.0/24), local ports p1 and p2, a remote
 * VTEP with one MAC on each. Outputs are kept so a test can inspect and release them.
 */
final class PipelineFixture {

    static final InetSocketAddress LOCAL = new InetSocketAddress("10.255.0.1", 4789);
    static final InetSocketAddress REMOTE = new InetSocketAddress("10.255.0.2", 4789);
    static final MacAddress LOCAL_MAC = MacAddress.parse("02:00:0a:00:01:05");
    static final MacAddress LOCAL_MAC_2 = MacAddress.parse("02:00:0a:00:02:05");
    static final MacAddress REMOTE_MAC = MacAddress.parse("02:00:0a:00:01:06");
    static final MacAddress REMOTE_MAC_2 = MacAddress.parse("02:00:0a:00:02:06");
    static final MacAddress ROUTER_MAC = MacAddress.parse("02:00:00:00:00:fe");

    final List<ByteBuf> sent = new ArrayList<>();
    final List<ByteBuf> delivered = new ArrayList<>();
    final Pipeline pipeline;
    final Pipeline.Attachment attachment;
    final Pipeline.Attachment attachment2;

    PipelineFixture() {
        this(List.of());
    }

    /** With routes of the segments' route tables (appliances, blackholes) besides the router's. */
    PipelineFixture(List<TableRoute> tableRoutes) {
        ForwardingState.Builder builder = ForwardingState.builder()
                .host(new TableHost(Ipv4Address.parse("10.255.0.1"), 4789, 1500))
                .vtep(new RemoteVtep("b", Ipv4Address.parse("10.255.0.2"), 4789))
                .segment(new Segment(
                        Vni.of(100),
                        Ipv4Prefix.parse("10.0.1.0/24"),
                        Ipv4Address.parse("10.0.1.1"),
                        "r",
                        List.of("b"),
                        null))
                .segment(new Segment(
                        Vni.of(0xFFFFFF),
                        Ipv4Prefix.parse("10.0.2.0/24"),
                        Ipv4Address.parse("10.0.2.1"),
                        "r",
                        List.of("b"),
                        null))
                .port(LocalPort.simulated(
                        "p1", Vni.of(100), LOCAL_MAC, Ipv4Address.parse("10.0.1.5"), 24, Ipv4Address.parse("10.0.1.1")))
                .port(LocalPort.simulated(
                        "p2",
                        Vni.of(0xFFFFFF),
                        LOCAL_MAC_2,
                        Ipv4Address.parse("10.0.2.5"),
                        24,
                        Ipv4Address.parse("10.0.2.1")))
                .mac(new MacEntry(Vni.of(100), REMOTE_MAC, "b"))
                .mac(new MacEntry(Vni.of(0xFFFFFF), REMOTE_MAC_2, "b"))
                .binding(new IpBinding(Vni.of(100), Ipv4Address.parse("10.0.1.6"), REMOTE_MAC))
                .binding(new IpBinding(Vni.of(0xFFFFFF), Ipv4Address.parse("10.0.2.6"), REMOTE_MAC_2))
                .router(new Router(
                        "r",
                        ROUTER_MAC,
                        List.of(
                                new Route(Ipv4Prefix.parse("10.0.1.0/24"), Vni.of(100)),
                                new Route(Ipv4Prefix.parse("10.0.2.0/24"), Vni.of(0xFFFFFF)))));
        tableRoutes.forEach(builder::tableRoute);
        ForwardingState state = builder.build();
        pipeline = new Pipeline(new SendOnlyUnderlay(LOCAL, sent::add), LOCAL, state);
        attachment = pipeline.attach("p1", new CollectingDevice("p1"));
        attachment2 = pipeline.attach("p2", new CollectingDevice("p2"));
    }

    void releaseOutputs() {
        sent.forEach(ByteBuf::release);
        sent.clear();
        delivered.forEach(ByteBuf::release);
        delivered.clear();
    }

    void assertEverythingReleased() {
        List<ByteBuf> outputs = new ArrayList<>(sent);
        outputs.addAll(delivered);
        releaseOutputs();
        assertThat(outputs).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    private final class CollectingDevice implements FrameDevice {
        private final String name;

        CollectingDevice(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start(EventLoop loop, FrameSink sink) {}

        @Override
        public void write(ByteBuf frame) {
            delivered.add(frame);
        }

        @Override
        public void close() {}
    }
}
