// Per-device, per-layer rectangles and MACs of a plan (see plan_regions.hpp).
#include "planners/plan_regions.hpp"

#include "sim/model/partition_cost.hpp"

namespace edgesplit {

namespace {
nlohmann::json rect(const Region& r) {
  if (r.empty()) return nullptr;
  return {{"rows", {r.r0, r.r1 - 1}}, {"cols", {r.c0, r.c1 - 1}}};
}
}  // namespace

nlohmann::json plan_regions_json(const Plan& plan, const Model& model) {
  bool executed = plan.accounting == Accounting::Executed;
  nlohmann::json stages = nlohmann::json::array();
  for (std::size_t s = 0; s < plan.stages.size(); ++s) {
    const Stage& st = plan.stages[s];
    nlohmann::json pieces = nlohmann::json::array();
    for (const Piece& pc : st.pieces) {
      FusedRunCost cost = fused_run_cost(model, st.first_layer, st.last_layer, pc.region);
      nlohmann::json layers = nlohmann::json::array();
      for (const LayerRegionCost& c : cost.layers)
        layers.push_back({{"layer", c.layer},
                          {"name", model.layers[static_cast<std::size_t>(c.layer)].name},
                          {"out", rect(c.out)},
                          {"in", rect(c.in)},
                          {"macs", executed ? c.executed_macs : c.output_area_macs}});
      pieces.push_back({{"device", pc.device}, {"macs", cost.macs(executed ? ComputeAccounting::Executed : ComputeAccounting::OutputArea)},
                        {"layers", layers}});
    }
    stages.push_back({{"stage", s},
                      {"first_layer", st.first_layer},
                      {"last_layer", st.last_layer},
                      {"split", split_kind_name(st.split)},
                      {"pieces", pieces}});
  }
  return {{"accounting", accounting_name(plan.accounting)}, {"stages", stages}};
}

}  // namespace edgesplit
