// Baseline `modnn`: MoDNN's Biased One-Dimensional Partition (Mao et al., DATE'17, BODP; papers.md §6): every layer's
// output rows are split among the Wi-Fi stations in proportion to each device's capability for that layer; the host
// (the requester) gathers each layer's output and scatters the next layer's input bands, halo rows included.
//
// Reconstruction: capability is the linear device model's speed on the layer (1 / its whole-layer time; MoDNN
// profiles each phone's throughput, DistrEdge describes it as a "linear device model"). MoDNN partitions sparse
// fully-connected layers by Modified Spectral Co-Clustering (MSCC); a Plan splits only spatially, so layers without
// a spatial map (FC, global pooling) run whole on the station that computes them fastest.
#include <fmt/format.h>

#include <algorithm>

#include "planners/baseline_util.hpp"
#include "planners/registry.hpp"

namespace edgesplit {
namespace {

PlannerInfo modnn_info() {
  return {"modnn",
          "every layer split in row bands proportional to each station's capability, gathered and scattered via the "
          "requester",
          "Mao et al., MoDNN, DATE'17, BODP (papers.md §6)",
          {{"bits", "int", 32, "bits per element of every transferred activation", 1.0, 64.0, {}}}};
}

class ModnnPlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    int bits = option_or<int>(in, modnn_info(), "bits");
    Plan p = baseline::requester_plan(in, "modnn");
    p.output_bits = bits;
    std::vector<int> st = baseline::stations(in.platform);
    std::vector<std::string> names = baseline::names(in.platform, st);
    for (int l = 1; l < in.model.size(); ++l) {
      const Layer& layer = in.model.layers[static_cast<std::size_t>(l)];
      std::vector<double> cap;
      for (int d : st) cap.push_back(baseline::layer_capability(in.platform.devices[static_cast<std::size_t>(d)], layer));
      Stage s;
      if (baseline::spatial_run(in.model, l, l)) {
        s = band_stage(in.model, l, l, names, cap);  // BODP: share ∝ capability
      } else {
        std::size_t best = static_cast<std::size_t>(std::max_element(cap.begin(), cap.end()) - cap.begin());
        s = whole_stage(in.model, l, l, names[best]);
      }
      s.input_route = Route::ViaHost;
      s.host = p.source;
      s.input_bits = bits;
      p.stages.push_back(s);
    }
    p.note = fmt::format("every layer in capability-proportional row bands over {} stations via {}", st.size(), p.source);
    return p;
  }
};

}  // namespace

PlannerEntry modnn_entry() { return {modnn_info(), [] { return std::make_unique<ModnnPlanner>(); }}; }

}  // namespace edgesplit
