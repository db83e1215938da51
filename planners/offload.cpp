// Baseline `offload`: the whole model on the single best device — DistrEdge's "Offload" baseline (IPDPS'22 §V-A:
// "offload the whole model to the device with the best performance"; papers.md §4.6 / §6). "Best" is decided by the
// evaluator, so the input upload and the result return count, not compute speed alone.
#include "planners/baseline_util.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"

namespace edgesplit {
namespace {

PlannerInfo offload_info() {
  return {"offload",
          "whole model on the single device that finishes a frame soonest (input upload and result return included)",
          "Offload baseline of DistrEdge (Hou et al., IPDPS'22, §V-A; papers.md §6)",
          {{"include_cloud", "bool", true, "the cloud host is a candidate (DistrEdge has none: false)", {}, {}, {}},
           {"bits", "int", 32, "bits per element of the uploaded input and the returned result", 1.0, 64.0, {}}}};
}

class OffloadPlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    const PlannerInfo info = offload_info();
    Plan base = baseline::requester_plan(in, "offload");
    bool cloud = option_or<bool>(in, info, "include_cloud");
    int bits = option_or<int>(in, info, "bits");
    base.output_bits = bits;
    Plan best;
    baseline::Score best_score;
    bool have = false;
    for (const auto& d : in.platform.devices) {
      if (d.attachment == Attachment::Cloud && !cloud) continue;
      Plan p = base;
      Stage s = whole_stage(in.model, 1, in.model.size() - 1, d.name);
      s.input_bits = bits;
      p.stages.push_back(s);
      baseline::Score sc = baseline::score(in, p);
      if (!have || baseline::better(sc, best_score)) {
        best = p;
        best_score = sc;
        have = true;
      }
    }
    if (!have) throw InputError(InputIssue{"", 0, 0, "platform.devices", "planner 'offload' found no candidate device"});
    best.note = "whole model on " + best.stages[0].pieces[0].device;
    return best;
  }
};

}  // namespace

PlannerEntry offload_entry() { return {offload_info(), [] { return std::make_unique<OffloadPlanner>(); }}; }

}  // namespace edgesplit
