// Helpers for planner tests: plan a model on an inline platform with a named planner, and read a plan's geometry.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "planners/registry.hpp"
#include "sim/plan/task_graph.hpp"

namespace edgesplit::testing {

inline Plan plan_by(const std::string& name, const Model& m, const Platform& p,
                    nlohmann::json options = nlohmann::json::object(), Objective objective = Objective::Latency,
                    Constraints constraints = {}) {
  PlanningInput in{m, p, objective, constraints, 1, options, analytic_evaluator(m, p)};
  Plan plan = planner_entry(name).make()->plan(in);
  validate(plan, m, p);
  return plan;
}

inline double latency_of(const Plan& plan, const Model& m, const Platform& p) {
  return evaluate(build_task_graph(plan, m, p), p).latency_s;
}

}  // namespace edgesplit::testing
