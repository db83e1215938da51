// Baseline `cloud`: upload the input, run the whole model on the cloud host, send the result back (the "cloud-only"
// baseline of Neurosurgeon, ASPLOS'17, and DynO's split s = 0; shared/reference/papers.md §6 and §2.2).
#include "planners/planner.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"

namespace edgesplit {
namespace {

PlannerInfo cloud_info() {
  return {"cloud",
          "upload the input to the cloud host, run the whole model there, return the result",
          "cloud-only baseline (Neurosurgeon, ASPLOS'17; papers.md §6)",
          {{"input_bits", "int", 32, "bits per element of the uploaded input (8: the camera's uint8 image)", 1.0, 64.0, {}},
           {"output_bits", "int", 32, "bits per element of the returned result", 1.0, 64.0, {}}}};
}

class CloudPlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    auto c = in.platform.cloud_index();
    if (!c) throw InputError(InputIssue{"", 0, 0, "planner", "planner 'cloud' needs a cloud host in the platform"});
    int r = in.platform.requester_index();
    if (r < 0) throw InputError(InputIssue{"", 0, 0, "platform.requester", "planner 'cloud' needs a requester device"});
    PlannerInfo info = cloud_info();
    const std::string& cloud = in.platform.devices[static_cast<std::size_t>(*c)].name;
    Plan p;
    p.source = p.sink = in.platform.devices[static_cast<std::size_t>(r)].name;
    Stage s = whole_stage(in.model, 1, in.model.size() - 1, cloud);
    s.input_bits = option_or<int>(in, info, "input_bits");
    p.stages.push_back(s);
    p.output_bits = option_or<int>(in, info, "output_bits");
    p.note = "whole model on " + cloud;
    return p;
  }
};

}  // namespace

PlannerEntry cloud_entry() { return {cloud_info(), [] { return std::make_unique<CloudPlanner>(); }}; }

}  // namespace edgesplit
