// Arrivals and the piecewise conditions shared by the analytic and SimGrid executors.
#include "sim/exec/job.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "sim/common/error.hpp"

namespace edgesplit {

Deployment deploy_plan(const Plan& plan, const Model& model, const Platform& platform) {
  Deployment d;
  d.note = plan.note;
  d.accuracy_source = plan.accuracy_source;
  auto add = [&](const Plan& p, double share) {
    d.graphs.push_back(build_task_graph(p, model, platform));
    d.shares.push_back(share);
    d.accuracy_top1.push_back(plan_accuracy_top1(p, model));
    if (d.accuracy_source.empty()) d.accuracy_source = p.accuracy_source;
  };
  if (plan.replicas.empty()) {
    add(plan, 1.0);
    return d;
  }
  validate(plan, model, platform);
  double total = 0;
  for (double w : plan.replica_shares) total += w;
  for (std::size_t k = 0; k < plan.replicas.size(); ++k) add(plan.replicas[k], plan.replica_shares[k] / total);
  return d;
}

SimJob make_job(const Scenario& sc, const Plan& plan) {
  SimJob j;
  j.name = sc.name;
  j.key = sc.key;
  j.platform = sc.platform;
  Deployment d = deploy_plan(plan, sc.model, sc.platform);
  j.graph = d.graphs.front();
  j.accuracy_top1 = d.accuracy_top1.front();
  j.accuracy_source = d.accuracy_source;
  if (!plan.replicas.empty()) {
    double acc = 0;  // the share-weighted accuracy the stream will see
    for (std::size_t k = 0; k < d.graphs.size(); ++k) acc += d.shares[k] * d.accuracy_top1[k];
    j.accuracy_top1 = acc;
    j.replicas = std::move(d);
  }
  j.workload = sc.workload;
  j.dynamics = sc.dynamics;
  j.seed = sc.seed;
  j.deadline_s = sc.constraints.deadline_s;
  j.trace = sc.trace;
  return j;
}

Platform platform_at(const Platform& platform, const std::vector<DynamicsEvent>& dynamics, double t) {
  Conditions cond(platform, dynamics);
  Platform now = platform;
  now.devices.clear();
  now.network.cloud_bandwidth_Bps = cond.cloud_bandwidth_Bps(t);
  const int requester = platform.requester_index();
  if (requester >= 0) now.requester = platform.devices[static_cast<std::size_t>(requester)].name;  // pinned: the default would move
  for (std::size_t i = 0; i < platform.devices.size(); ++i) {
    int d = static_cast<int>(i);
    if (auto f = cond.failure_time(d); f && *f <= t) {
      if (d == requester)
        throw InputError(InputIssue{"", 0, 0, "dynamics",
                                    fmt::format("the requester '{}' failed at {} s: nothing can be served", platform.devices[i].name, *f)});
      continue;
    }
    Device dev = platform.devices[i];
    dev.pstate = cond.pstate(d, t);
    if (dev.attachment == Attachment::WifiStation) dev.wifi_rate_Bps = cond.station_rate_Bps(d, t);
    now.devices.push_back(std::move(dev));
  }
  return now;
}

TaskGraph reindex_devices(TaskGraph graph, const Platform& from, const Platform& to) {
  std::vector<int> map(from.devices.size(), -1);
  for (std::size_t i = 0; i < from.devices.size(); ++i) {
    map[i] = to.index_of(from.devices[i].name);
    if (map[i] < 0)
      throw InputError(InputIssue{"", 0, 0, "plan", fmt::format("device '{}' is not on the platform", from.devices[i].name)});
  }
  for (auto& r : graph.roles) r.device = map[static_cast<std::size_t>(r.device)];
  for (auto& t : graph.transfers) {
    t.src_device = map[static_cast<std::size_t>(t.src_device)];
    t.dst_device = map[static_cast<std::size_t>(t.dst_device)];
  }
  return graph;
}

std::vector<double> arrival_times(const Workload& w, std::uint64_t seed) {
  std::vector<double> t(static_cast<std::size_t>(std::max(w.frames, 0)), 0.0);
  if (w.arrival == Arrival::Periodic) {
    for (std::size_t f = 0; f < t.size(); ++f) t[f] = static_cast<double>(f) / w.rate_per_s;
  } else if (w.arrival == Arrival::Poisson) {
    std::mt19937_64 gen(seed);
    double now = 0;
    for (auto& x : t) {
      double u = static_cast<double>(gen() >> 11) * 0x1.0p-53;
      now += -std::log1p(-u) / w.rate_per_s;
      x = now;
    }
  }
  return t;
}

double Conditions::at(const std::vector<Step>& s, double t) {
  // Steps are sorted; the last step at or before t is in force.
  double v = s.front().value;
  for (const auto& st : s) {
    if (st.time_s > t) break;
    v = st.value;
  }
  return v;
}

Conditions::Conditions(const Platform& p, const std::vector<DynamicsEvent>& dyn) : platform_(&p) {
  std::size_t n = p.devices.size();
  rates_.resize(n);
  slow_.resize(n);
  pstates_.resize(n);
  failures_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    rates_[i].push_back({0.0, p.devices[i].wifi_rate_Bps});
    pstates_[i].push_back({0.0, static_cast<double>(p.devices[i].pstate)});
  }
  cloud_.push_back({0.0, p.network.cloud_bandwidth_Bps});
  std::vector<std::vector<DynamicsEvent>> straggle(n);
  for (std::size_t k = 0; k < dyn.size(); ++k) {
    const DynamicsEvent& e = dyn[k];
    std::string key = fmt::format("dynamics[{}]", k);
    if (e.kind == DynamicsEvent::Kind::CloudBandwidth) {
      if (e.value <= 0) throw InputError(InputIssue{"", 0, 0, key + ".value", "cloud bandwidth must be positive"});
      cloud_.push_back({e.time_s, e.value});
      continue;
    }
    int d = p.index_of(e.device);
    if (d < 0) {
      std::vector<std::string> names;
      for (const auto& dev : p.devices) names.push_back(dev.name);
      throw InputError(InputIssue{"", 0, 0, key + ".device", unknown_name_message("device", e.device, names)});
    }
    auto di = static_cast<std::size_t>(d);
    switch (e.kind) {
      case DynamicsEvent::Kind::StationRate:
        if (p.devices[di].attachment != Attachment::WifiStation || e.value <= 0)
          throw InputError(InputIssue{"", 0, 0, key, fmt::format("'{}' needs a positive rate and must be a Wi-Fi "
                                                                 "station", e.device)});
        rates_[di].push_back({e.time_s, e.value});
        break;
      case DynamicsEvent::Kind::PState: {
        int ps = p.devices[di].profile.pstate_index(e.pstate);
        if (ps < 0) {
          std::vector<std::string> names;
          for (const auto& s : p.devices[di].profile.pstates) names.push_back(s.name);
          throw InputError(InputIssue{"", 0, 0, key + ".pstate", unknown_name_message("pstate", e.pstate, names)});
        }
        pstates_[di].push_back({e.time_s, static_cast<double>(ps)});
        break;
      }
      case DynamicsEvent::Kind::Straggler:
        if (e.value <= 0)
          throw InputError(InputIssue{"", 0, 0, key + ".value", "straggler slowdown factor must be positive"});
        straggle[di].push_back(e);
        break;
      case DynamicsEvent::Kind::Failure:
        if (!failures_[di] || e.time_s < *failures_[di]) failures_[di] = e.time_s;
        break;
      case DynamicsEvent::Kind::CloudBandwidth: break;
    }
  }
  auto by_time = [](const Step& a, const Step& b) { return a.time_s < b.time_s; };
  for (std::size_t i = 0; i < n; ++i) {
    std::stable_sort(rates_[i].begin(), rates_[i].end(), by_time);
    std::stable_sort(pstates_[i].begin(), pstates_[i].end(), by_time);
    // Overlapping stragglers multiply: the factor in force is the product of the active ones.
    std::set<double> cuts{0.0};
    for (const auto& e : straggle[i]) {
      cuts.insert(e.time_s);
      if (e.duration_s > 0) cuts.insert(e.time_s + e.duration_s);
    }
    for (double c : cuts) {
      double f = 1.0;
      for (const auto& e : straggle[i])
        if (c >= e.time_s && (e.duration_s <= 0 || c < e.time_s + e.duration_s)) f *= e.value;
      slow_[i].push_back({c, f});
    }
  }
  std::stable_sort(cloud_.begin(), cloud_.end(), by_time);
}

