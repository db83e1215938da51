// AWD — adaptive workload distribution for accuracy-aware DNN inference on collaborative edge platforms (Taufique,
// Miele, Liljeberg, Kanduri, ASP-DAC 2024, arXiv 2310.10157): the joint choice of every node's model variant (the
// accuracy configuration) and its share of the request stream (the heterogeneity-aware partition), as pure functions
// on a per-node × per-variant cost table, so the solver is tested on tables written by hand.
//
// Verified from the paper (abstract, papers.md §5.1): a cluster of collaborative edge nodes (Odroid XU4, Raspberry
// Pi 4, Jetson Nano) shares a DNN inference workload; the method "combinatorially optimizes heterogeneity-aware
// workload partitioning and dynamic accuracy configuration of DNN models to ensure performance and accuracy
// guarantees"; the introduction's first sentence frames the workload as "continuous input data streams".
// Reconstruction (the full text was not obtainable; papers.md §5.2): request-level (data-parallel) distribution —
// node n serves share w_n of the frames with variant m_n run whole — shares in closed form, exhaustive enumeration of
// (m_1..m_N), objective/constraint pairs below.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "planners/planner.hpp"
#include "sim/model/model.hpp"
#include "sim/plan/plan.hpp"
#include "sim/platform/platform.hpp"

namespace edgesplit::awd {

// What each node costs with each variant, as the analytic executor predicts a whole-model replica of the variant on
// the node, the input sent from the requester and the result returned to it.
struct CostTable {
  std::vector<std::string> nodes;     // device names
  std::vector<std::string> variants;  // zoo names
  std::vector<double> top1;           // per variant, ImageNet top-1 %
  std::vector<std::string> top1_source;
  std::vector<std::vector<double>> latency_s;  // [node][variant]: one frame alone, requester to requester
  std::vector<std::vector<double>> period_s;   // [node][variant]: the replica's stream period (1 / its throughput)
};

enum class Goal {
  MaxAccuracy,    // maximise Σ w_n·A(m_n) s.t. throughput ≥ required_fps (and the latency bound)
  MaxThroughput,  // maximise throughput s.t. Σ w_n·A(m_n) ≥ accuracy_floor (and the latency bound)
};

// How the request stream is divided among the nodes in use.
enum class Split {
  Proportional,  // w_n ∝ 1/period_n: every node saturates together, throughput Σ_n 1/period_n (heterogeneity-aware)
  Equal,         // w_n = 1/K over the K nodes in use: the slowest saturates first, throughput K / max_n period_n
};

struct Requirement {
  Goal goal = Goal::MaxAccuracy;
  double required_fps = 0;     // 0 = none
  double accuracy_floor = 0;   // top-1 %, 0 = none
  double latency_bound_s = 0;  // every node in use must finish a frame within this; 0 = none
};

// Which assignments the search may consider: AWD's joint search, or the baselines' restrictions.
struct SearchSpace {
  Split split = Split::Proportional;
  int fixed_variant = -1;  // >= 0: every node in use runs this variant (the fixed-model baselines)
  bool every_node = false; // every node serves frames (the capability-blind equal split); else a node may stay unused
};

struct Choice {
  std::vector<int> variant;   // per node: index into CostTable::variants, -1 = the node serves no frames
  std::vector<double> share;  // per node: w_n, Σ = 1
  double throughput_fps = 0;  // the stream rate the nodes sustain together
  double accuracy_top1 = 0;   // Σ_n w_n·A(m_n)
  double latency_max_s = 0;   // the slowest node in use, one frame alone
  bool feasible = false;      // meets every requirement
  double shortfall_ratio = 0; // relative shortfall summed over the requirements (0 when feasible)
  std::string shortfall;      // when infeasible: which requirement is missed, by how much
};

// True when `a` ranks before `b`: feasible first; among feasible, the goal's measure then the other one; among
// infeasible, the smaller shortfall, then the goal's measure.
bool preferred(const Choice& a, const Choice& b, Goal goal);

// Shares, throughput, accuracy and latency of one assignment (at least one node in use). Throws std::invalid_argument
// on an assignment of the wrong size or without a node in use.
Choice assess(const CostTable& table, const std::vector<int>& variant, Split split);

// Exhaustive search over every assignment (each node: one variant or unused) for the best under `req`; ties go to the
// secondary measure (throughput for MaxAccuracy, accuracy for MaxThroughput), then to the first assignment in
// enumeration order (node 0's variant varies slowest, "unused" first). When nothing meets the requirement, the
// returned choice has feasible = false and is the one with the smallest relative shortfall summed over the
// requirements (ties as above): the closest the platform can come. Throws InputError when the search space exceeds
// max_assignments (it grows as (variants + 1)^nodes).
Choice solve(const CostTable& table, const Requirement& req, const SearchSpace& space = {},
             std::int64_t max_assignments = 20'000'000);

// The fixed-model baselines with the model tuned: the best of solve(…, {split, k, every_node}) over every variant k.
Choice solve_best_fixed(const CostTable& table, const Requirement& req, Split split, bool every_node);

// The replica plan the cost table is built from and the planner emits: variant `model` whole on `device`, the frame
// sent from `requester` (input_bits per element) and the result returned to it (output_bits per element).
struct ReplicaPlanArgs {
  std::string requester;
  int input_bits = 8;
  int output_bits = 32;
};
Plan replica_plan(const Model& model, const std::string& device, const ReplicaPlanArgs& args);

// The cost table of `variants` (models) on `nodes` (device indices of `platform`) by the analytic executor.
CostTable cost_table(const std::vector<Model>& variants, const Platform& platform, const std::vector<int>& nodes,
                     const ReplicaPlanArgs& args);

// The variant set a planner option names: "mobilenet_v1" (the 16 TF-slim width × resolution checkpoints of
// papers.md §7.2) or a comma-separated list of zoo names. Throws InputError (key planner.options.variants) on an
// unknown name or a model without a published top-1.
std::vector<Model> variant_models(const std::string& spec);


// The planner's whole decision for one platform as it stands: the table it searched, the choice, and one replica plan
// per node in use (platform order) with its share of the frames.
struct Distribution {
  CostTable table;
  Requirement requirement;
  Choice choice;
  std::vector<Plan> replicas;
  std::vector<double> shares;
  std::string strategy;
  std::string note;
};

// Reads the planner's options (PlannerInfo of `awd`) and the scenario's objective and constraints, searches, and builds
// the replicas. Throws InputError for bad options and, with on_infeasible: error, when the requirement cannot be met.
Distribution distribute(const PlanningInput& in);

}  // namespace edgesplit::awd
