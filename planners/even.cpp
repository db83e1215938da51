// Baseline `even`: every layer is a stage whose output rows are split equally among all Wi-Fi stations; the
// requester gathers each layer's output and scatters the next layer's input bands (halo rows included). This is the
// capability-blind layer-wise split that the heterogeneity-aware planners improve on (MoDNN's BODP with equal
// shares, DATE'17; CoEdge's layer-by-layer split without its adaptation; papers.md §6).
#include "planners/planner.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"

namespace edgesplit {
namespace {

PlannerInfo even_info() {
  return {"even",
          "equal row split of every layer among all stations, gathered and scattered via the requester",
          "equal layer-wise split baseline (MoDNN BODP with equal shares, DATE'17; papers.md §6)",
          {{"bits", "int", 32, "bits per element of every transferred activation", 1.0, 64.0, {}},
           {"fused", "bool", false,
            "instead: one fused stage of every layer up to the last one with spatial output, split in equal row bands "
            "(each band back-propagated with its halo, no exchange inside), the rest on the requester (DeeperThings' "
            "equal split of a fused block)",
            std::nullopt, std::nullopt, {}}}};
}

class EvenPlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    int r = in.platform.requester_index();
    if (r < 0) throw InputError(InputIssue{"", 0, 0, "platform.requester", "planner 'even' needs a requester device"});
    std::vector<std::string> stations;
    for (const auto& d : in.platform.devices)
      if (d.attachment == Attachment::WifiStation) stations.push_back(d.name);
    int bits = option_or<int>(in, even_info(), "bits");
    const std::string& req = in.platform.devices[static_cast<std::size_t>(r)].name;
    Plan p;
    p.source = p.sink = req;
    p.output_bits = bits;
    std::vector<double> equal(stations.size(), 1.0);
    if (option_or<bool>(in, even_info(), "fused")) {
      // Reconstruction (DeeperThings gives no formula for where the fused block ends): the block ends at the last
      // layer whose output still has more than one row; everything after it runs on the requester.
      int last_spatial = 0;
      for (int l = 1; l < in.model.size(); ++l)
        if (in.model.layers[static_cast<std::size_t>(l)].out.h > 1) last_spatial = l;
      if (last_spatial == 0) last_spatial = in.model.size() - 1;
      Stage fused = band_stage(in.model, 1, last_spatial, stations, equal);
      fused.input_bits = bits;
      p.stages.push_back(fused);
      if (last_spatial < in.model.size() - 1) {
        Stage rest = whole_stage(in.model, last_spatial + 1, in.model.size() - 1, req);
        rest.input_bits = bits;
        p.stages.push_back(rest);
      }
      p.note = "layers 1.." + std::to_string(last_spatial) + " fused, split in " + std::to_string(stations.size()) +
               " equal row bands; the rest on " + req;
      return p;
    }
    for (int l = 1; l < in.model.size(); ++l) {
      Stage s = band_stage(in.model, l, l, stations, equal);
      s.input_route = Route::ViaHost;
      s.host = req;
      s.input_bits = bits;
      p.stages.push_back(s);
    }
    p.note = "every layer split in " + std::to_string(stations.size()) + " equal row bands via " + req;
    return p;
  }
};

}  // namespace

PlannerEntry even_entry() { return {even_info(), [] { return std::make_unique<EvenPlanner>(); }}; }

}  // namespace edgesplit
