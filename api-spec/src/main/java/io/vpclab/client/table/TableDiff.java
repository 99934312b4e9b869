package io.vpclab.client.table;

import io.vpclab.client.model.BindingKey;
import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.GroupMember;
import io.vpclab.client.model.IpBinding;
import io.vpclab.client.model.MacEntry;
import io.vpclab.client.model.MacKey;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.Router;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.TableDelta;
import io.vpclab.client.model.TableEntries;
import io.vpclab.client.model.TableKeys;
import io.vpclab.client.model.TableNetworkAcl;
import io.vpclab.client.model.TableSecurityGroup;
import io.vpclab.client.model.TableVpnGateway;
import io.vpclab.client.model.TableWhitelist;
import io.vpclab.client.model.Vtep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The difference between two generations of one host's table, keyed as the stream documents:
 * vteps by id, segments by vni, ports by id, macs by (vni, mac), bindings by (vni, ipAddress),
 * routers by id, whitelists by id, securityGroups by id, groupMembers by the whole (groupId, ipAddress)
 * entry, networkAcls by id, vpnGateways by id. Its size grows with what changed, not with the table.
 */
public final class TableDiff {

    private TableDiff() {}

    public static TableDelta between(ForwardingTable from, ForwardingTable to) {
        TableEntries upsert = new TableEntries();
        TableKeys remove = new TableKeys();
        diff(from.getVteps(), to.getVteps(), Vtep::getId, upsert::addVtepsItem, remove::addVtepsItem);
        diff(from.getSegments(), to.getSegments(), Segment::getVni, upsert::addSegmentsItem, remove::addSegmentsItem);
        diff(from.getPorts(), to.getPorts(), Port::getId, upsert::addPortsItem, remove::addPortsItem);
        diff(from.getMacs(), to.getMacs(), TableDiff::macKey, upsert::addMacsItem, remove::addMacsItem);
        diff(
                from.getBindings(),
                to.getBindings(),
                TableDiff::bindingKey,
                upsert::addBindingsItem,
                remove::addBindingsItem);
        diff(from.getRouters(), to.getRouters(), Router::getId, upsert::addRoutersItem, remove::addRoutersItem);
        diff(
                from.getWhitelists(),
                to.getWhitelists(),
                TableWhitelist::getId,
                upsert::addWhitelistsItem,
                remove::addWhitelistsItem);
        diff(
                from.getSecurityGroups(),
                to.getSecurityGroups(),
                TableSecurityGroup::getId,
                upsert::addSecurityGroupsItem,
                remove::addSecurityGroupsItem);
        diff(
                from.getGroupMembers(),
                to.getGroupMembers(),
                Function.identity(),
                upsert::addGroupMembersItem,
                remove::addGroupMembersItem);
        diff(
                from.getNetworkAcls(),
                to.getNetworkAcls(),
                TableNetworkAcl::getId,
                upsert::addNetworkAclsItem,
                remove::addNetworkAclsItem);
        diff(
                from.getVpnGateways(),
                to.getVpnGateways(),
                TableVpnGateway::getId,
                upsert::addVpnGatewaysItem,
                remove::addVpnGatewaysItem);
        TableDelta delta = new TableDelta()
                .generation(to.getGeneration())
                .baseGeneration(from.getGeneration())
                .upsert(upsert)
                .remove(remove);
        if (!Objects.equals(from.getHost(), to.getHost())) {
            delta.host(to.getHost());
        }
        return delta;
    }

    /** True when the delta changes nothing (apart from the generation). */
    public static boolean isEmpty(TableDelta delta) {
        TableEntries upsert = delta.getUpsert();
        TableKeys remove = delta.getRemove();
        return delta.getHost() == null
                && upsert.getVteps().isEmpty()
                && upsert.getSegments().isEmpty()
                && upsert.getPorts().isEmpty()
                && upsert.getMacs().isEmpty()
                && upsert.getBindings().isEmpty()
                && upsert.getRouters().isEmpty()
                && remove.getVteps().isEmpty()
                && remove.getSegments().isEmpty()
                && remove.getPorts().isEmpty()
                && remove.getMacs().isEmpty()
                && remove.getBindings().isEmpty()
                && remove.getRouters().isEmpty()
                && upsert.getWhitelists().isEmpty()
                && remove.getWhitelists().isEmpty()
                && upsert.getSecurityGroups().isEmpty()
                && remove.getSecurityGroups().isEmpty()
                && upsert.getGroupMembers().isEmpty()
                && remove.getGroupMembers().isEmpty()
                && upsert.getNetworkAcls().isEmpty()
                && remove.getNetworkAcls().isEmpty()
                && upsert.getVpnGateways().isEmpty()
                && remove.getVpnGateways().isEmpty();
    }

