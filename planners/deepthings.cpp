// Baseline `deepthings`: Fused Tile Partitioning (Zhao, Barijough, Gerstlauer, DeepThings, IEEE TCAD 37(11) 2018;
// code zoranzhao/DeepThings src/ftp.c; papers.md §6). The first L layers are fused; the output of layer L is cut
// into an N×M grid by ftp.c grid() (stride ⌈W/M⌉, ⌈H/N⌉, the last tile absorbing the remainder: tile_grid); each
// tile's input is found by ftp.c traversal() backwards from layer L to the image (conv [o1·S − ⌊F/2⌋, o2·S + ⌊F/2⌋],
// max-pool [o1·S, o2·S + S − 1], clipped — our back_propagate gives the same rectangles for Darknet's same padding);
// tiles run independently (no communication inside the fused stack); the rest of the model runs on the gateway (the
// requester), which also holds the image and receives every tile's output.
//
// Reconstruction: DeepThings distributes tiles by work stealing (an idle edge node pulls the next tile from the
// gateway's queue). A Plan fixes every piece's device before the run, so tiles are assigned by list scheduling in
// the gateway's queue order: each tile goes to the device that would finish it earliest (free time + input upload +
// compute), which is the assignment work stealing converges to when the estimates are right.
// Reconstruction (data reuse): DeepThings' reuse schedule computes the tiles with (i + j) even first and lets the odd
// ones reuse their borders. We follow the checkerboard order in the queue; the saving itself (odd tiles skipping the
// overlap) needs intermediate data exchanged between pieces of one stage, which a Plan cannot express, so the plan's
// MACs are those of independent tiles and the note says so.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "planners/baseline_util.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"
#include "sim/model/partition_cost.hpp"

namespace edgesplit {
namespace {

PlannerInfo deepthings_info() {
  return {"deepthings",
          "Fused Tile Partitioning of the first L layers into an N×M grid, tiles list-scheduled over the stations, the "
          "rest on the gateway (requester)",
          "Zhao et al., DeepThings, IEEE TCAD 2018, FTP (ftp.c grid/traversal) (papers.md §6)",
          {{"fused_layers", "int", 16, "L: layers fused from the first one (DeepThings' YOLOv2 default 16)", 1.0, {}, {}},
           {"grid_rows", "int", 5, "N: tile rows of layer L's output (DeepThings README: 5)", 1.0, 64.0, {}},
           {"grid_cols", "int", 5, "M: tile columns (DeepThings README: 5)", 1.0, 64.0, {}},
           {"data_reuse", "bool", false, "checkerboard queue order of DeepThings' data-reuse mode", {}, {}, {}},
           {"gateway_tiles", "bool", true, "the gateway (requester) also computes tiles", {}, {}, {}},
           {"accounting", "string", "executed", "tile compute accounting", {}, {}, {"executed", "output_area"}},
           {"bits", "int", 32, "bits per element of transferred activations", 1.0, 64.0, {}}}};
}

// Estimated time of one piece of the fused run on a device: the per-layer profile times of its regions.
double piece_time_s(const Model& m, const Device& d, const FusedRunCost& cost, ComputeAccounting acc) {
  double t = 0;
  for (const auto& lc : cost.layers) {
    const Layer& layer = m.layers[static_cast<std::size_t>(lc.layer)];
    std::int64_t macs = acc == ComputeAccounting::Executed ? lc.executed_macs : lc.output_area_macs;
    std::int64_t area = acc == ComputeAccounting::Executed ? std::int64_t(lc.executed_rows) * lc.executed_cols : lc.out.area();
    std::int64_t full = std::int64_t(layer.out.h) * layer.out.w;
    double other = full > 0 ? static_cast<double>(layer_other_ops(layer)) * static_cast<double>(area) / static_cast<double>(full) : 0;
    int rows = layer.out.w > 0 ? static_cast<int>((area + layer.out.w - 1) / layer.out.w) : 0;
    t += layer_time_s(d.profile, d.pstate, m.name, layer, rows, static_cast<double>(macs) + other);
  }
  return t;
}

// Rejects a grid with an empty tile: stride ⌈size/parts⌉ leaves the last tile (parts − 1)·stride ≥ size cells.
void check_ftp_grid(const Shape& out, int n, int m, const std::string& layer_name) {
  auto check = [&](int size, int parts, const char* dim, const char* key) {
    int stride = (size + parts - 1) / parts;
    if (parts > size || (parts - 1) * stride >= size)
      throw InputError(InputIssue{
          "", 0, 0, std::string("planner.options.") + key,
          fmt::format("degenerate FTP grid: {} {} on the {}×{} output of layer '{}' leave the last tile empty "
                      "(stride ⌈{}/{}⌉ = {}, {}·{} ≥ {}); the largest count below {} that works is {}",
                      parts, dim, out.h, out.w, layer_name, size, parts, stride, parts - 1, stride, size, parts,
                      [&] {
                        int best = 1;
                        for (int k = 1; k < parts && k <= size; ++k)
                          if ((k - 1) * ((size + k - 1) / k) < size) best = k;
                        return best;
                      }())});
  };
  check(out.h, n, "rows", "grid_rows");
  check(out.w, m, "cols", "grid_cols");
}

class DeepthingsPlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    const PlannerInfo info = deepthings_info();
    const Model& m = in.model;
    int L = option_or<int>(in, info, "fused_layers");
    int n = option_or<int>(in, info, "grid_rows"), mc = option_or<int>(in, info, "grid_cols");
    bool reuse = option_or<bool>(in, info, "data_reuse");
    bool gateway_tiles = option_or<bool>(in, info, "gateway_tiles");
    int bits = option_or<int>(in, info, "bits");
    ComputeAccounting acc = compute_accounting_from_name(option_or<std::string>(in, info, "accounting"));
    int last = m.size() - 1;
    if (L > last)
      throw InputError(InputIssue{"", 0, 0, "planner.options.fused_layers",
                                  fmt::format("fused_layers {} exceeds the model's {} layers", L, last)});
    if (!baseline::spatial_run(m, 1, L))
      throw InputError(InputIssue{"", 0, 0, "planner.options.fused_layers",
                                  fmt::format("FTP fuses spatial layers only; layers 1..{} include one without a spatial "
                                              "map", L)});
    auto cuts = baseline::cut_vertices(m);
    if (std::find(cuts.begin(), cuts.end(), L) == cuts.end())
      throw InputError(InputIssue{"", 0, 0, "planner.options.fused_layers",
                                  fmt::format("the fused stack must end where one tensor crosses; layer {} '{}' is inside "
                                              "a block", L, m.layers[static_cast<std::size_t>(L)].name)});
    const Layer& out_layer = m.layers[static_cast<std::size_t>(L)];
    check_ftp_grid(out_layer.out, n, mc, out_layer.name);

