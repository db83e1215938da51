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
#include <sstream>
#include <stdexcept>
#include <thread>

namespace edgesplit::runtime {
namespace {

constexpr const char* kIp = "/usr/sbin/ip";
constexpr const char* kTc = "/usr/sbin/tc";

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
  if (!(options_.shared_air_bps >= 0)) throw std::invalid_argument("shared_air_bps must be >= 0");
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
  auto ip = [](std::vector<std::string> args) {
    args.insert(args.begin(), kIp);
    run_command(args);
  };
  auto tc = [](std::vector<std::string> args) {
    args.insert(args.begin(), kTc);
    run_command(args);
  };
  const std::string burst = std::to_string(options_.burst_bytes);
  ap_ = prefix_ + "ap";
  ip({"netns", "add", ap_});
  created_.push_back(ap_);
  ip({"-n", ap_, "link", "set", "lo", "up"});
  ip({"-n", ap_, "link", "add", "br0", "type", "bridge"});
  ip({"-n", ap_, "addr", "add", ap_address() + "/24", "dev", "br0"});
  ip({"-n", ap_, "link", "set", "br0", "up"});
  for (std::size_t i = 0; i < options_.stations.size(); ++i) {
    const std::string ns = fmt::format("{}d{}", prefix_, i + 1);
    const std::string port = fmt::format("p{}", i + 1);
    ip({"netns", "add", ns});
    created_.push_back(ns);
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
  if (options_.shared_air_bps > 0) {
    // infra.md S3: every AP port's ingress is redirected to ifb0, shaped by one htb budget with a fair class per
    // station (no sfq/fq_codel on this kernel).
    const std::string rate = tc_rate(options_.shared_air_bps);
    ip({"-n", ap_, "link", "add", "ifb0", "type", "ifb"});
    ip({"-n", ap_, "link", "set", "ifb0", "up"});
    tc({"-n", ap_, "qdisc", "add", "dev", "ifb0", "root", "handle", "1:", "htb", "default", "99", "r2q", "1"});
    tc({"-n", ap_, "class", "add", "dev", "ifb0", "parent", "1:", "classid", "1:1", "htb", "rate", rate, "ceil", rate});
    for (std::size_t i = 0; i < options_.stations.size(); ++i) {
      const std::string cls = fmt::format("1:{:x}", i + 16);
      tc({"-n", ap_, "class", "add", "dev", "ifb0", "parent", "1:1", "classid", cls, "htb", "rate", "100kbit", "ceil",
          rate, "quantum", "1514"});
      tc({"-n", ap_, "filter", "add", "dev", "ifb0", "parent", "1:", "protocol", "ip", "prio", "1", "u32", "match",
          "ip", "src", station_address(static_cast<int>(i)) + "/32", "flowid", cls});
      const std::string port = fmt::format("p{}", i + 1);
      tc({"-n", ap_, "qdisc", "add", "dev", port, "handle", "ffff:", "ingress"});
      tc({"-n", ap_, "filter", "add", "dev", port, "parent", "ffff:", "protocol", "all", "prio", "1", "u32", "match",
          "u32", "0", "0", "action", "mirred", "egress", "redirect", "dev", "ifb0"});
    }
    tc({"-n", ap_, "class", "add", "dev", "ifb0", "parent", "1:1", "classid", "1:99", "htb", "rate", "100kbit", "ceil",
        rate, "quantum", "1514"});
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
  }
  created_.clear();
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
