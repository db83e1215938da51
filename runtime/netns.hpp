// Emulated Wi-Fi cell from Linux network namespaces (shared/reference/infra.md §2): one namespace per station with
// eth0 = 198.18.0.<i+1>/24, its veth peer p<i+1> a port of bridge br0 in the AP namespace (198.18.0.254, where the
// coordinator sits). Uplink = station eth0 egress, downlink = AP port egress, each shaped by tbf; optionally one
// shared-air budget (all AP port ingress -> ifb0 -> htb, one fair class per station). This kernel has no netem, so
// latency is added by the sender (LinkPacer). Addresses come from 198.18.0.0/15 (RFC 2544 benchmarking) and exist
// only inside the namespaces created here; everything is deleted by the destructor, also when construction fails.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace edgesplit::runtime {

struct Capability {
  bool ok = false;
  std::string reason;  // why not (for a test's skip message), or what was found
};

// Root, `ip netns`, veth, bridge and tbf all work (creates and deletes a probe namespace).
Capability probe_netns();
// netem exists (it does not on this project's reference kernel; reported for the record).
Capability probe_netem();

struct StationLink {
  double uplink_bps = 0;    // 0: unshaped
  double downlink_bps = 0;  // 0: unshaped
};

// Per-destination shaping of one station's egress (htb, one class per destination address): how the emulator gives
// each station-to-station route the rate the simulator charges it (the air crossed twice: 1/(1/r_src + 1/r_dst)).
struct RouteShape {
  int from = 0;  // station index
  int to = 0;    // station index
  double rate_bps = 0;
};

// One data flow (station to station) charged on the shared air (TopologyOptions::air).
struct AirFlow {
  int from = 0;  // station index
  int to = 0;    // station index
  double air_s_per_byte = 0;  // seconds of air per TCP payload byte: 1/r_from + 1/r_to, counting Wi-Fi ends only
};

// The SimGrid executor's Wi-Fi air (shared/reference/simgrid.md §3.4) in tc: one budget that every flow's bytes
// occupy in proportion to its air_s_per_byte, shared so that concurrent flows get equal throughput, alone a flow
// runs at 1/air_s_per_byte. tc can only charge bytes, so the weight travels in the packet size: every AP port's
// ingress goes to ifb0, whose root htb charges each packet its length plus a large constant (a size table's
// overhead), i.e. about one unit per packet; each flow's segments are made 1/weight the size (a route MTU in the
// sender's namespace), so its bytes cost in proportion to its weight. One htb class per flow under the air class,
// with DRR quanta in proportion to the weights, shares the budget as equal throughput. Packets under 128 bytes (ACKs,
// credits) and traffic not addressed to data_port pass unshaped, as the simulator charges neither.
struct AirOptions {
  std::vector<AirFlow> flows;
  std::uint16_t data_port = 0;  // only TCP segments to this port are charged; 0: every IP packet of the flow
  // The wired link of a station that is the cloud (not on the air): both directions shaped to wired_bps of TCP
  // payload, shared equally among the flows; -1: none.
  int wired_station = -1;
  double wired_bps = 0;
};

struct TopologyOptions {
  std::vector<StationLink> stations;
  std::vector<RouteShape> routes;  // a station with routes gets htb on its eth0 instead of the uplink tbf
  AirOptions air;  // flows non-empty: the shared air (stations need no uplink/downlink/route shaping then)
  // tbf counts Ethernet frames; scale the configured rate by 1514/1448 so the TCP payload rate equals the nominal
  // rate, which is what the simulator charges (bytes / bandwidth).
  bool payload_rate = true;
  int burst_bytes = 16 * 1024;  // tbf bucket: >= one MTU; larger inflates short transfers (infra.md)
  std::string prefix;  // namespace names <prefix>ap, <prefix>d1...; empty: es<pid>n<k>, unique in this process
};

class NetnsTopology {
 public:
  explicit NetnsTopology(TopologyOptions options);
  ~NetnsTopology();
  NetnsTopology(const NetnsTopology&) = delete;
  NetnsTopology& operator=(const NetnsTopology&) = delete;

  const std::string& ap_netns() const { return ap_; }
  const std::string& station_netns(int i) const { return stations_.at(static_cast<std::size_t>(i)); }
  static std::string station_address(int i);  // 198.18.0.<i+1>
  static std::string ap_address();            // 198.18.0.254
  const std::string& prefix() const { return prefix_; }
  std::vector<std::string> namespaces() const;
  // The tc rate string used for a nominal rate (after the payload-rate scaling).
  std::string tc_rate(double nominal_bps) const;
  // With an air: the route MTU each flow's sender uses, and the air class's rate in charged bytes per second.
  int flow_mtu(std::size_t flow) const { return flow_mtu_.at(flow); }
  double air_charge_Bps() const { return air_charge_Bps_; }
  static constexpr int kAirPacketOverhead = 60000;  // bytes added to every packet's length on the air (size table)

 private:
  void build();
  void build_air();
  void teardown() noexcept;

  TopologyOptions options_;
  std::string prefix_;
  std::string ap_;
  std::vector<std::string> stations_;
  std::vector<std::string> created_;
  std::vector<int> flow_mtu_;
  double air_charge_Bps_ = 0;
};

// Every namespace that a live NetnsTopology of this process holds. A signal's default action runs no destructor, so
// a process interrupted mid-emulation deletes them itself (delete_live_netns) before it exits.
std::vector<std::string> live_netns();
void delete_live_netns() noexcept;

// Namespaces whose names start with `prefix` (to verify a teardown).
std::vector<std::string> list_netns(const std::string& prefix);

// Runs fn on a fresh thread that has joined namespace `netns` (sockets created there stay in it); rethrows.
void run_in_netns(const std::string& netns, const std::function<void()>& fn);

// Runs a program (no shell) and returns its stdout; throws std::runtime_error with its stderr on failure.
std::string run_command(const std::vector<std::string>& argv);

}  // namespace edgesplit::runtime
