// Baseline `deeperthings`: DeepThings' fused tiles extended to several fused blocks, fully distributed, equal split
// (Stahl et al., DeeperThings, IJPP 2021, as DistrEdge describes it: "equal split, several fused blocks", papers.md
// §4.6 / §6). Every block's output is cut into an equal grid with one tile per station (grid stride rule of
// DeepThings ftp.c, tile_grid); tiles of consecutive blocks exchange exactly the halo regions they need, directly.
//
// Reconstruction: the paper was not read (papers.md §6 gives only DistrEdge's one-line summary). The block
// boundaries are chosen among the cut vertices of the spatial part of the model so that the blocks have as equal
// MACs as possible (`blocks` of them); the grid is the factorisation rows × cols = stations closest to square (rows ≥
// cols), falling back to row bands when a block's output is too small for it; DeeperThings partitions
// fully-connected weights across devices, which a Plan cannot express, so the layers without a spatial map run whole
// on the station with the highest conv capability.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "planners/baseline_util.hpp"
#include "planners/registry.hpp"

namespace edgesplit {
namespace {

PlannerInfo deeperthings_info() {
  return {"deeperthings",
          "several fused blocks of MAC-balanced size, each cut into an equal tile grid with one tile per station, "
          "exchanged directly",
          "Stahl et al., DeeperThings, IJPP 2021 (as summarised by DistrEdge, IPDPS'22; papers.md §6)",
          {{"blocks", "int", 3, "number of fused blocks over the spatial layers", 1.0, 64.0, {}},
           {"accounting", "string", "executed", "tile compute accounting", {}, {}, {"executed", "output_area"}},
           {"bits", "int", 32, "bits per element of transferred activations", 1.0, 64.0, {}}}};
}

class DeeperthingsPlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    const PlannerInfo info = deeperthings_info();
    const Model& m = in.model;
    int blocks = option_or<int>(in, info, "blocks");
    int bits = option_or<int>(in, info, "bits");
    bool executed = option_or<std::string>(in, info, "accounting") == "executed";
    Plan p = baseline::requester_plan(in, "deeperthings");
    p.accounting = executed ? Accounting::Executed : Accounting::OutputArea;
    p.output_bits = bits;
    std::vector<int> st = baseline::stations(in.platform);
    std::vector<std::string> names = baseline::names(in.platform, st);
    int last = m.size() - 1;

    // Spatial prefix [1, S] and its admissible boundaries.
    int S = 0;
    while (S + 1 <= last && baseline::spatial_run(m, S + 1, S + 1)) ++S;
    std::vector<int> cuts;
    for (int k : baseline::cut_vertices(m))
      if (k >= 1 && k <= S) cuts.push_back(k);
    if (S > 0 && (cuts.empty() || cuts.back() != S)) {
      // The spatial prefix ends inside a block (rare): extend it to the last admissible cut.
      S = cuts.empty() ? 0 : cuts.back();
    }
    std::vector<double> cum(static_cast<std::size_t>(last + 1), 0.0);
    for (int l = 1; l <= last; ++l)
      cum[static_cast<std::size_t>(l)] = cum[static_cast<std::size_t>(l - 1)] + static_cast<double>(layer_macs(m.layers[static_cast<std::size_t>(l)]));
    std::vector<int> bounds;  // block ends, ascending, the last is S
    if (S > 0) {
      double total = cum[static_cast<std::size_t>(S)];
      for (int b = 1; b < blocks; ++b) {
        double target = total * b / blocks;
        int best = -1;
        for (int k : cuts)
          if (k < S && (bounds.empty() || k > bounds.back()) &&
              (best < 0 || std::abs(cum[static_cast<std::size_t>(k)] - target) < std::abs(cum[static_cast<std::size_t>(best)] - target)))
            best = k;
        if (best > 0) bounds.push_back(best);
      }
      bounds.push_back(S);
    }

    // rows × cols = number of stations, closest to square.
    int n = static_cast<int>(st.size()), gr = n, gc = 1;
    for (int c = 1; c * c <= n; ++c)
      if (n % c == 0) gr = n / c, gc = c;
    int first = 1;
    for (int b : bounds) {
      const Shape& out = m.layers[static_cast<std::size_t>(b)].out;
      std::vector<Region> regions;
      SplitKind kind = SplitKind::Tiles;
      int rstride = (out.h + gr - 1) / gr, cstride = (out.w + gc - 1) / gc;
      if (gr <= out.h && gc <= out.w && (gr - 1) * rstride < out.h && (gc - 1) * cstride < out.w) {
        regions = tile_grid(out, gr, gc);
      } else {
        regions = row_bands(out, std::vector<double>(st.size(), 1.0));
        kind = SplitKind::Rows;
      }
      Stage s = baseline::pieces_stage(first, b, kind, names, regions);
      if (kind == SplitKind::Tiles) s.grid_rows = gr, s.grid_cols = gc;
      s.input_bits = bits;
      p.stages.push_back(s);
      first = b + 1;
    }
    if (first <= last) {
      std::size_t best = 0;
      for (std::size_t k = 1; k < st.size(); ++k)
        if (baseline::layer_capability(in.platform.devices[static_cast<std::size_t>(st[k])], m.layers[1]) >
            baseline::layer_capability(in.platform.devices[static_cast<std::size_t>(st[best])], m.layers[1]))
          best = k;
      Stage tail = whole_stage(m, first, last, names[best]);
      tail.input_bits = bits;
      p.stages.push_back(tail);
    }
    std::string ends;
    for (int b : bounds) ends += fmt::format("{}{}", ends.empty() ? "" : ",", b);
    p.note = fmt::format("{} fused blocks ending at layers {} in a {}×{} grid over {} stations", bounds.size(), ends, gr,
                         gc, st.size());
    return p;
  }
};

}  // namespace

PlannerEntry deeperthings_entry() {
  return {deeperthings_info(), [] { return std::make_unique<DeeperthingsPlanner>(); }};
}

}  // namespace edgesplit
