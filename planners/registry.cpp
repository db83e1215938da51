// The planner list and the scenario → plan entry point.
#include "planners/registry.hpp"

#include <algorithm>

#include "sim/common/error.hpp"
#include "sim/plan/task_graph.hpp"

namespace edgesplit {

PlannerEntry local_entry();
PlannerEntry cloud_entry();
PlannerEntry even_entry();

Evaluator analytic_evaluator(const Model& model, const Platform& platform) {
  return [&model, &platform](const Plan& plan) { return evaluate(build_task_graph(plan, model, platform), platform); };
}

const std::vector<PlannerEntry>& planner_registry() {
  static const std::vector<PlannerEntry> entries = [] {
    std::vector<PlannerEntry> e{local_entry(), cloud_entry(), even_entry()};
    std::sort(e.begin(), e.end(), [](const PlannerEntry& a, const PlannerEntry& b) { return a.info.name < b.info.name; });
    return e;
  }();
  return entries;
}

std::vector<PlannerInfo> planner_infos() {
  std::vector<PlannerInfo> v;
  for (const auto& e : planner_registry()) v.push_back(e.info);
  return v;
}

const PlannerEntry& planner_entry(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& e : planner_registry()) {
    if (e.info.name == name) return e;
    names.push_back(e.info.name);
  }
  throw InputError(InputIssue{"", 0, 0, "planner", unknown_name_message("planner", name, names)});
}

Plan plan_scenario(const Scenario& sc) {
  const PlannerEntry& entry = planner_entry(sc.planner);
  PlanningInput in{sc.model, sc.platform, sc.objective, sc.constraints, sc.seed, sc.planner_options,
                   analytic_evaluator(sc.model, sc.platform)};
  Plan plan = entry.make()->plan(in);
  plan.planner = entry.info.name;
  validate(plan, sc.model, sc.platform);
  return plan;
}

}  // namespace edgesplit
