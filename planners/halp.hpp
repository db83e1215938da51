// HALP — distributed CNN inference with seamless host/secondary collaboration (Li, Iosifidis, Zhang, ICC'22, arXiv
// 2207.11294; prototype on three Raspberry Pi 4: Dong, Li, Iosifidis, Zhang, European Wireless 2022, arXiv
// 2211.13778; papers.md §3). The geometry, the plan, the ratio optimisation and the model selection as pure functions,
// so tests can check each on cases solved by hand.
//
// Verified (abstracts, papers.md §3.1): segment-based partitioning of the input feature map that respects the
// receptive field; the overlapping zone of the secondaries' sub-tasks is executed on the host, to maximise the
// parallelism between communication and computation; the task-partitioning ratio is optimised; dynamic model
// selection picks the most accurate MobileNet-V1 width × resolution variant within the latency constraint, and with
// HALP improves service reliability over stand-alone computation under a time-variant channel.
// Reconstruction (the full texts were not obtainable; papers.md §3.2, docs/planners.md "HALP"):
// - Blocks: the spatial prefix of the model is cut into blocks at single-tensor cuts. At each block end the rows are
//   divided into segments, top to bottom S1, H, S2, H, …, SN (host strips between consecutive secondaries, so that
//   every row a secondary lacks comes from the host; S1, H with one secondary).
// - Overlapping zone: inside a block the host computes the receptive-field cone of its strips (back-propagated from
//   the block end), which reaches into the secondaries' segments; a secondary computes the rest of its segment. So
//   the zone where the sub-tasks' receptive fields overlap is computed once, on the host (RFS, the sibling ICC'22
//   paper, computes it on both), the host never waits for a secondary inside a block, and a secondary needs, layer by
//   layer, only the rows next to its segment — which the host computes first and sends while the secondary computes
//   its interior rows. Blocks start with one exchange (the host's cone needs the secondaries' boundary rows).
// - Every layer of the prefix is one plan stage; a device computes its pieces one at a time in plan order
//   (Plan::sequential_devices): the host's halo rows, then the rest; a secondary's interior rows, then its edge rows.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "planners/planner.hpp"
#include "sim/model/model.hpp"
#include "sim/plan/plan.hpp"
#include "sim/plan/task_graph.hpp"
#include "sim/platform/platform.hpp"

namespace edgesplit::halp {

// The host (holds the frame, computes every overlapping zone, gathers the result) and the secondaries, and the order
// of the segments of every block end, top to bottom.
struct Setup {
  std::string host;
  std::vector<std::string> secondaries;
  std::vector<std::string> layout;  // device per segment: S1, H, S2, H, …, SN (N ≥ 2) or S1, H (N = 1)
  std::vector<bool> host_segment;   // per segment: the host's strip
};
// Throws InputError (key planner.options.secondaries) when there is no secondary or the host is one of them.
Setup make_setup(const std::string& host, const std::vector<std::string>& secondaries);

// P: the last layer of the partitionable prefix — the largest single-tensor cut k ≥ 1 with every layer 1..k spatial
// (more than one output row or column). 0 when the model has none.
int spatial_prefix(const Model& m);

enum class BlockScheme {
  Downsample,  // a block ends at the first single-tensor cut where the map has shrunk since the previous block end
  Layer,       // every single-tensor cut ends a block (no overlapping zone: one exchange per layer)
  Whole,       // one block over the whole prefix
};
const char* block_scheme_name(BlockScheme s);
// Blocks [first, last] covering 1..prefix in order; every `last` is a single-tensor cut.
std::vector<std::pair<int, int>> blocks_of(const Model& m, int prefix, BlockScheme scheme);

// The blocks and, per block, the rows of each layout segment at the block's last layer (Σ = its height).
struct Partition {
  std::vector<std::pair<int, int>> blocks;
  std::vector<std::vector<int>> rows;
};

// One device's rows of a layer (all columns).
struct Part {
  std::string device;
  bool host = false;
  Region region;
};
// Per layer 0..prefix (index 0 unused): the parts top to bottom, non-empty, together every row once. Inside a block
// the host's parts are the cones of its strips (back-propagated from the block end; cones that meet are merged); the
// rows between them go to the secondaries whose segments lie between those strips, divided in proportion to their
// block-end rows (one secondary per gap when every host strip has rows).
std::vector<std::vector<Part>> layer_parts(const Model& m, const Setup& s, const Partition& part);

// The pieces of one layer, in the order the devices compute them: the host's rows that a secondary needs at a later
// layer (halo rows) before its other rows; a secondary's interior rows (all their inputs on the secondary) before
// its edge rows. Without `overlap`, one piece per part.
std::vector<Piece> layer_pieces(const Model& m, const std::vector<std::vector<Part>>& parts, int layer, int prefix,
                                bool overlap);

// The plan: one stage per prefix layer (direct routes), the layers after the prefix whole on the host, frames from and
// results to `requester`, sequential devices.
Plan build_plan(const Model& m, const Setup& s, const Partition& part, const std::string& requester, bool overlap);

// Reconstruction of the ratio (papers.md §3.2 step 3): rows of each segment at the end of `block` that make every
// device finish the block together on the linear device model — secondary i: c_i·n_i − b_i·ε_i = T, host:
// c_H·n_H + Σ_i b_i·ε_H,i = T, Σ n = rows — with c_j the device's time per block-end row, ε the cost of the
// overlapping zone at one boundary (on the secondary, which is spared it, and on the host, which computes it), b_i the
// secondary's boundaries with a host strip. Negative shares are clamped to 0, the host's share is divided equally among
// its strips, and rows are rounded by largest remainder.
std::vector<int> balanced_rows(const Model& m, const Platform& p, const Setup& s, std::pair<int, int> block);

// The host computes everything (secondaries' rows 0): stand-alone computation, always a candidate of the search.
Partition host_only(const Model& m, const Setup& s, const std::vector<std::pair<int, int>>& blocks);

// Air time of one frame's transfers on the platform's one Wi-Fi access point: Σ over non-local transfers of bytes ×
// (1/r_src + 1/r_dst) over the stations among the endpoints (a station-to-station transfer crosses the air twice;
// the cloud link is not air). Every transfer shares that air, so no run of the frame can be shorter (the SimGrid
// executor's Wi-Fi model: Σ_flows rate × (1/r_src + 1/r_dst) ≤ 1); the analytic executor, which lets transfers run
// side by side, does not see it.
double air_time_s(const TaskGraph& g, const Platform& p);

struct Optimised {
  Partition partition;
  Plan plan;
  double latency_s = 0;
  int evaluations = 0;
};
// The task-partitioning ratio, each candidate scored by `score` (one frame's latency), at most `max_evaluations`
// scores: (1) one share per segment for the whole network, from the closed form (balanced_rows averaged over the
// blocks) by coordinate descent; (2) from the best of that, the per-block closed form and the host alone, integer
// coordinate descent on every block's segment boundaries down to single rows.
using Scorer = std::function<double(const Plan&)>;
Optimised optimise(const Model& m, const Platform& p, const Setup& s, const std::string& requester,
                   BlockScheme scheme, bool overlap, const Scorer& score, int max_evaluations);

}  // namespace edgesplit::halp
