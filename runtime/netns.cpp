// Network-namespace Wi-Fi cell with tc shaping (see netns.hpp). Commands follow shared/reference/infra.md §2.
#include "runtime/netns.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace edgesplit::runtime {

namespace {
// The namespaces of this process's live topologies (live_netns).
std::mutex& live_mutex() {
  static std::mutex m;
  return m;
}
std::set<std::string>& live_set() {
  static std::set<std::string> s;
  return s;
}
void register_live(const std::string& ns) {
  std::lock_guard lock(live_mutex());
  live_set().insert(ns);
}
void unregister_live(const std::string& ns) {
  std::lock_guard lock(live_mutex());
  live_set().erase(ns);
}
}  // namespace

namespace {

constexpr const char* kIp = "/usr/sbin/ip";
constexpr const char* kTc = "/usr/sbin/tc";

// `ip ARGS` and `tc ARGS`; throw with the command's stderr on failure.
void ip(std::vector<std::string> args) {
  args.insert(args.begin(), kIp);
  run_command(args);
}
void tc(std::vector<std::string> args) {
  args.insert(args.begin(), kTc);
  run_command(args);
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& a : v) s += (s.empty() ? "" : " ") + a;
  return s;
}

std::atomic<int> topology_counter{0};

}  // namespace

std::string run_command(const std::vector<std::string>& argv) {
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
    throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  // Outputs here are small (a few lines), so reading stdout fully before stderr cannot dead-lock on a full pipe.
  std::string o = read_all(out[0]);
  std::string e = read_all(err[0]);
  ::close(out[0]);
  ::close(err[0]);
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    while (!e.empty() && e.back() == '\n') e.pop_back();
    throw std::runtime_error(fmt::format("`{}` failed: {}", join(argv), e.empty() ? "no message" : e));
  }
  return o;
}

std::vector<std::string> list_netns(const std::string& prefix) {
  std::vector<std::string> found;
  std::istringstream in(run_command({kIp, "netns", "list"}));
  for (std::string line; std::getline(in, line);) {
    const std::string name = line.substr(0, line.find(' '));
    if (name.rfind(prefix, 0) == 0) found.push_back(name);
  }
  return found;
}

Capability probe_netns() {
  if (::geteuid() != 0) return {false, "not root (ip netns and tc need CAP_SYS_ADMIN and CAP_NET_ADMIN)"};
  if (::access(kIp, X_OK) != 0 || ::access(kTc, X_OK) != 0) return {false, "iproute2 (/usr/sbin/ip, tc) not installed"};
  const std::string ns = fmt::format("esprobe{}", ::getpid());
  try {
    run_command({kIp, "netns", "add", ns});
  } catch (const std::exception& e) {
    return {false, e.what()};
  }
  Capability c{true, "netns, veth, bridge and tbf work"};
  try {
    run_command({kIp, "-n", ns, "link", "add", "br0", "type", "bridge"});
    run_command({kIp, "-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1"});
    run_command({kTc, "-n", ns, "qdisc", "add", "dev", "v0", "root", "tbf", "rate", "20mbit", "burst", "16kb",
                 "latency", "100ms"});
  } catch (const std::exception& e) {
    c = {false, e.what()};
  }
  try {
    run_command({kIp, "netns", "delete", ns});
  } catch (const std::exception&) {
  }
  return c;
}

Capability probe_netem() {
  auto base = probe_netns();
  if (!base.ok) return base;
  const std::string ns = fmt::format("esnetem{}", ::getpid());
  run_command({kIp, "netns", "add", ns});
  Capability c{true, "netem works"};
  try {
    run_command({kIp, "-n", ns, "link", "set", "lo", "up"});
    run_command({kTc, "-n", ns, "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"});
  } catch (const std::exception& e) {
    c = {false, e.what()};
  }
  run_command({kIp, "netns", "delete", ns});
  return c;
}

