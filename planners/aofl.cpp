// Baseline `aofl`: Adaptive Optimal Fused-Layer partitioning (Zhou, Samavatian, Bacha, Majumdar, Teodorescu, SEC'19;
// papers.md §6): the model is cut into fused blocks; each block's output rows are split among the devices in
// proportion to their capability under a linear device model, the block's input is scattered and its output
// gathered through the requester under a linear network model; fusion points and the degree of parallelism of each
// block are chosen to minimise the frame's latency.
//
// Reconstruction: only the abstract and DistrEdge's and PICO's descriptions were read (linear device and network
// models, several fused blocks, split ratio ∝ capability, exhaustive search of partition locations; PICO: "a DP
// trading communication vs redundancy"). Because every block starts from and ends at the requester, the latency
// separates by block and the exhaustive search over fusion points is exactly a DP over block ends:
//   best[j] = min_{i ≤ j, p} best[i−1] + T(i, j, p),  T = max over the p most capable stations d (p = 0: the host
//   alone) of (upload of d's input rows + Σ_layers linear compute of d's back-propagated rows + return of its rows),
// over admissible cuts (cut vertices) of the spatial layers; layers without a spatial map run whole on the device
// that finishes them earliest. The DP uses the linear models (as AOFL does), not the evaluator.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "planners/baseline_util.hpp"
#include "planners/registry.hpp"

namespace edgesplit {
namespace {

PlannerInfo aofl_info() {
  return {"aofl",
          "fused-block boundaries and parallelism by DP on linear device/network models, rows ∝ capability, via the "
          "requester",
          "Zhou et al., AOFL, ACM/IEEE SEC'19 (papers.md §6)",
          {{"bits", "int", 32, "bits per element of transferred activations", 1.0, 64.0, {}}}};
}

struct Choice {
  double time_s = std::numeric_limits<double>::infinity();
  int from = 0;  // block is [from, end]
  int parallel = 1;
};

class AoflPlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    const Model& m = in.model;
    const Platform& pf = in.platform;
    int bits = option_or<int>(in, aofl_info(), "bits");
    Plan p = baseline::requester_plan(in, "aofl");
    p.output_bits = bits;
    int host = pf.index_of(p.source);
    std::vector<int> st = baseline::stations(pf);
    int last = m.size() - 1;
    int S = 0;
    while (S + 1 <= last && baseline::spatial_run(m, S + 1, S + 1)) ++S;
    std::vector<int> cuts;
    for (int k : baseline::cut_vertices(m))
      if (k <= S) cuts.push_back(k);
    S = cuts.back();
    const double Bpe = bits / 8.0;

    auto device_time = [&](int d, int i, int j, const Region& out) {
      const Device& dev = pf.devices[static_cast<std::size_t>(d)];
      auto need = back_propagate(m, i, j, out);
      double t = 0, in_bytes = 0;
      for (const auto& [l, reg] : need) {
        if (l < i)
          in_bytes += static_cast<double>(reg.area() * m.layers[static_cast<std::size_t>(l)].out.c) * Bpe;
        else
          t += baseline::linear_layer_time_s(dev, m.layers[static_cast<std::size_t>(l)], reg);
      }
      double out_bytes = static_cast<double>(out.area() * m.layers[static_cast<std::size_t>(j)].out.c) * Bpe;
      if (d != host)
        t += 2 * baseline::link_latency_s(pf, host, d) + in_bytes / baseline::link_rate_Bps(pf, host, d) +
             out_bytes / baseline::link_rate_Bps(pf, d, host);
      return t;
    };
    // Stations ranked by capability on the block, and the shares ∝ capability of the p fastest; p = 0: the host alone
    // (keeping a block local is always a candidate, whatever the host's rank).
    auto block_split = [&](int i, int j, int par, std::vector<std::string>& devs, std::vector<double>& share,
                           std::vector<int>& idx) {
      if (par == 0) {
        devs = {p.source};
        share = {1.0};
        idx = {host};
        return;
      }
      std::vector<std::pair<double, int>> cap;
      for (int d : st) {
        double t = 0;
        for (int l = i; l <= j; ++l)
          t += baseline::linear_layer_time_s(pf.devices[static_cast<std::size_t>(d)], m.layers[static_cast<std::size_t>(l)],
                                             full_region(m.layers[static_cast<std::size_t>(l)].out));
        cap.push_back({t > 0 ? 1.0 / t : 1.0, d});
      }
      std::stable_sort(cap.begin(), cap.end(), [](auto& a, auto& b) { return a.first > b.first; });
      devs.clear();
      share.clear();
      idx.clear();
      for (int k = 0; k < par; ++k) {
        idx.push_back(cap[static_cast<std::size_t>(k)].second);
        devs.push_back(pf.devices[static_cast<std::size_t>(cap[static_cast<std::size_t>(k)].second)].name);
        share.push_back(cap[static_cast<std::size_t>(k)].first);
      }
    };