double Conditions::station_rate_Bps(int d, double t) const { return at(rates_[static_cast<std::size_t>(d)], t); }
double Conditions::cloud_bandwidth_Bps(double t) const { return at(cloud_, t); }
int Conditions::pstate(int d, double t) const {
  return static_cast<int>(at(pstates_[static_cast<std::size_t>(d)], t));
}
double Conditions::speed(int d, double t) const {
  const Profile& prof = platform_->devices[static_cast<std::size_t>(d)].profile;
  double s = prof.pstates.empty() ? 1.0 : prof.pstates[static_cast<std::size_t>(pstate(d, t))].speed;
  return s / at(slow_[static_cast<std::size_t>(d)], t);
}

std::optional<double> Conditions::failure_time(int d) const { return failures_[static_cast<std::size_t>(d)]; }

int Conditions::air_crossings(int src, int dst) const {
  if (src == dst) return 0;
  int n = 0;
  for (int d : {src, dst})
    if (platform_->devices[static_cast<std::size_t>(d)].attachment == Attachment::WifiStation) ++n;
  return n;
}

double Conditions::latency_s(int src, int dst) const {
  if (src == dst) return 0.0;
  double l = 0;
  for (int d : {src, dst})
    l += platform_->devices[static_cast<std::size_t>(d)].attachment == Attachment::WifiStation
             ? platform_->network.wifi_latency_s
             : platform_->network.cloud_latency_s;
  return l;
}

