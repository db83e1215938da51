// Baseline `neurosurgeon`: the best single split point between the requester (mobile) and the cloud host — Kang et
// al., "Neurosurgeon", ASPLOS'17, §5 Algorithm 1 (papers.md §6): for every candidate split layer, predict the mobile
// part, the upload of the split tensor and the cloud part from per-layer predictions, and keep the split with the
// lowest end-to-end latency (or, under the energy objective, the lowest mobile energy).
//
// Reconstruction: Neurosurgeon's per-layer-type regression models are replaced by our device profiles (the
// analytic executor's per-layer times), which is what its regressions approximate. Its DNNs are chains; on a DAG we
// split only at cut vertices (a layer after which exactly one tensor crosses), so the upload is a single tensor as
// in the paper.
#include <fmt/format.h>

#include "planners/baseline_util.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"

namespace edgesplit {
namespace {

PlannerInfo neurosurgeon_info() {
  return {"neurosurgeon",
          "best single split point between the requester and the cloud (latency, or mobile energy under the energy "
          "objective)",
          "Kang et al., Neurosurgeon, ASPLOS'17, Algorithm 1 (papers.md §6)",
          {{"bits", "int", 32, "bits per element of the uploaded tensor and the returned result", 1.0, 64.0, {}}}};
}

// The plan that runs layers 1..k on `mobile` and k+1..L-1 on `cloud` (k = 0: cloud-only; k = L-1: mobile-only).
Plan split_plan(const Plan& base, const Model& m, int k, const std::string& mobile, const std::string& cloud, int bits) {
  Plan p = base;
  int last = m.size() - 1;
  if (k >= 1) p.stages.push_back(whole_stage(m, 1, k, mobile));
  if (k < last) {
    Stage s = whole_stage(m, k + 1, last, cloud);
    s.input_bits = bits;
    p.stages.push_back(s);
  }
  p.output_bits = bits;
  return p;
}

class NeurosurgeonPlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    const PlannerInfo info = neurosurgeon_info();
    int r = baseline::requester(in, "neurosurgeon");
    auto c = in.platform.cloud_index();
    if (!c) throw InputError(InputIssue{"", 0, 0, "planner", "planner 'neurosurgeon' needs a cloud host in the platform"});
    int bits = option_or<int>(in, info, "bits");
    Plan base = baseline::requester_plan(in, "neurosurgeon");
    const std::string& mobile = in.platform.devices[static_cast<std::size_t>(r)].name;
    const std::string& cloud = in.platform.devices[static_cast<std::size_t>(*c)].name;

    // Algorithm 1: argmin over split points of the predicted objective. Mobile energy (the paper's energy objective)
    // counts only the requester: its compute and its radio.
    int best_k = -1;
    double best_v = 0, best_lat = 0;
    for (int k : baseline::cut_vertices(in.model)) {
      Plan p = split_plan(base, in.model, k, mobile, cloud, bits);
      double v, lat;
      if (in.objective == Objective::Energy) {
        TaskGraph g = build_task_graph(p, in.model, in.platform);
        lat = evaluate(g, in.platform).latency_s;
        v = baseline::frame_energy_J(g, in.platform, r);
      } else {
        Evaluation ev = in.evaluator ? in.evaluator(p) : evaluate(build_task_graph(p, in.model, in.platform), in.platform);
        lat = ev.latency_s;
        v = in.objective == Objective::Throughput ? ev.period_s : ev.latency_s;
      }
      // Ties go to the later split (less data leaves the device).
      if (best_k < 0 || v < best_v || (v == best_v && lat <= best_lat)) {
        best_k = k;
        best_v = v;
        best_lat = lat;
      }
    }
    Plan p = split_plan(base, in.model, best_k, mobile, cloud, bits);
    int last = in.model.size() - 1;
    p.note = best_k == 0      ? "split before layer 1: cloud-only"
             : best_k == last ? "split after the last layer: requester-only"
                              : fmt::format("split after layer {} '{}': layers 1..{} on {}, the rest on {}", best_k,
                                            in.model.layers[static_cast<std::size_t>(best_k)].name, best_k, mobile, cloud);
    return p;
  }
};

}  // namespace

PlannerEntry neurosurgeon_entry() {
  return {neurosurgeon_info(), [] { return std::make_unique<NeurosurgeonPlanner>(); }};
}

}  // namespace edgesplit