    std::vector<Choice> best(static_cast<std::size_t>(S + 1));
    best[0].time_s = 0;
    std::vector<std::string> devs;
    std::vector<double> share;
    std::vector<int> idx;
    for (std::size_t cj = 1; cj < cuts.size(); ++cj) {
      int j = cuts[cj];
      for (std::size_t ci = 0; ci < cj; ++ci) {
        int i = cuts[ci] + 1;
        double before = best[static_cast<std::size_t>(i - 1)].time_s;
        for (int par = 0; par <= static_cast<int>(st.size()); ++par) {
          block_split(i, j, par, devs, share, idx);
          auto bands = row_bands(m.layers[static_cast<std::size_t>(j)].out, share);
          double t = 0;
          for (std::size_t k = 0; k < idx.size(); ++k)
            if (!bands[k].empty()) t = std::max(t, device_time(idx[k], i, j, bands[k]));
          if (before + t < best[static_cast<std::size_t>(j)].time_s) best[static_cast<std::size_t>(j)] = {before + t, i, par};
        }
      }
    }
    std::vector<Stage> stages;
    for (int j = S; j > 0; j = best[static_cast<std::size_t>(j)].from - 1) {
      const Choice& c = best[static_cast<std::size_t>(j)];
      block_split(c.from, j, c.parallel, devs, share, idx);
      Stage s = band_stage(m, c.from, j, devs, share);
      s.input_route = Route::ViaHost;
      s.host = p.source;
      s.input_bits = bits;
      stages.insert(stages.begin(), s);
    }
    if (S < last) {
      // The non-spatial tail on the device that finishes it earliest (linear models, from and back to the host).
      int best_d = host;
      double best_t = std::numeric_limits<double>::infinity();
      for (int d = 0; d < static_cast<int>(pf.devices.size()); ++d) {
        double t = device_time(d, S + 1, last, full_region(m.layers.back().out));
        if (t < best_t) best_t = t, best_d = d;
      }
      Stage tail = whole_stage(m, S + 1, last, pf.devices[static_cast<std::size_t>(best_d)].name);
      tail.input_route = Route::ViaHost;
      tail.host = p.source;
      tail.input_bits = bits;
      stages.push_back(tail);
    }
    p.stages = stages;
    std::string ends;
    for (const auto& s : p.stages) ends += fmt::format("{}{}-{}×{}", ends.empty() ? "" : " ", s.first_layer, s.last_layer, s.pieces.size());
    p.note = fmt::format("fused blocks (layers×devices) {}; predicted {:.6g} s (linear models)", ends,
                         S > 0 ? best[static_cast<std::size_t>(S)].time_s : 0.0);
    return p;
  }
};

}  // namespace

PlannerEntry aofl_entry() { return {aofl_info(), [] { return std::make_unique<AoflPlanner>(); }}; }

}  // namespace edgesplit
