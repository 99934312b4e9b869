# shellcheck shell=bash
# bin/bench-vs-kernel --instances: the data paths users run, against the kernel pair measured
# before in the same namespaces. Sourced after netbench.sh (nb_setup done, kernel pair removed),
# with repo, java, agent_jar, server_jar and agent_jvm set; bin/agent-profile --instances uses
# bi_up, bi_ends and bi_down to profile the agents on one path.
#
# The control plane (the server jar, H2 in a temporary directory, admin token from
# VPCLAB_ADMIN_TOKEN) runs in the first namespace on the underlay address; an agent follows it in
# each namespace (bench-a, bench-b), as the two kernel vxlan devices did. The instances of
# instances-topology.yaml are created through the REST API; each path is then measured from its
# client's namespace to its server's, and reported as a ratio to the kernel pair, or as
# "unavailable (reason)" when it could not be set up, without stopping the other paths.

BI_PATHS=(same-subnet routed peering nat-gateway elastic-ip)
declare -gA BI_UNAVAILABLE=()
BI_TOKEN="bench-$$-$RANDOM$RANDOM"
BI_URL=""
BI_AGENT_PIDS=()

bi_api() { # METHOD PATH [curl args...] : a REST call from the first namespace, JSON out
    local method=$1 path=$2; shift 2
    nsx "$NB_NS1" curl -sS -m 120 -X "$method" -H "Authorization: Bearer $BI_TOKEN" "$@" "$BI_URL/api/v1$path"
}

bi_free_port() { # NS : a TCP port nothing listens on in NS
    local p
    for p in $(seq 18080 18180); do
        nsx "$1" ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return 0; }
    done
    return 1
}

bi_start_control_plane() {
    local port dir i
    port=$(bi_free_port "$NB_NS1")
    dir="$NB_WORK/control-plane"
    mkdir -p "$dir"
    BI_URL="http://$NB_U1:$port"
    nb_start_bg "$NB_WORK/control-plane.log" env VPCLAB_ADMIN_TOKEN="$BI_TOKEN" ip netns exec "$NB_NS1" \
        "$java" -XX:+UseSerialGC -Xmx512m -jar "$server_jar" --server.port="$port" \
        --vpclab.data-dir="$dir"
    BI_SERVER_PID=$NB_LAST_PID
    for i in $(seq 1 180); do
        nsx "$NB_NS1" curl -sf -m 2 "$BI_URL/actuator/health" >/dev/null 2>&1 && return 0
        nb_alive "$BI_SERVER_PID" || break
        sleep 1
    done
    echo "the control plane did not start; its log ends:" >&2
    tail -20 "$NB_WORK/control-plane.log" >&2
    return 1
}

# bi_agent_jvm NAME : the JVM flags of the agent NAME (bin/agent-profile redefines it to add a profiler)
bi_agent_jvm() { echo "$agent_jvm"; }

bi_start_agents() { # OFFLOADS
    local i n name
    BI_AGENT_PIDS=()
    for i in 1 2; do
        n=NB_NS$i; n=${!n}
        name=bench-$([ "$i" = 1 ] && echo a || echo b)
        # nsenter, not `ip netns exec`: the latter gives the agent a mount namespace of its own, and
        # the instance namespaces it creates (bind mounts in /run/netns) would not be seen outside
        # shellcheck disable=SC2086 # JVM flags split on purpose
        nb_start_bg "$NB_WORK/agent-$name.log" nsenter --net="/run/netns/$n" "$java" $(bi_agent_jvm "$name") -jar "$agent_jar" \
            --control-plane "$BI_URL" --token "$BI_TOKEN" --underlay-ip "192.168.77.$i" --name "$name" \
            --state-file "$NB_WORK/$name.properties" --capabilities netns --offloads "$1" \
            --event-loops "${event_loops:-1}"
        BI_AGENT_PIDS+=("$NB_LAST_PID")
    done
    for i in $(seq 1 120); do
        [ "$(bi_api GET '/hosts?maxResults=100' | jq '[.items[] | select(.status == "connected")] | length' 2>/dev/null)" = 2 ] \
            && return 0
        sleep 1
    done
    echo "the agents did not connect; their logs end:" >&2
    for f in "$NB_WORK"/agent-*.log; do tail -n 5 "$f" >&2; done
    return 1
}

bi_converged() {
    bi_api GET '/hosts?maxResults=100' | jq -e '.items | length > 0 and all(.appliedGeneration >= .desiredGeneration)' >/dev/null 2>&1
}

# bi_namespace NAME : the namespace of the instance NAME (vl-<instanceId>), from the instance list
bi_namespace() {
    local id
    id=$(jq -r --arg n "$1" '.items[] | select(.name == $n) | .instanceId' "$NB_WORK/instances.json")
    [ -n "$id" ] && echo "vl-$id"
}

bi_private_ip() {
    jq -r --arg n "$1" '.items[] | select(.name == $n) | .privateIpAddress' "$NB_WORK/instances.json"
}

bi_eip_of() { # NAME : the public IP associated with the instance NAME
    local id
    id=$(jq -r --arg n "$1" '.items[] | select(.name == $n) | .instanceId' "$NB_WORK/instances.json")
    bi_api GET '/eips?maxResults=100' | jq -r --arg id "$id" '.items[] | select(.instanceId == $id) | .publicIp'
}

