// Emulated Wi-Fi cell from Linux network namespaces (shared/reference/infra.md §2): one namespace per station with
// eth0 = 198.18.0.<i+1>/24, its veth peer p<i+1> a port of bridge br0 in the AP namespace (198.18.0.254, where the
// coordinator sits). Uplink = station eth0 egress, downlink = AP port egress, each shaped by tbf; optionally one
// shared-air budget (all AP port ingress -> ifb0 -> htb, one fair class per station). This kernel has no netem, so
// latency is added by the sender (LinkPacer). Addresses come from 198.18.0.0/15 (RFC 2544 benchmarking) and exist
// only inside the namespaces created here; everything is deleted by the destructor, also when construction fails.
#pragma once

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

struct TopologyOptions {
  std::vector<StationLink> stations;
  std::vector<RouteShape> routes;  // a station with routes gets htb on its eth0 instead of the uplink tbf
  // > 0: one shared budget for everything the stations send (the AP's air), fair per station (infra.md S3).
  double shared_air_bps = 0;
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

 private:
  void build();
  void teardown() noexcept;

  TopologyOptions options_;
  std::string prefix_;
  std::string ap_;
  std::vector<std::string> stations_;
  std::vector<std::string> created_;
};

// Namespaces whose names start with `prefix` (to verify a teardown).
std::vector<std::string> list_netns(const std::string& prefix);

// Runs fn on a fresh thread that has joined namespace `netns` (sockets created there stay in it); rethrows.
void run_in_netns(const std::string& netns, const std::function<void()>& fn);

// Runs a program (no shell) and returns its stdout; throws std::runtime_error with its stderr on failure.
std::string run_command(const std::vector<std::string>& argv);

}  // namespace edgesplit::runtime
