#!/usr/bin/env bash
# Emulated Wi-Fi cell from network namespaces, by hand (the emulator builds the same thing in runtime/netns.cpp).
#   scripts/netns_topology.sh up N RATE_MBIT [SHARED_MBIT]   AP namespace esX_ap (br0 198.18.0.254) + N stations
#                                                           esX_d<i> (eth0 198.18.0.<i>), tbf RATE each direction;
#                                                           SHARED_MBIT > 0 adds one fair htb budget for all uplinks.
#   scripts/netns_topology.sh down                          deletes every namespace this script created
#   scripts/netns_topology.sh status                        lists them with their qdiscs
# Needs root. No netem on this kernel: add latency in the sender. Recipe: shared/reference/infra.md §2.
set -euo pipefail
prefix="${NETNS_PREFIX:-esX_}"
ap="${prefix}ap"

die() { echo "netns_topology: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "needs root (ip netns, tc)"

# tbf counts Ethernet frames: scale so the TCP payload rate is the nominal one (1448 payload bytes per 1514).
wire_rate() { /usr/bin/python3 -c "print(round($1 * 1e6 * 1514 / 1448))"; }

down() {
  for ns in $(ip netns list | awk '{print $1}' | grep "^${prefix}" || true); do
    echo "netns_topology: deleting $ns"
    ip netns delete "$ns"
  done
}

up() {
  local n="$1" rate_mbit="$2" shared_mbit="${3:-0}"
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 250 ] || die "N must be 1..250, got '$n'"
  trap 'echo "netns_topology: failed; removing what was created" >&2; down' ERR
  local rate; rate="$(wire_rate "$rate_mbit")bit"
  echo "netns_topology: AP $ap (198.18.0.254) + $n stations at $rate_mbit Mbit/s payload (tbf $rate)"
  ip netns add "$ap"
  ip -n "$ap" link set lo up
  ip -n "$ap" link add br0 type bridge
  ip -n "$ap" addr add 198.18.0.254/24 dev br0
  ip -n "$ap" link set br0 up
  for i in $(seq 1 "$n"); do
    local ns="${prefix}d$i"
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$ap" link add "p$i" type veth peer name eth0 netns "$ns"
    ip -n "$ap" link set "p$i" master br0 up
    ip -n "$ns" addr add "198.18.0.$i/24" dev eth0
    ip -n "$ns" link set eth0 up
    tc -n "$ns" qdisc replace dev eth0 root tbf rate "$rate" burst 16kb latency 100ms   # uplink
    tc -n "$ap" qdisc replace dev "p$i" root tbf rate "$rate" burst 16kb latency 100ms  # downlink
  done
  if [ "$shared_mbit" != 0 ]; then
    local air; air="$(wire_rate "$shared_mbit")bit"
    echo "netns_topology: shared air budget $shared_mbit Mbit/s (ifb0 + htb, one fair class per station)"
    ip -n "$ap" link add ifb0 type ifb
    ip -n "$ap" link set ifb0 up
    tc -n "$ap" qdisc add dev ifb0 root handle 1: htb default 99 r2q 1
    tc -n "$ap" class add dev ifb0 parent 1: classid 1:1 htb rate "$air" ceil "$air"
    tc -n "$ap" class add dev ifb0 parent 1:1 classid 1:99 htb rate 100kbit ceil "$air" quantum 1514
    for i in $(seq 1 "$n"); do
      local cls; cls="1:$(printf '%x' $((i + 15)))"
      tc -n "$ap" class add dev ifb0 parent 1:1 classid "$cls" htb rate 100kbit ceil "$air" quantum 1514
      tc -n "$ap" filter add dev ifb0 parent 1: protocol ip prio 1 u32 match ip src "198.18.0.$i/32" flowid "$cls"
      tc -n "$ap" qdisc add dev "p$i" handle ffff: ingress
      tc -n "$ap" filter add dev "p$i" parent ffff: protocol all prio 1 u32 match u32 0 0 \
        action mirred egress redirect dev ifb0
    done
  fi
  trap - ERR
  echo "netns_topology: up; run a command in station i with: ip netns exec ${prefix}d<i> CMD"
}

status() {
  for ns in $(ip netns list | awk '{print $1}' | grep "^${prefix}" || true); do
    echo "== $ns"; ip -n "$ns" -br addr; tc -n "$ns" qdisc show
  done
}

case "${1:-}" in
  up) shift; [ $# -ge 2 ] || die "usage: up N RATE_MBIT [SHARED_MBIT]"; up "$@" ;;
  down) down ;;
  status) status ;;
  *) die "usage: $0 up N RATE_MBIT [SHARED_MBIT] | down | status" ;;
esac
