// What an executor runs: a platform, one frame's TaskGraph, the workload and the dynamics — and the time-varying
// conditions (station rates, cloud bandwidth, device speed, failures) both executors read in the same way.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/plan/task_graph.hpp"
#include "sim/platform/platform.hpp"
#include "sim/scenario/scenario.hpp"

namespace edgesplit {

// What runs the frames of one period of a run: one task graph, or several request-level replicas (a frame runs whole
// on one of them, by smooth weighted round-robin over the shares), each with the top-1 accuracy of what it runs.
struct Deployment {
  std::vector<TaskGraph> graphs;
  std::vector<double> shares;         // normalised to sum 1
  std::vector<double> accuracy_top1;  // per graph
  std::string accuracy_source;
  std::string note;                   // the planner's one-line note
};

// The task graph(s) of a plan on a platform: its replicas or itself, with their accuracy (plan_accuracy_top1).
Deployment deploy_plan(const Plan& plan, const Model& model, const Platform& platform);

// Asked at each dynamics event for what runs from then on, given the platform as it stands (platform_at). Graphs
// index the platform it is given; the executor maps them onto the full platform by device name.
using Replanner = std::function<Deployment(const Platform& now, double t_s)>;

struct SimJob {
  std::string name;
  std::string key;
  Platform platform;
  TaskGraph graph;
  Workload workload;
  std::vector<DynamicsEvent> dynamics;
  std::uint64_t seed = 1;
  double deadline_s = 0;
  double accuracy_top1 = 0;
  std::string accuracy_source;  // empty = published (model zoo facts)
  bool trace = false;
  // Set when the plan is replicated (then `graph` is replicas.graphs[0]); frames are routed among the replicas.
  std::optional<Deployment> replicas;
  // Set for adaptive planners when the scenario has dynamics: the run is re-planned at each event (run_adaptive).
  Replanner replan;
};

// Replicated plans and re-planning run on the analytic executor only (the SimGrid executor fixes one actor set per
// task graph when its Engine starts); the runner and `simulate` route such jobs there and say so.
inline bool needs_analytic(const SimJob& job) { return job.replicas.has_value() || (job.replan && !job.dynamics.empty()); }

// The platform as it stands at time t under the dynamics: the station rates, cloud bandwidth and pstates in force at
// t, and without the devices failed at or before t. Stragglers are not shown (a planner cannot see a transient
// slowdown coming); they still slow the run.
Platform platform_at(const Platform& platform, const std::vector<DynamicsEvent>& dynamics, double t);

// A graph built on `from` re-indexed onto `to` (a superset, matched by device name).
TaskGraph reindex_devices(TaskGraph graph, const Platform& from, const Platform& to);

// Builds the TaskGraph(s) of `plan` (deploy_plan) and packs the scenario's workload, dynamics, seed, deadline and the
// accuracy of what the plan runs. Does not set `replan` (the planner registry's make_scenario_job does).
SimJob make_job(const Scenario& scenario, const Plan& plan);

// Arrival time of every frame. Closed: all 0 (executors gate each frame on the previous one); periodic: f / rate;
// Poisson: cumulative exponential gaps −ln(1−u)/rate, u from mt19937_64(seed) as (x >> 11)·2^−53 (portable:
// does not depend on the standard library's distributions).
std::vector<double> arrival_times(const Workload& w, std::uint64_t seed);

// Piecewise-constant conditions over simulated time, from the platform and the dynamics. A change at time t applies
// to activities that start at or after t (SimGrid's Wi-Fi semantics), except cloud bandwidth and device speed,
// which re-rate running transfers and computations (fluid).
class Conditions {
 public:
  Conditions(const Platform& platform, const std::vector<DynamicsEvent>& dynamics);

  double station_rate_Bps(int device, double t) const;
  double cloud_bandwidth_Bps(double t) const;
  double speed(int device, double t) const;  // pstate speed / straggler factor
  int pstate(int device, double t) const;
  double latency_s(int src, int dst) const;  // wifi_latency per air hop + cloud latency on the wired link
  int air_crossings(int src, int dst) const; // 2 station→station, 1 station↔cloud, 0 local
  // End of a transfer of `bytes` from src to dst started at `start` with no other traffic (the route's bottleneck).
  double transfer_end(int src, int dst, double start, double bytes) const;
  // End of `work_ref_s` seconds of speed-1 work on `device` started at `start`.
  double compute_end(int device, double start, double work_ref_s) const;
  // Energy of the device's host power between 0 and `end` given its (merged) busy intervals.
  double host_energy_J(int device, const std::vector<std::pair<double, double>>& busy, double end) const;
  // The first failure of a device (time), if any.
  std::optional<double> failure_time(int device) const;

  // Distinct station rates (initial and from dynamics), ascending: the SimGrid Wi-Fi link's levels.
  std::vector<double> rate_levels() const;
  struct Step {
    double time_s;
    double value;
  };
  const std::vector<Step>& rate_steps(int device) const { return rates_[static_cast<std::size_t>(device)]; }
  const std::vector<Step>& cloud_steps() const { return cloud_; }
  const std::vector<Step>& straggler_steps(int device) const { return slow_[static_cast<std::size_t>(device)]; }
  const std::vector<Step>& pstate_steps(int device) const { return pstates_[static_cast<std::size_t>(device)]; }

 private:
  const Platform* platform_;
  std::vector<std::vector<Step>> rates_, slow_, pstates_;  // per device; pstates_ values are indices
  std::vector<Step> cloud_;
  std::vector<std::optional<double>> failures_;
  static double at(const std::vector<Step>& s, double t);
};

}  // namespace edgesplit
