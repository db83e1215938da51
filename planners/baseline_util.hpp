// Helpers the baseline planners share: device sets, the DAG's admissible cut points, the linear device and network
// models (AOFL, CoEdge, MoDNN plan with these), and the energy of one frame of a TaskGraph (Neurosurgeon's mobile
// energy, CoEdge's total energy).
#pragma once

#include <string>
#include <vector>

#include "planners/planner.hpp"
#include "sim/plan/task_graph.hpp"

namespace edgesplit::baseline {

// Index of the requester; throws InputError "planner 'NAME' needs a requester device" when absent.
int requester(const PlanningInput& in, const std::string& planner);
// Wi-Fi stations in platform order (the edge devices; the cloud host is not one).
std::vector<int> stations(const Platform& p);
std::vector<std::string> names(const Platform& p, const std::vector<int>& devices);

// Layer indices k in [0, L-1] after which exactly one tensor (layer k's output) is live: no layer <= k feeds a layer
// > k except k itself. k = 0 is the input; k = L-1 the output. On a chain every index qualifies; on a DAG these are
// the articulation points where a split transfers a single tensor (Neurosurgeon's layer-granular split extended to
// DAGs; PICO step C's admissible cuts, papers.md §1.5).
std::vector<int> cut_vertices(const Model& m);

// True when every layer of [first, last] has a spatial output (h > 1 or w > 1), so its rows can be partitioned.
bool spatial_run(const Model& m, int first, int last);

// Linear device model: time of `region` of a layer on a device from the per-op-class affine cost (fixed + work /
// rate, papers.md §6 "linear device model" of AOFL / CoEdge / MoDNN as DistrEdge describes them); output-area MACs.
double linear_layer_time_s(const Device& d, const Layer& layer, const Region& region);
// Linear network model: bottleneck rate of the route src → dst (station→station crosses the air twice; station↔cloud
// also limited by the wired link) — the analytic executor's rate.
double link_rate_Bps(const Platform& p, int src, int dst);
double link_latency_s(const Platform& p, int src, int dst);
// Device capability for one layer: 1 / (time of the whole layer), the BODP / AOFL / CoEdge "capability" weight.
double layer_capability(const Device& d, const Layer& layer);

// Energy of one frame as the graph's work: busy power × compute time of each compute role, radio tx power × airtime
// on the sender and rx power × airtime on the receiver of every non-local transfer. Idle power is not charged (it
// does not depend on the plan). `only_device` >= 0 restricts the sum to one device (Neurosurgeon's mobile energy).
// Reconstruction: neither Neurosurgeon nor CoEdge gives our executors' energy accounting; this is theirs in spirit
// (compute power × time + transmit power × time).
double frame_energy_J(const TaskGraph& g, const Platform& p, int only_device = -1);

// A plan's score under the scenario's objective: latency (Latency, Accuracy), period (Throughput), energy (Energy;
// all devices). Candidates over the latency cap score +inf.
struct Score {
  double value = 0;
  double latency_s = 0;
  double period_s = 0;
  double energy_J = 0;
};
Score score(const PlanningInput& in, const Plan& plan);
bool better(const Score& a, const Score& b);

// A plan stage with explicit pieces (regions of the stage's last layer).
Stage pieces_stage(int first, int last, SplitKind kind, const std::vector<std::string>& devices,
                   const std::vector<Region>& regions);

// Plan skeleton: source and sink at the requester.
Plan requester_plan(const PlanningInput& in, const std::string& planner);

}  // namespace edgesplit::baseline
