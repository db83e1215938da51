// Baseline `local`: the whole model on the requester, no network (the "local-only" baseline every paper compares
// against; shared/reference/papers.md §6, last row).
#include "planners/planner.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"

namespace edgesplit {
namespace {

class LocalPlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    int r = in.platform.requester_index();
    if (r < 0) throw InputError(InputIssue{"", 0, 0, "platform.requester", "planner 'local' needs a requester device"});
    const std::string& dev = in.platform.devices[static_cast<std::size_t>(r)].name;
    Plan p;
    p.source = p.sink = dev;
    p.stages.push_back(whole_stage(in.model, 1, in.model.size() - 1, dev));
    p.note = "whole model on the requester " + dev;
    return p;
  }
};

}  // namespace

PlannerEntry local_entry() {
  return {{"local", "whole model on the requester, no network", "local-only baseline (papers.md §6)", {}},
          [] { return std::make_unique<LocalPlanner>(); }};
}

}  // namespace edgesplit