    Plan p = baseline::requester_plan(in, "deepthings");
    int gw = in.platform.index_of(p.source);
    p.accounting = acc == ComputeAccounting::Executed ? Accounting::Executed : Accounting::OutputArea;
    p.output_bits = bits;
    std::vector<int> devs;
    for (int d : baseline::stations(in.platform))
      if (gateway_tiles || d != gw) devs.push_back(d);
    if (devs.empty()) devs.push_back(gw);

    std::vector<Region> tiles = tile_grid(out_layer.out, n, mc);
    // The gateway's queue: row-major (ftp.c task ids), or the data-reuse checkerboard (level 0 first, then level 1).
    std::vector<int> order;
    for (int level = 0; level < (reuse ? 2 : 1); ++level)
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < mc; ++j)
          if (!reuse || (i + j) % 2 == level) order.push_back(i * mc + j);

    std::vector<double> free_s(devs.size(), 0.0);
    std::vector<std::string> tile_dev(tiles.size());
    const std::int64_t in_ch = m.layers[0].out.c;
    for (int t : order) {
      FusedRunCost cost = fused_run_cost(m, 1, L, tiles[static_cast<std::size_t>(t)]);
      Region need_in = cost.inputs.count(0) ? cost.inputs.at(0) : Region{};
      double in_bytes = std::ceil(static_cast<double>(need_in.area() * in_ch) * bits / 8.0);
      std::size_t best = 0;
      double best_finish = std::numeric_limits<double>::infinity();
      for (std::size_t k = 0; k < devs.size(); ++k) {
        const Device& d = in.platform.devices[static_cast<std::size_t>(devs[k])];
        double upload = devs[k] == gw ? 0.0
                                      : baseline::link_latency_s(in.platform, gw, devs[k]) +
                                            in_bytes / baseline::link_rate_Bps(in.platform, gw, devs[k]);
        double finish = free_s[k] + upload + piece_time_s(m, d, cost, acc);
        if (finish < best_finish) {
          best_finish = finish;
          best = k;
        }
      }
      free_s[best] = best_finish;
      tile_dev[static_cast<std::size_t>(t)] = in.platform.devices[static_cast<std::size_t>(devs[best])].name;
    }
    Stage s;
    s.first_layer = 1;
    s.last_layer = L;
    s.split = SplitKind::Tiles;
    s.grid_rows = n;
    s.grid_cols = mc;
    s.input_bits = bits;
    for (int t : order) s.pieces.push_back({tile_dev[static_cast<std::size_t>(t)], tiles[static_cast<std::size_t>(t)]});
    p.stages.push_back(s);
    if (L < last) {
      Stage rest = whole_stage(m, L + 1, last, p.source);
      rest.input_bits = bits;
      p.stages.push_back(rest);
    }
    p.note = fmt::format("FTP: layers 1..{} in a {}×{} grid list-scheduled over {} stations{}, the rest on {}", L, n, mc,
                         devs.size(), reuse ? " (checkerboard order; reuse saving not modelled)" : "", p.source);
    return p;
  }
};

}  // namespace

PlannerEntry deepthings_entry() {
  return {deepthings_info(), [] { return std::make_unique<DeepthingsPlanner>(); }};
}

}  // namespace edgesplit
