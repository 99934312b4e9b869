# shellcheck shell=bash
# netbench.sh: the project's harness for measuring a VXLAN data plane against the kernel's own
# `vxlan` device on this machine. Sourced by bin/bench-vs-kernel; not run on its own.
#
# Two network namespaces (the two "machines") joined by a veth (the underlay, MTU 1500,
# 192.168.77.1 and .2), a kernel vxlan pair in them (VNI 100, UDP 4789, static remote, no
# learning, MTU 1450, 10.100.0.1 and .2), and iperf3 between two namespaces: TCP 1 stream
# (Gbit/s received) and UDP 64-byte datagrams (packets/s received), each the median of
# NB_REPS runs of NB_SECONDS. Every address lives inside namespaces made here; nb_cleanup
# (installed as the EXIT trap by nb_setup) stops what was started and deletes them.
#
# Pitfalls this follows: iperf3 3.x is single-threaded, so UDP 64 B through the kernel is bounded
# by iperf3's own sender ("sent" is printed next to "received"); run-to-run spread on a small
# machine is large, so only ratios of medians from one invocation mean anything; a userspace VTEP
# needs UDP port 4789, so the kernel pair is removed before one starts.
# Needs: bash, iproute2, iperf3, jq, ping, timeout, setsid; root.

NB_SECONDS=${NB_SECONDS:-10}
NB_REPS=${NB_REPS:-3}
NB_NS1="vlb$$a"           # per-invocation names: two runs never collide
NB_NS2="vlb$$b"
NB_VETH1="vlb$$a-u"
NB_VETH2="vlb$$b-u"
NB_U1=192.168.77.1
NB_U2=192.168.77.2
NB_IPERF_PORT=5201
NB_WARMUP=0               # seconds of one TCP run before measuring, not counted (a JVM's JIT warms up)
NB_WORK=""
NB_PIDS=()                # process groups started here
NB_EXTRA_NETNS=()         # namespaces made by others (agents) that cleanup removes if still there
declare -gA NB_TCP1=()    # label -> median Gbit/s
declare -gA NB_UDP64=()   # label -> median pkt/s received

nb_need() {
    [ "$(id -u)" = 0 ] || { echo "must run as root (network namespaces)" >&2; exit 1; }
    local c
    for c in ip iperf3 jq ping timeout setsid "$@"; do
        command -v "$c" >/dev/null || { echo "missing command: $c (apt-get install iproute2 iperf3 jq iputils-ping)" >&2; exit 1; }
    done
}

nsx() { local n=$1; shift; ip netns exec "$n" "$@"; }

# nb_start_bg LOG CMD... : CMD in its own process group (so stopping it stops its children)
nb_start_bg() {
    local log=$1; shift
    setsid "$@" >"$log" 2>&1 </dev/null &
    NB_PIDS+=("$!")
    NB_LAST_PID=$!
}

nb_alive() { # a zombie waiting to be reaped does not count
    local s
    s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$s" ] && [ "${s%% *}" != Z ]
}

