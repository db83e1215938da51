// Shared pieces of the baseline planners (see baseline_util.hpp).
#include "planners/baseline_util.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/common/error.hpp"

namespace edgesplit::baseline {

int requester(const PlanningInput& in, const std::string& planner) {
  int r = in.platform.requester_index();
  if (r < 0)
    throw InputError(InputIssue{"", 0, 0, "platform.requester", "planner '" + planner + "' needs a requester device"});
  return r;
}

std::vector<int> stations(const Platform& p) {
  std::vector<int> v;
  for (int i = 0; i < static_cast<int>(p.devices.size()); ++i)
    if (p.devices[static_cast<std::size_t>(i)].attachment == Attachment::WifiStation) v.push_back(i);
  return v;
}

std::vector<std::string> names(const Platform& p, const std::vector<int>& devices) {
  std::vector<std::string> v;
  for (int d : devices) v.push_back(p.devices[static_cast<std::size_t>(d)].name);
  return v;
}

std::vector<int> cut_vertices(const Model& m) {
  // max_consumer[k]: the largest consumer index of any layer < k. A cut after k carries only k's output when no
  // earlier layer is consumed beyond k.
  std::vector<int> cuts;
  auto cons = m.consumers();
  int reach = 0;  // largest consumer index of layers [0, k)
  for (int k = 0; k < m.size(); ++k) {
    if (reach <= k) cuts.push_back(k);
    for (int c : cons[static_cast<std::size_t>(k)]) reach = std::max(reach, c);
  }
  return cuts;
}

bool spatial_run(const Model& m, int first, int last) {
  for (int l = first; l <= last; ++l) {
    const Shape& s = m.layers[static_cast<std::size_t>(l)].out;
    if (s.h <= 1 && s.w <= 1) return false;
  }
  return true;
}

double linear_layer_time_s(const Device& d, const Layer& layer, const Region& region) {
  if (region.empty()) return 0.0;
  std::int64_t full = std::int64_t(layer.out.h) * layer.out.w;
  double share = full > 0 ? static_cast<double>(region.area()) / static_cast<double>(full) : 1.0;
  double work = share * static_cast<double>(layer_macs(layer) + layer_other_ops(layer));
  return op_time_s(d.profile, d.pstate, layer_op_class(layer), work);
}

double link_rate_Bps(const Platform& p, int src, int dst) {
  if (src == dst) return std::numeric_limits<double>::infinity();
  const Device& a = p.devices[static_cast<std::size_t>(src)];
  const Device& b = p.devices[static_cast<std::size_t>(dst)];
  double inv = 0;
  if (a.attachment == Attachment::WifiStation) inv += 1.0 / a.wifi_rate_Bps;
  if (b.attachment == Attachment::WifiStation) inv += 1.0 / b.wifi_rate_Bps;
  double air = inv > 0 ? 1.0 / inv : std::numeric_limits<double>::infinity();
  if (a.attachment == Attachment::WifiStation && b.attachment == Attachment::WifiStation) return air;
  return std::min(air, p.network.cloud_bandwidth_Bps);
}

double link_latency_s(const Platform& p, int src, int dst) {
  if (src == dst) return 0.0;
  auto hop = [&](int d) {
    return p.devices[static_cast<std::size_t>(d)].attachment == Attachment::WifiStation ? p.network.wifi_latency_s
                                                                                         : p.network.cloud_latency_s;
  };
  return hop(src) + hop(dst);
}

double layer_capability(const Device& d, const Layer& layer) {
  double t = linear_layer_time_s(d, layer, full_region(layer.out));
  return t > 0 ? 1.0 / t : 1.0;
}

double frame_energy_J(const TaskGraph& g, const Platform& p, int only_device) {
  double e = 0;
  auto counts = [&](int d) { return only_device < 0 || d == only_device; };
  for (const auto& role : g.roles) {
    if (!counts(role.device) || role.time_ref_s <= 0) continue;
    const Device& d = p.devices[static_cast<std::size_t>(role.device)];
    const Profile& pr = d.profile;
    double speed = pr.pstates.empty() ? 1.0 : pr.pstates[static_cast<std::size_t>(d.pstate)].speed;
    double busy = pr.pstates.empty() ? 0.0 : pr.pstates[static_cast<std::size_t>(d.pstate)].busy_W;
    e += busy * role.time_ref_s / speed;
  }
  for (const auto& t : g.transfers) {
    if (t.local) continue;
    double air_s = static_cast<double>(t.bytes) / link_rate_Bps(p, t.src_device, t.dst_device);
    if (counts(t.src_device)) e += p.devices[static_cast<std::size_t>(t.src_device)].profile.radio_tx_W * air_s;
    if (counts(t.dst_device)) e += p.devices[static_cast<std::size_t>(t.dst_device)].profile.radio_rx_W * air_s;
  }
  return e;
}

Score score(const PlanningInput& in, const Plan& plan) {
  Score s;
  if (in.objective == Objective::Energy || !in.evaluator) {
    TaskGraph g = build_task_graph(plan, in.model, in.platform);
    Evaluation ev = evaluate(g, in.platform);
    s.latency_s = ev.latency_s;
    s.period_s = ev.period_s;
    s.energy_J = frame_energy_J(g, in.platform);
  } else {
    Evaluation ev = in.evaluator(plan);
    s.latency_s = ev.latency_s;
    s.period_s = ev.period_s;
  }
  switch (in.objective) {
    case Objective::Throughput: s.value = s.period_s; break;
    case Objective::Energy: s.value = s.energy_J; break;
    default: s.value = s.latency_s; break;
  }
  if (in.constraints.latency_cap_s > 0 && s.latency_s > in.constraints.latency_cap_s)
    s.value = std::numeric_limits<double>::infinity();
  return s;
}

bool better(const Score& a, const Score& b) {
  if (a.value != b.value) return a.value < b.value;
  return a.latency_s < b.latency_s;  // ties (e.g. all over the cap): the faster one
}

Stage pieces_stage(int first, int last, SplitKind kind, const std::vector<std::string>& devices,
                   const std::vector<Region>& regions) {
  Stage s;
  s.first_layer = first;
  s.last_layer = last;
  s.split = kind;
  for (std::size_t i = 0; i < devices.size(); ++i)
    if (!regions[i].empty()) s.pieces.push_back({devices[i], regions[i]});
  if (s.pieces.size() == 1) s.split = SplitKind::Whole;
  return s;
}

Plan requester_plan(const PlanningInput& in, const std::string& planner) {
  int r = requester(in, planner);
  Plan p;
  p.source = p.sink = in.platform.devices[static_cast<std::size_t>(r)].name;
  return p;
}

}  // namespace edgesplit::baseline