    /** The table a delta leads to; the inverse of {@link #between}. The agent applies deltas with it. */
    public static ForwardingTable apply(ForwardingTable from, TableDelta delta) {
        if (!Objects.equals(from.getGeneration(), delta.getBaseGeneration())) {
            throw new IllegalArgumentException("delta for generation " + delta.getBaseGeneration()
                    + " cannot apply to generation " + from.getGeneration());
        }
        TableEntries upsert = delta.getUpsert();
        TableKeys remove = delta.getRemove();
        return new ForwardingTable()
                .host(delta.getHost() != null ? delta.getHost() : from.getHost())
                .generation(delta.getGeneration())
                .vteps(merge(from.getVteps(), upsert.getVteps(), remove.getVteps(), Vtep::getId, Function.identity()))
                .segments(merge(
                        from.getSegments(),
                        upsert.getSegments(),
                        remove.getSegments(),
                        Segment::getVni,
                        Function.identity()))
                .ports(merge(from.getPorts(), upsert.getPorts(), remove.getPorts(), Port::getId, Function.identity()))
                .macs(merge(from.getMacs(), upsert.getMacs(), remove.getMacs(), TableDiff::macKey, Function.identity()))
                .bindings(merge(
                        from.getBindings(),
                        upsert.getBindings(),
                        remove.getBindings(),
                        TableDiff::bindingKey,
                        Function.identity()))
                .routers(merge(
                        from.getRouters(),
                        upsert.getRouters(),
                        remove.getRouters(),
                        Router::getId,
                        Function.identity()))
                .whitelists(merge(
                        from.getWhitelists(),
                        upsert.getWhitelists(),
                        remove.getWhitelists(),
                        TableWhitelist::getId,
                        Function.identity()))
                .securityGroups(merge(
                        from.getSecurityGroups(),
                        upsert.getSecurityGroups(),
                        remove.getSecurityGroups(),
                        TableSecurityGroup::getId,
                        Function.identity()))
                .groupMembers(merge(
                        from.getGroupMembers(),
                        upsert.getGroupMembers(),
                        remove.getGroupMembers(),
                        Function.<GroupMember>identity(),
                        Function.identity()))
                .networkAcls(merge(
                        from.getNetworkAcls(),
                        upsert.getNetworkAcls(),
                        remove.getNetworkAcls(),
                        TableNetworkAcl::getId,
                        Function.identity()))
                .vpnGateways(merge(
                        from.getVpnGateways(),
                        upsert.getVpnGateways(),
                        remove.getVpnGateways(),
                        TableVpnGateway::getId,
                        Function.identity()));
    }

    private static <T, K> void diff(
            List<T> from, List<T> to, Function<T, K> key, Consumer<T> upsert, Consumer<K> remove) {
        Map<K, T> before = index(from, key);
        Map<K, T> after = index(to, key);
        after.forEach((k, entry) -> {
            if (!entry.equals(before.get(k))) {
                upsert.accept(entry);
            }
        });
        before.keySet().forEach(k -> {
            if (!after.containsKey(k)) {
                remove.accept(k);
            }
        });
    }

    private static <T, K, R> List<T> merge(
            List<T> from, List<T> upserts, List<R> removals, Function<T, K> key, Function<R, K> removalKey) {
        Map<K, T> merged = index(from, key);
        removals.forEach(r -> merged.remove(removalKey.apply(r)));
        upserts.forEach(entry -> merged.put(key.apply(entry), entry));
        return new ArrayList<>(merged.values());
    }

    private static <T, K> Map<K, T> index(List<T> entries, Function<T, K> key) {
        Map<K, T> map = new LinkedHashMap<>();
        entries.forEach(entry -> map.put(key.apply(entry), entry));
        return map;
    }

    private static MacKey macKey(MacEntry entry) {
        return new MacKey().vni(entry.getVni()).mac(entry.getMac());
    }

    private static BindingKey bindingKey(IpBinding binding) {
        return new BindingKey().vni(binding.getVni()).ipAddress(binding.getIpAddress());
    }
}