namespace {
// Next change time strictly after t in a step list (infinity when none).
double next_change(const std::vector<Conditions::Step>& s, double t) {
  for (const auto& st : s)
    if (st.time_s > t) return st.time_s;
  return INFINITY;
}
}  // namespace

double Conditions::transfer_end(int src, int dst, double start, double bytes) const {
  if (src == dst || bytes <= 0) return start;
  const Device& a = platform_->devices[static_cast<std::size_t>(src)];
  const Device& b = platform_->devices[static_cast<std::size_t>(dst)];
  bool sa = a.attachment == Attachment::WifiStation, sb = b.attachment == Attachment::WifiStation;
  // Station rates are fixed when the transfer starts (SimGrid sets the air coefficients at comm start).
  // Air use of a flow at x bytes/s is x/r_src + x/r_dst (§3.4 of the SimGrid notes); alone, x = 1/Σ(1/r).
  double inv = 0;
  if (sa) inv += 1.0 / station_rate_Bps(src, start);
  if (sb) inv += 1.0 / station_rate_Bps(dst, start);
  double air_rate = inv > 0 ? 1.0 / inv : INFINITY;
  if (sa && sb) return start + bytes / air_rate;
  // One end is the cloud: the wired link's bandwidth may change while the transfer runs.
  double t = start, left = bytes;
  for (;;) {
    double rate = std::min(air_rate, cloud_bandwidth_Bps(t));
    double nxt = next_change(cloud_, t);
    if (t + left / rate <= nxt) return t + left / rate;
    left -= (nxt - t) * rate;
    t = nxt;
  }
}

double Conditions::compute_end(int d, double start, double work) const {
  if (work <= 0) return start;
  auto di = static_cast<std::size_t>(d);
  double t = start, left = work;
  for (;;) {
    double s = speed(d, t);
    double nxt = std::min(next_change(pstates_[di], t), next_change(slow_[di], t));
    if (t + left / s <= nxt) return t + left / s;
    left -= (nxt - t) * s;
    t = nxt;
  }
}

double Conditions::host_energy_J(int d, const std::vector<std::pair<double, double>>& busy, double end) const {
  const Device& dev = platform_->devices[static_cast<std::size_t>(d)];
  if (dev.profile.pstates.empty()) return 0.0;
  auto di = static_cast<std::size_t>(d);
  if (failures_[di]) end = std::min(end, *failures_[di]);  // a failed host draws nothing (wattage_off = 0)
  // Integrate idle power over [0, end] and (busy − idle) over the busy intervals, pstate by pstate.
  auto integrate = [&](double a, double b, bool busy_part) {
    double e = 0, t = a;
    while (t < b) {
      double nxt = std::min(next_change(pstates_[di], t), b);
      const PState& ps = dev.profile.pstates[static_cast<std::size_t>(pstate(d, t))];
      e += (nxt - t) * (busy_part ? ps.busy_W - ps.idle_W : ps.idle_W);
      t = nxt;
    }
    return e;
  };
  double e = integrate(0.0, end, false);
  for (const auto& [a, b] : busy) e += integrate(a, std::min(b, end), true);
  return e;
}

std::vector<double> Conditions::rate_levels() const {
  std::set<double> levels;
  for (std::size_t i = 0; i < rates_.size(); ++i)
    if (platform_->devices[i].attachment == Attachment::WifiStation)
      for (const auto& s : rates_[i]) levels.insert(s.value);
  return {levels.begin(), levels.end()};
}

}  // namespace edgesplit
