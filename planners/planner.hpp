// The planner interface: a planner turns a model and a platform into a Plan, scoring candidates with an evaluator
// (the analytic executor by default). Planners never see SimGrid or YAML.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "sim/common/options.hpp"
#include "sim/exec/analytic.hpp"
#include "sim/plan/plan.hpp"
#include "sim/scenario/scenario.hpp"

namespace edgesplit {

// Scores a candidate plan: one frame's latency and the pipelined period.
using Evaluator = std::function<Evaluation(const Plan&)>;

// The analytic executor on (model, platform): build the TaskGraph, evaluate it. Invalid plans throw InputError.
Evaluator analytic_evaluator(const Model& model, const Platform& platform);

struct PlanningInput {
  const Model& model;
  const Platform& platform;
  Objective objective = Objective::Latency;
  Constraints constraints;
  std::uint64_t seed = 1;
  nlohmann::json options = nlohmann::json::object();  // validated against the planner's PlannerInfo::options
  Evaluator evaluator;
};

class Planner {
 public:
  virtual ~Planner() = default;
  virtual Plan plan(const PlanningInput& input) const = 0;
};

// An option's value from the input, or its default from the schema.
template <typename T>
T option_or(const PlanningInput& in, const PlannerInfo& info, const std::string& name) {
  if (in.options.contains(name)) return in.options.at(name).get<T>();
  for (const auto& o : info.options)
    if (o.name == name) return o.default_value.get<T>();
  return T{};
}

}  // namespace edgesplit
