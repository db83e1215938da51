// DistrEdge (Hou et al., IPDPS'22): LC-PSS, the greedy partition-location search (Alg. 1, eqs. 3–4), and OSDS, the
// DDPG search of split decisions (Alg. 2, eq. 9). No torch types here: libtorch lives in distredge.cpp only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/model/model.hpp"
#include "sim/platform/platform.hpp"

namespace edgesplit::distredge {

// The units LC-PSS places partition locations between: PICO's admissible pieces without merging (one layer each in a
// chain such as VGG-16; a whole residual / inception block in a DAG). Indices into the returned list are the
// paper's layer indices 1..|M| (0-based here).
struct Unit {
  int first_layer = 1, last_layer = 1;
  bool vector = false;  // output is 1×1 (FC, global pool): its "rows" are its output neurons, each needing all input
  int rows = 0;         // output rows (neurons for a vector unit)
  std::int64_t elements_per_row = 0;
};
std::vector<Unit> layer_units(const Model& model);

struct LcpssOptions {
  double alpha = 0.75;      // eq. 3 weight of T
  int random_splits = 100;  // |R_s^r|
  int providers = 4;        // |D|
  std::uint64_t seed = 1;
};

// C_p of eq. 3 for one scheme and one split decision: T = bytes moved between providers at LV boundaries, O = ops of
// every split-part including halo recomputation. Reconstruction (papers.md §4.4, unstated): T is normalised by the
// bytes of every unit's output, O by the model's ops; the input image is pre-split (§4.6), so its distribution is not
// in T. `starts` are LV start units (ascending, first 0); `cuts[l]` the |D|−1 sorted cut rows on LV l's last unit.
struct SchemeCost {
  double transmitted_bytes = 0;  // T
  double operations = 0;         // O
};
SchemeCost scheme_cost(const Model& model, const std::vector<Unit>& units, const std::vector<int>& starts,
                       const std::vector<std::vector<int>>& cuts);

// Alg. 1: greedy search from R_p = {1, |M|}; returns the LV start units.
std::vector<int> lcpss(const Model& model, const std::vector<Unit>& units, const LcpssOptions& options);

}  // namespace edgesplit::distredge

#include "planners/planner.hpp"

namespace edgesplit::distredge {

// OSDS (Alg. 2) hyper-parameters; defaults are the paper's (§4.5) where it gives them.
struct OsdsOptions {
  int episodes = 4000;        // Max_ep
  double delta = 1.0 / 250;   // Δ: exploration probability ε = 1 − (episode·Δ)²
  double sigma2 = -1;         // exploration noise variance; < 0: 0.1 for ≤ 4 providers … 1 for ≥ 16 (linear between)
  int batch = 64;             // N_b
  double gamma = 0.99;
  double lr_actor = 1e-4, lr_critic = 1e-3;
  double tau = 0.005;         // target update rate (not given by the paper; Lillicrap et al.'s 1e-3 is slow here)
  int replay = 100000;        // replay capacity (not given)
  std::uint64_t seed = 1;
  std::string policy_file;    // when set, the trained actor is saved there (torch::save)
  // §4.2: the requester (a phone) only sends the pre-split image and receives the result; the providers compute.
  // true lets the requester also be a provider (our platforms' requesters are often capable devices).
  bool requester_provides = true;
  // Keep the best single-provider decision when the DDPG found nothing better (reconstruction; see osds()).
  bool single_provider_candidates = true;
};

struct OsdsResult {
  std::vector<int> starts;                // OSDS layer-volumes (start units; the vector tail excluded)
  int tail_unit = -1;                     // first unit of the unsplit FC tail (-1: none)
  std::vector<std::vector<int>> cuts;     // best-ever split decision per layer-volume
  std::vector<int> providers;             // device indices the cuts refer to, in order
  double first_latency_s = 0;             // the evaluator's latency of episode 1's decision
  double best_latency_s = 0;              // of the best-ever decision
  double final_latency_s = 0;             // of the trained actor's own decision (no exploration) after training
  int best_episode = 0;                   // 0: no trained decision beat the single-provider candidate
  int single_provider = -1;               // device index when that candidate was kept, else -1
  std::vector<double> episode_latency_s;  // the evaluator's latency of each episode's decision (exploration included)
};

// The providers (|D|): the Wi-Fi stations, without the requester unless `requester_provides` (or it is the only one).
std::vector<int> providers(const Platform& platform, bool requester_provides);

// Trains the DDPG agent over the layer-volumes that LC-PSS found (`lcpss_starts`) on the platform's Wi-Fi stations,
// rewarding 1/T with T the evaluator's latency of the whole plan; returns the best-ever decision.
OsdsResult osds(const Model& model, const Platform& platform, const std::vector<Unit>& units,
                const std::vector<int>& lcpss_starts, const OsdsOptions& options, const Evaluator& evaluator);

// The Plan of a decision: each layer-volume a Rows stage split at its cuts (empty split-parts dropped, Route::Direct),
// the FC tail whole on the provider holding the largest share of the last layer-volume (§4.2).
Plan decision_plan(const Model& model, const Platform& platform, const std::vector<Unit>& units, const OsdsResult& r);

}  // namespace edgesplit::distredge
