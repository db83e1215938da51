// The planner list and the scenario → plan entry point.
#include "planners/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sim/common/error.hpp"
#include "sim/plan/task_graph.hpp"

namespace edgesplit {

PlannerEntry local_entry();
PlannerEntry cloud_entry();
PlannerEntry even_entry();
PlannerEntry pico_entry();
PlannerEntry offload_entry();
PlannerEntry neurosurgeon_entry();
PlannerEntry modnn_entry();
PlannerEntry deepthings_entry();
PlannerEntry deeperthings_entry();
PlannerEntry aofl_entry();
PlannerEntry coedge_entry();
PlannerEntry oracle_entry();
PlannerEntry awd_entry();
PlannerEntry dyno_entry();
PlannerEntry halp_entry();
#ifdef EDGESPLIT_HAVE_TORCH
PlannerEntry distredge_entry();
#endif

Evaluator analytic_evaluator(const Model& model, const Platform& platform) {
  return [&model, &platform](const Plan& plan) { return evaluate(build_task_graph(plan, model, platform), platform); };
}

const std::vector<PlannerEntry>& planner_registry() {
  static const std::vector<PlannerEntry> entries = [] {
    std::vector<PlannerEntry> e{local_entry(), cloud_entry(), even_entry()};
    e.push_back(pico_entry());
    for (auto* f : {offload_entry, neurosurgeon_entry, modnn_entry, deepthings_entry, deeperthings_entry, aofl_entry,
                    coedge_entry, oracle_entry, awd_entry, dyno_entry, halp_entry})
      e.push_back(f());
#ifdef EDGESPLIT_HAVE_TORCH
    e.push_back(distredge_entry());
#endif
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

void check_planner_options(const PlannerInfo& info, const nlohmann::json& options) {
  if (!options.is_object())
    throw InputError(InputIssue{"", 0, 0, "planner.options", "must be a mapping of option names to values"});
  std::vector<std::string> names;
  for (const auto& o : info.options) names.push_back(o.name);
  std::vector<InputIssue> issues;
  for (const auto& [name, value] : options.items()) {
    std::string key = "planner.options." + name;
    auto it = std::find_if(info.options.begin(), info.options.end(), [&](const OptionSpec& o) { return o.name == name; });
    if (it == info.options.end()) {
      issues.push_back({"", 0, 0, key, unknown_name_message("option", name, names) + " (planner '" + info.name + "')"});
      continue;
    }
    bool ok = it->type == "int"      ? value.is_number_integer()
              : it->type == "double" ? value.is_number()
              : it->type == "bool"   ? value.is_boolean()
              : it->type == "string" ? value.is_string()
                                     : true;
    if (!ok) {
      issues.push_back({"", 0, 0, key, "expected " + it->type + ", found " + value.dump()});
      continue;
    }
    if (value.is_number()) {
      double v = value.get<double>();
      if ((it->min && v < *it->min) || (it->max && v > *it->max))
        issues.push_back({"", 0, 0, key, fmt::format("{} is outside [{}, {}]", value.dump(), it->min ? *it->min : -INFINITY,
                                                     it->max ? *it->max : INFINITY)});
    }
    if (!it->choices.empty() && value.is_string() &&
        std::find(it->choices.begin(), it->choices.end(), value.get<std::string>()) == it->choices.end())
      issues.push_back({"", 0, 0, key, unknown_name_message("value", value.get<std::string>(), it->choices)});
  }
  if (!issues.empty()) throw InputError(std::move(issues));
}

Plan plan_scenario_on(const Scenario& sc, const Platform& platform) {
  const PlannerEntry& entry = planner_entry(sc.planner);
  PlanningInput in{sc.model, platform, sc.objective, sc.constraints, sc.seed, sc.planner_options,
                   analytic_evaluator(sc.model, platform)};
  Plan plan = entry.make()->plan(in);
  plan.planner = entry.info.name;
  validate(plan, sc.model, platform);
  return plan;
}

Plan plan_scenario(const Scenario& sc) { return plan_scenario_on(sc, sc.platform); }

SimJob make_scenario_job(const Scenario& sc, const Plan& plan) {
  SimJob job = make_job(sc, plan);
  if (planner_entry(sc.planner).info.adaptive && !sc.dynamics.empty()) {
    auto scenario = std::make_shared<const Scenario>(sc);
    job.replan = [scenario](const Platform& now, double) {
      return deploy_plan(plan_scenario_on(*scenario, now), scenario->model, now);
    };
  }
  return job;
}

}  // namespace edgesplit
