// Task graphs written by hand for executor tests, and helpers that run one job on both executors.
#pragma once

#include <string>

#include "sim/exec/analytic.hpp"
#include "sim/exec/fork_runner.hpp"
#include "tests/unit/plan_fixture.hpp"

namespace edgesplit::testing {

// A TaskGraph built role by role (roles must be added in topological order).
struct GraphBuilder {
  const Platform& platform;
  TaskGraph g;
  explicit GraphBuilder(const Platform& p) : platform(p) {}
  int role(RoleKind kind, const std::string& device, double time_ref_s = 0) {
    Role r;
    r.kind = kind;
    r.device = platform.index_of(device);
    r.time_ref_s = time_ref_s;
    r.name = device + "#" + std::to_string(g.roles.size());
    g.roles.push_back(r);
    int i = static_cast<int>(g.roles.size()) - 1;
    if (kind == RoleKind::Source) g.source = i;
    if (kind == RoleKind::Sink) g.sink = i;
    return i;
  }
  void transfer(int from, int to, std::int64_t bytes) {
    Transfer t;
    t.from = from;
    t.to = to;
    t.src_device = g.roles[static_cast<std::size_t>(from)].device;
    t.dst_device = g.roles[static_cast<std::size_t>(to)].device;
    t.bits = 8;
    t.elements = bytes;
    t.bytes = bytes;
    t.local = t.src_device == t.dst_device;
    int idx = static_cast<int>(g.transfers.size());
    g.roles[static_cast<std::size_t>(from)].out.push_back(idx);
    g.roles[static_cast<std::size_t>(to)].in.push_back(idx);
    g.transfers.push_back(t);
  }
};

inline SimJob job_of(const Platform& p, const TaskGraph& g, int frames = 1, bool pipelined = false) {
  SimJob j;
  j.name = "test";
  j.platform = p;
  j.graph = g;
  j.graph.pipelined = pipelined;
  j.workload.frames = frames;
  return j;
}

// SimGrid in a forked child (one Engine per process).
inline RunResult simgrid_one(const SimJob& job) { return run_simgrid_forked({job}).front(); }

}  // namespace edgesplit::testing