NetnsTopology::NetnsTopology(TopologyOptions options) : options_(std::move(options)) {
  if (options_.stations.empty() || options_.stations.size() > 250)
    throw std::invalid_argument(fmt::format("a topology needs 1..250 stations, got {}", options_.stations.size()));
  if (options_.burst_bytes < 1514) throw std::invalid_argument("tbf burst must hold one MTU (1514 bytes)");
  for (const auto& r : options_.routes)
    if (r.from < 0 || r.to < 0 || r.from >= static_cast<int>(options_.stations.size()) ||
        r.to >= static_cast<int>(options_.stations.size()) || !(r.rate_bps > 0))
      throw std::invalid_argument(fmt::format("bad route {} -> {} at {} bit/s", r.from, r.to, r.rate_bps));
  for (const auto& l : options_.stations)
    if (!(l.uplink_bps >= 0) || !(l.downlink_bps >= 0))
      throw std::invalid_argument(fmt::format("station rates must be >= 0 bit/s, got {} / {}", l.uplink_bps, l.downlink_bps));
  for (const auto& f : options_.air.flows)
    if (f.from < 0 || f.to < 0 || f.from == f.to || f.from >= static_cast<int>(options_.stations.size()) ||
        f.to >= static_cast<int>(options_.stations.size()) || !(f.air_s_per_byte > 0))
      throw std::invalid_argument(fmt::format("bad air flow {} -> {} at {} s/byte", f.from, f.to, f.air_s_per_byte));
  if (options_.air.wired_station >= static_cast<int>(options_.stations.size()) ||
      (options_.air.wired_station >= 0 && !(options_.air.wired_bps > 0)))
    throw std::invalid_argument("the wired station needs an index of a station and a rate > 0");
  prefix_ = options_.prefix.empty() ? fmt::format("es{}n{}", ::getpid(), topology_counter++) : options_.prefix;
  try {
    build();
  } catch (...) {
    teardown();
    throw;
  }
}

NetnsTopology::~NetnsTopology() { teardown(); }

std::string NetnsTopology::station_address(int i) { return fmt::format("198.18.0.{}", i + 1); }
std::string NetnsTopology::ap_address() { return "198.18.0.254"; }

std::vector<std::string> NetnsTopology::namespaces() const { return created_; }

std::string NetnsTopology::tc_rate(double nominal_bps) const {
  // A full TCP segment carries 1448 payload bytes in a 1514-byte Ethernet frame (timestamps on): infra.md §2.
  const double scale = options_.payload_rate ? 1514.0 / 1448.0 : 1.0;
  return fmt::format("{}bit", static_cast<long long>(nominal_bps * scale + 0.5));
}

