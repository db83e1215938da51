// Every planner by name, with its description, citation and option schema (`edgesplit planners` lists them; the
// scenario loader validates options against them).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "planners/planner.hpp"
#include "sim/exec/job.hpp"

namespace edgesplit {

struct PlannerEntry {
  PlannerInfo info;
  std::function<std::unique_ptr<Planner>()> make;
};

// Built-in planners, sorted by name. To add one: write planners/<name>.cpp defining `PlannerEntry <name>_entry()`,
// declare it in registry.cpp and add it to the list there.
const std::vector<PlannerEntry>& planner_registry();
std::vector<PlannerInfo> planner_infos();
// Throws InputError "unknown planner 'pcio'; did you mean 'pico'? known: ..." when absent.
const PlannerEntry& planner_entry(const std::string& name);

// Checks user options against the planner's schema: known names (with a suggestion), JSON types, numeric bounds,
// choices. Throws InputError with key "planner.options.NAME".
void check_planner_options(const PlannerInfo& info, const nlohmann::json& options);

// Plans a scenario: its planner with its options, the analytic evaluator, its objective, constraints and seed.
Plan plan_scenario(const Scenario& scenario);

// Plans the scenario's model on `platform` (the scenario's, or as it stands during a run) with the scenario's planner.
Plan plan_scenario_on(const Scenario& scenario, const Platform& platform);

// What the executors run for a scenario and its plan: make_job, plus — when the planner is adaptive and the scenario
// has dynamics — a replanner that asks the planner again at each event on the platform as it stands then.
SimJob make_scenario_job(const Scenario& scenario, const Plan& plan);

}  // namespace edgesplit