# nb_stop_bg PID : SIGTERM its group, SIGKILL what is left after 10 s, reap, forget
nb_stop_bg() {
    local p keep=()
    kill -TERM -- "-$1" 2>/dev/null || true
    for _ in $(seq 1 100); do nb_alive "$1" || break; sleep 0.1; done
    kill -KILL -- "-$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    for p in "${NB_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    NB_PIDS=("${keep[@]}")
}

nb_cleanup() {
    set +e
    local p n
    for p in "${NB_PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done
    for p in "${NB_PIDS[@]}"; do
        for _ in $(seq 1 100); do nb_alive "$p" || break; sleep 0.1; done
        kill -KILL -- "-$p" 2>/dev/null; wait "$p" 2>/dev/null
    done
    NB_PIDS=()
    for n in "${NB_EXTRA_NETNS[@]}" "$NB_NS1" "$NB_NS2"; do ip netns del "$n" 2>/dev/null; done
    ip link del "$NB_VETH1" 2>/dev/null
    [ -n "$NB_WORK" ] && rm -rf "$NB_WORK"
}

# nb_setup : the two namespaces and the veth underlay between them
nb_setup() {
    NB_WORK=$(mktemp -d)
    trap nb_cleanup EXIT
    trap 'echo "interrupted" >&2; exit 130' INT TERM
    ip netns add "$NB_NS1"
    ip netns add "$NB_NS2"
    ip link add "$NB_VETH1" type veth peer name "$NB_VETH2"
    ip link set "$NB_VETH1" netns "$NB_NS1"
    ip link set "$NB_VETH2" netns "$NB_NS2"
    local i n d
    for i in 1 2; do
        n=NB_NS$i; n=${!n}
        d=NB_VETH$i; d=${!d}
        nsx "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        ip -n "$n" link set lo up
        ip -n "$n" addr add "192.168.77.$i/24" dev "$d"
        ip -n "$n" link set "$d" up
    done
    nb_wait_ping "$NB_NS1" "$NB_U2"
}

# nb_kernel_pair_up / _down : vxlan100 in each namespace, 10.100.0.1 <-> 10.100.0.2
nb_kernel_pair_up() {
    local i n d l r
    for i in 1 2; do
        n=NB_NS$i; n=${!n}
        d=NB_VETH$i; d=${!d}
        l=192.168.77.$i; r=192.168.77.$((3 - i))
        ip -n "$n" link add vxlan100 type vxlan id 100 dstport 4789 local "$l" remote "$r" dev "$d" nolearning
        ip -n "$n" link set vxlan100 mtu 1450
        ip -n "$n" addr add "10.100.0.$i/24" dev vxlan100
        ip -n "$n" link set vxlan100 up
    done
    nb_wait_ping "$NB_NS1" 10.100.0.2
}
nb_kernel_pair_down() {
    ip -n "$NB_NS1" link del vxlan100 2>/dev/null || true
    ip -n "$NB_NS2" link del vxlan100 2>/dev/null || true
}

# nb_wait_ping NS IP [TRIES] : one reply within TRIES seconds (default 50)
nb_wait_ping() {
    local i
    for i in $(seq 1 "${3:-50}"); do
        nsx "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "no ping reply from $2 in $1" >&2
    return 1
}

nb_wait_listen() { # NS PORT
    for _ in $(seq 1 50); do
        nsx "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q . && return 0
        sleep 0.1
    done
    echo "iperf3 server did not start in $1" >&2
    return 1
}

nb_median() { # values... -> the median
    printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
        printf "%.4g\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# nb_measure LABEL CLIENT_NS SERVER_NS SERVER_IP : TCP 1 stream and UDP 64 B, NB_REPS runs each,
# medians into NB_TCP1[LABEL] and NB_UDP64[LABEL]; returns 1 (and records nothing) if iperf3 fails
# (the TCP median is printed as soon as it is known)
nb_measure() {
    local label=$1 cns=$2 sns=$3 ip=$4 r f spid tcp=() rx=() tx=()
    nb_start_bg "$NB_WORK/iperf3-$label.log" ip netns exec "$sns" iperf3 -s -p "$NB_IPERF_PORT"
    spid=$NB_LAST_PID
    nb_wait_listen "$sns" "$NB_IPERF_PORT" || { nb_stop_bg "$spid"; return 1; }
    if [ "$NB_WARMUP" -gt 0 ]; then
        timeout $((NB_WARMUP + 20)) ip netns exec "$cns" iperf3 -c "$ip" -p "$NB_IPERF_PORT" -t "$NB_WARMUP" >/dev/null 2>&1 || true
    fi
    for r in $(seq 1 "$NB_REPS"); do
        f="$NB_WORK/$label-tcp1-$r.json"
        # shellcheck disable=SC2046 # -P N, or nothing
        if ! timeout $((NB_SECONDS + 20)) ip netns exec "$cns" iperf3 -c "$ip" -p "$NB_IPERF_PORT" -t "$NB_SECONDS" \
                $([ "${NB_PARALLEL:-1}" != 1 ] && echo -P "$NB_PARALLEL") -J >"$f"; then
            echo "  $label: iperf3 TCP failed: $(jq -r .error "$f" 2>/dev/null)" >&2; nb_stop_bg "$spid"; return 1
        fi
        tcp+=("$(jq '.end.sum_received.bits_per_second / 1e9' "$f")")
    done
    # printed before the UDP runs, so that a path whose UDP flood fails still shows its TCP figure
    NB_TCP1[$label]=$(nb_median "${tcp[@]}")
    printf '  %-12s TCP %s stream(s) median %-8s Gbit/s  runs: %s\n' "$label" "${NB_PARALLEL:-1}" "${NB_TCP1[$label]}" "${tcp[*]}"
    for r in $(seq 1 "$NB_REPS"); do
        f="$NB_WORK/$label-udp64-$r.json"
        if ! timeout $((NB_SECONDS + 20)) ip netns exec "$cns" iperf3 -c "$ip" -p "$NB_IPERF_PORT" -t "$NB_SECONDS" \
                -u -l 64 -b 0 -J >"$f"; then
            echo "  $label: iperf3 UDP failed: $(jq -r .error "$f" 2>/dev/null)" >&2; nb_stop_bg "$spid"
            unset "NB_TCP1[$label]"; return 1
        fi
        rx+=("$(jq '(.end.sum.packets - .end.sum.lost_packets) / .end.sum.seconds' "$f")")
        tx+=("$(jq '.end.sum_sent.packets / .end.sum_sent.seconds' "$f")")
    done
    nb_stop_bg "$spid"
    NB_UDP64[$label]=$(nb_median "${rx[@]}")
    printf '  %-12s UDP 64 B      median %-8s pkt/s received (sent by iperf3: %s)  runs: %s\n' "$label" \
        "${NB_UDP64[$label]}" "$(nb_median "${tx[@]}")" "${rx[*]}"
}

# nb_ratio NAME LABEL : "ratio NAME/kernel: tcp1=0.52 udp64=0.61" from the medians of LABEL and kernel
nb_ratio() {
    awk -v n="$1" -v t="${NB_TCP1[$2]}" -v u="${NB_UDP64[$2]}" -v kt="${NB_TCP1[kernel]:-0}" -v ku="${NB_UDP64[kernel]:-0}" \
        'BEGIN { printf "ratio %s/kernel: tcp1=%.2f udp64=%.2f\n", n, (kt > 0 ? t / kt : 0), (ku > 0 ? u / ku : 0) }'
}