void NetnsTopology::build() {
  const std::string burst = std::to_string(options_.burst_bytes);
  ap_ = prefix_ + "ap";
  ip({"netns", "add", ap_});
  created_.push_back(ap_);
  register_live(ap_);
  ip({"-n", ap_, "link", "set", "lo", "up"});
  ip({"-n", ap_, "link", "add", "br0", "type", "bridge"});
  ip({"-n", ap_, "addr", "add", ap_address() + "/24", "dev", "br0"});
  ip({"-n", ap_, "link", "set", "br0", "up"});
  for (std::size_t i = 0; i < options_.stations.size(); ++i) {
    const std::string ns = fmt::format("{}d{}", prefix_, i + 1);
    const std::string port = fmt::format("p{}", i + 1);
    ip({"netns", "add", ns});
    created_.push_back(ns);
    register_live(ns);
    stations_.push_back(ns);
    ip({"-n", ns, "link", "set", "lo", "up"});
    ip({"-n", ap_, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns});
    ip({"-n", ap_, "link", "set", port, "master", "br0", "up"});
    ip({"-n", ns, "addr", "add", station_address(static_cast<int>(i)) + "/24", "dev", "eth0"});
    // One MSS per packet (no GSO super-packets): htb charges a super-packet without the headers its segments will
    // carry, which made 1 MB at 10 Mbit/s arrive 1.6 % early; ethtool is not installed, ip can do this.
    ip({"-n", ns, "link", "set", "dev", "eth0", "gso_max_segs", "1"});
    ip({"-n", ns, "link", "set", "eth0", "up"});
    const StationLink& l = options_.stations[i];
    std::vector<RouteShape> mine;
    for (const auto& r : options_.routes)
      if (r.from == static_cast<int>(i)) mine.push_back(r);
    if (!mine.empty()) {
      // Unmatched traffic (control messages) goes unshaped through class 1:1.
      tc({"-n", ns, "qdisc", "add", "dev", "eth0", "root", "handle", "1:", "htb", "default", "1"});
      tc({"-n", ns, "class", "add", "dev", "eth0", "parent", "1:", "classid", "1:1", "htb", "rate", "10gbit",
          "quantum", "1514"});
      for (std::size_t k = 0; k < mine.size(); ++k) {
        const std::string cls = fmt::format("1:{:x}", k + 16);
        const std::string rate = tc_rate(mine[k].rate_bps);
        tc({"-n", ns, "class", "add", "dev", "eth0", "parent", "1:", "classid", cls, "htb", "rate", rate, "ceil", rate,
            "burst", burst, "cburst", burst, "quantum", "1514"});
        tc({"-n", ns, "filter", "add", "dev", "eth0", "parent", "1:", "protocol", "ip", "prio", "1", "u32", "match",
            "ip", "dst", station_address(mine[k].to) + "/32", "flowid", cls});
      }
    } else if (l.uplink_bps > 0)
      tc({"-n", ns, "qdisc", "replace", "dev", "eth0", "root", "tbf", "rate", tc_rate(l.uplink_bps), "burst", burst,
          "latency", "100ms"});
    if (l.downlink_bps > 0)
      tc({"-n", ap_, "qdisc", "replace", "dev", port, "root", "tbf", "rate", tc_rate(l.downlink_bps), "burst", burst,
          "latency", "100ms"});
  }
  if (!options_.air.flows.empty()) build_air();
}

namespace {

// The u32 match for "TCP to this destination port" (IPv4 without options: the port sits at byte 22).
std::vector<std::string> port_match(std::uint16_t port) {
  if (port == 0) return {};
  return {"match", "ip", "protocol", "6", "0xff", "match", "u16", std::to_string(port), "0xffff", "at", "22"};
}

}  // namespace