# bi_path PATH CLIENT_NS SERVER_NS SERVER_IP : ping, then measure; a failure marks the path unavailable
bi_path() {
    local path=$1 cns=$2 sns=$3 ip=$4
    echo "== $path: $cns -> $ip ($sns)"
    if [ -z "$cns" ] || [ -z "$sns" ] || [ -z "$ip" ] || [ "$ip" = null ]; then
        BI_UNAVAILABLE[$path]="its instances were not created"; return 0
    fi
    local n
    for n in "$cns" "$sns"; do
        [ -e "/run/netns/$n" ] || { BI_UNAVAILABLE[$path]="namespace $n does not exist"; return 0; }
    done
    if ! nb_wait_ping "$cns" "$ip" 30 2>/dev/null; then
        BI_UNAVAILABLE[$path]="no ping reply from $ip"
        if [ -n "${BI_DEBUG:-}" ]; then
            ip -n "$cns" addr || true; ip -n "$cns" route || true; ip -n "$cns" neigh || true; ip -n "$sns" addr || true
            nsx "$cns" ping -c 2 -W 1 "$ip" || true; sleep "$BI_DEBUG"
        fi
        return 0
    fi
    nb_measure "$path" "$cns" "$sns" "$ip" || BI_UNAVAILABLE[$path]="iperf3 failed"
}

# bi_up OFFLOADS : the control plane, an agent following it in each namespace, the topology
# applied and (within 2 minutes) its tables applied; returns 1 with the reason in BI_REASON
bi_up() {
    BI_REASON=""
    echo "== control plane and two agents following it (--offloads $1, --event-loops ${event_loops:-1})"
    bi_start_control_plane || BI_REASON="the control plane did not start"
    [ -z "$BI_REASON" ] && { bi_start_agents "$1" || BI_REASON="the agents did not connect"; }
    if [ -z "$BI_REASON" ]; then
        if ! bi_api POST /topology-applications -H 'Content-Type: application/yaml' \
                --data-binary @"$repo/benchmarks/scripts/instances-topology.yaml" >"$NB_WORK/apply.json" ||
                ! jq -e '.allMet != null' "$NB_WORK/apply.json" >/dev/null 2>&1; then
            BI_REASON="the topology was refused: $(jq -r '.code + ": " + .detail' "$NB_WORK/apply.json" 2>/dev/null | head -c 200)"
        fi
    fi
    [ -z "$BI_REASON" ] || { echo "  $BI_REASON" >&2; return 1; }
    bi_api GET '/instances?maxResults=1000' >"$NB_WORK/instances.json"
    # remembered so that cleanup removes them if the agents could not
    NB_EXTRA_NETNS+=($(jq -r '.items[] | "vl-" + .instanceId' "$NB_WORK/instances.json") vl-inet-bench-web vl-inet-bench-visitor)
    for _ in $(seq 1 120); do bi_converged && break; sleep 1; done
    bi_converged || echo "  (the hosts have not applied their tables yet; measuring anyway)"
}

# bi_ends PATH : sets BI_CLIENT_NS, BI_SERVER_NS and BI_SERVER_IP, the two ends of PATH (the client
# always on bench-a, the server on bench-b); empty where an end was not created
bi_ends() {
    BI_CLIENT_NS=""; BI_SERVER_NS=""; BI_SERVER_IP=""
    case "$1" in
        same-subnet) bi_instance_ends client same-subnet-server ;;
        routed) bi_instance_ends client routed-server ;;
        peering) bi_instance_ends client peer-server ;;
        nat-gateway)
            BI_CLIENT_NS=$(bi_namespace nat-client) || true
            BI_SERVER_NS=vl-inet-bench-web; BI_SERVER_IP=198.51.100.90 ;;
        elastic-ip)
            BI_CLIENT_NS=vl-inet-bench-visitor
            BI_SERVER_NS=$(bi_namespace eip-server) || true
            BI_SERVER_IP=$(bi_eip_of eip-server) || true ;;
        *) echo "unknown path $1 (paths: ${BI_PATHS[*]})" >&2; return 1 ;;
    esac
}
bi_instance_ends() { # CLIENT SERVER : two instances, the server by its private address
    BI_CLIENT_NS=$(bi_namespace "$1") || true
    BI_SERVER_NS=$(bi_namespace "$2") || true
    BI_SERVER_IP=$(bi_private_ip "$2") || true
}

# bi_down : stops the agents (they remove their instances' namespaces), then the control plane
bi_down() {
    local pid p
    for pid in "${BI_AGENT_PIDS[@]}"; do nb_stop_bg "$pid"; done
    for p in a b; do sed "s/^/  bench-$p: /" "$NB_WORK/agent-bench-$p.log" 2>/dev/null | grep -iv "^ *bench-.: *$" | tail -2; done
    [ -n "${BI_SERVER_PID:-}" ] && nb_stop_bg "$BI_SERVER_PID"
    return 0
}

bench_instances() { # OFFLOADS
    local p
    if bi_up "$1"; then
        for p in "${BI_PATHS[@]}"; do
            bi_ends "$p"
            bi_path "$p" "$BI_CLIENT_NS" "$BI_SERVER_NS" "$BI_SERVER_IP"
        done
    else
        for p in "${BI_PATHS[@]}"; do BI_UNAVAILABLE[$p]=$BI_REASON; done
    fi
    bi_down
    echo "# done"
    for p in "${BI_PATHS[@]}"; do
        if [ -n "${BI_UNAVAILABLE[$p]:-}" ]; then
            echo "ratio $p/kernel: unavailable (${BI_UNAVAILABLE[$p]})"
        else
            nb_ratio "$p" "$p"
        fi
    done
}