void NetnsTopology::build_air() {
  const AirOptions& air = options_.air;
  // Charge per packet of flow f: (M_f + 14) + O bytes (IP length M_f, Ethernet header, size-table overhead O), for
  // M_f - 52 payload bytes (IP 20 + TCP 20 + timestamps 12). The fastest flow (least seconds per byte, a_min) keeps
  // M = 1500; every other flow gets the M_f for which charge per payload byte is in proportion to its a_f:
  //   (M_f + 14 + O) / (M_f - 52) = G_f,   G_f = (1514 + O) / 1448 * a_f / a_min
  //   =>  M_f = (14 + O + 52 G_f) / (G_f - 1)
  // and the air class charges Rc = (1514 + O) / (1448 a_min) bytes per second, so that a flow alone moves
  // Rc / G_f * ... = 1 / a_f payload bytes per second. Rounding M_f to whole bytes costs < 0.3 % for M_f > 200.
  const double O = kAirPacketOverhead;
  double a_min = air.flows.front().air_s_per_byte;
  for (const auto& f : air.flows) a_min = std::min(a_min, f.air_s_per_byte);
  const double g1 = (1514.0 + O) / 1448.0;
  air_charge_Bps_ = g1 / a_min;
  const auto rate = [](double Bps) { return fmt::format("{}bit", static_cast<long long>(Bps * 8 + 0.5)); };
  // Burst: a quarter of one packet's charge (1514 + O). htb sends while a class's tokens are >= 0, so after an idle
  // spell one packet goes free anyway, and every packet of burst beyond that lets each message after a pause skip
  // that much air; but a bucket far smaller than the qdisc watchdog's wake-up lateness loses tokens and runs slow.
  // Measured (netns, 5 frames, vs SimGrid): even_mnv1q at 8 bits (4-packet messages) -11.0 % with a 2-packet
  // burst, -6.7 % with 1 packet, -2.3 % with 1/4; with 1514 bytes -1.1 %, but 2 MB alone then took +5.4 % (0.675 s
  // for 0.640) where 1/4 packet gives 0.640 s (tests/runtime/netns_test.cpp).
  const std::string burst = std::to_string((1514 + kAirPacketOverhead) / 4);
  ip({"-n", ap_, "link", "add", "ifb0", "type", "ifb"});
  ip({"-n", ap_, "link", "set", "ifb0", "up"});
  tc({"-n", ap_, "qdisc", "add", "dev", "ifb0", "root", "handle", "1:", "stab", "overhead",
      std::to_string(kAirPacketOverhead), "htb", "default", "2", "r2q", "1"});
  tc({"-n", ap_, "class", "add", "dev", "ifb0", "parent", "1:", "classid", "1:1", "htb", "rate", rate(air_charge_Bps_),
      "ceil", rate(air_charge_Bps_), "burst", burst, "cburst", burst});
  tc({"-n", ap_, "class", "add", "dev", "ifb0", "parent", "1:", "classid", "1:2", "htb", "rate", "10gbit"});
  // ACKs, credits and other small packets: unshaped (IP total length < 128).
  tc({"-n", ap_, "filter", "add", "dev", "ifb0", "parent", "1:", "protocol", "ip", "prio", "1", "u32", "match", "u16",
      "0", "0xff80", "at", "2", "flowid", "1:2"});
  for (std::size_t k = 0; k < air.flows.size(); ++k) {
    const AirFlow& f = air.flows[k];
    const double G = g1 * f.air_s_per_byte / a_min;
    const long mtu = G <= 1 + 1e-12 ? 1500 : std::lround((14 + O + 52 * G) / (G - 1));
    if (mtu < 200)
      throw std::invalid_argument(fmt::format("air flow {} -> {}: {:.3g} times slower than the fastest flow; the "
                                              "emulated air supports up to about 7 times",
                                              f.from, f.to, f.air_s_per_byte / a_min));
    flow_mtu_.push_back(static_cast<int>(std::min(1500L, mtu)));
    const std::string cls = fmt::format("1:{:x}", k + 16);
    const auto quantum = static_cast<long long>((1514 + O) * f.air_s_per_byte / a_min + 0.5);
    tc({"-n", ap_, "class", "add", "dev", "ifb0", "parent", "1:1", "classid", cls, "htb", "rate", "8bit", "ceil",
        rate(air_charge_Bps_), "burst", burst, "cburst", burst, "quantum", std::to_string(quantum)});
    // Deep enough that TCP never loses a segment here: the queue is bounded by what the flows have in flight.
    tc({"-n", ap_, "qdisc", "add", "dev", "ifb0", "parent", cls, "pfifo", "limit", "100000"});
    std::vector<std::string> filter = {"-n", ap_, "filter", "add", "dev", "ifb0", "parent", "1:", "protocol", "ip",
                                       "prio", "2", "u32", "match", "ip", "src", station_address(f.from) + "/32",
                                       "match", "ip", "dst", station_address(f.to) + "/32"};
    for (const auto& m : port_match(air.data_port)) filter.push_back(m);
    filter.insert(filter.end(), {"flowid", cls});
    tc(filter);
    if (flow_mtu_.back() < 1500)
      ip({"-n", stations_.at(static_cast<std::size_t>(f.from)), "route", "add", station_address(f.to) + "/32", "dev",
          "eth0", "mtu", "lock", std::to_string(flow_mtu_.back())});
  }
  for (std::size_t i = 0; i < options_.stations.size(); ++i) {
    const std::string port = fmt::format("p{}", i + 1);
    tc({"-n", ap_, "qdisc", "add", "dev", port, "handle", "ffff:", "ingress"});
    tc({"-n", ap_, "filter", "add", "dev", port, "parent", "ffff:", "protocol", "all", "prio", "1", "u32", "match",
        "u32", "0", "0", "action", "mirred", "egress", "redirect", "dev", "ifb0"});
  }
  if (air.wired_station >= 0) {
    // The cloud's link, both directions: htb on the AP's port towards the cloud and on the cloud's own eth0, each
    // charging TCP payload only (size table overhead -66: Ethernet 14 + IP 20 + TCP 32), one class per peer station
    // for equal shares (SimGrid's split-duplex link, one max-min constraint per direction).
    const int c = air.wired_station;
    const std::string wired = rate(air.wired_bps / 8);
    struct Side {
      std::string ns, dev;
      bool peer_is_src;  // towards the cloud: classes by source; from the cloud: by destination
    };
    for (const Side& side : {Side{ap_, fmt::format("p{}", c + 1), true},
                             Side{stations_.at(static_cast<std::size_t>(c)), "eth0", false}}) {
      tc({"-n", side.ns, "qdisc", "add", "dev", side.dev, "root", "handle", "1:", "stab", "overhead", "-66", "htb",
          "default", "2"});
      tc({"-n", side.ns, "class", "add", "dev", side.dev, "parent", "1:", "classid", "1:1", "htb", "rate", wired, "ceil",
          wired, "burst", "3028", "cburst", "3028"});
      tc({"-n", side.ns, "class", "add", "dev", side.dev, "parent", "1:", "classid", "1:2", "htb", "rate", "10gbit"});
      for (std::size_t i = 0; i < options_.stations.size(); ++i) {
        if (static_cast<int>(i) == c) continue;
        const std::string cls = fmt::format("1:{:x}", i + 16);
        tc({"-n", side.ns, "class", "add", "dev", side.dev, "parent", "1:1", "classid", cls, "htb", "rate", "8bit",
            "ceil", wired, "burst", "3028", "cburst", "3028", "quantum", "1448"});
        tc({"-n", side.ns, "qdisc", "add", "dev", side.dev, "parent", cls, "pfifo", "limit", "100000"});
        std::vector<std::string> filter = {"-n", side.ns, "filter", "add", "dev", side.dev, "parent", "1:", "protocol",
                                           "ip", "prio", "2", "u32", "match", "ip", side.peer_is_src ? "src" : "dst",
                                           station_address(static_cast<int>(i)) + "/32"};
        for (const auto& m : port_match(air.data_port)) filter.push_back(m);
        filter.insert(filter.end(), {"flowid", cls});
        tc(filter);
      }
    }
  }
}

void NetnsTopology::teardown() noexcept {
  // Deleting a namespace destroys its interfaces (and the veth peers in the AP namespace with them).
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
    try {
      run_command({kIp, "netns", "delete", *it});
    } catch (const std::exception&) {
      // Already gone; nothing else to undo.
    }
    unregister_live(*it);
  }
  created_.clear();
}

std::vector<std::string> live_netns() {
  std::lock_guard lock(live_mutex());
  return {live_set().begin(), live_set().end()};
}

void delete_live_netns() noexcept {
  for (const std::string& ns : live_netns()) {
    try {
      run_command({kIp, "netns", "delete", ns});
    } catch (const std::exception&) {
      // Already gone.
    }
    unregister_live(ns);
  }
}

void run_in_netns(const std::string& netns, const std::function<void()>& fn) {
  std::exception_ptr error;
  std::thread t([&] {
    try {
      const std::string path = "/var/run/netns/" + netns;
      int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) throw std::runtime_error(fmt::format("open {}: {}", path, std::strerror(errno)));
      // setns changes only this thread's namespace; the thread ends afterwards, so no other code runs in it.
      const int r = ::setns(fd, CLONE_NEWNET);
      ::close(fd);
      if (r != 0) throw std::runtime_error(fmt::format("setns {}: {}", netns, std::strerror(errno)));
      fn();
    } catch (...) {
      error = std::current_exception();
    }
  });
  t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace edgesplit::runtime
