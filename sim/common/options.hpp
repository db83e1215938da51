// Option schemas: what a planner (or other plug-in) accepts, so the scenario loader can validate user options
// against it and `edgesplit planners` can list them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace edgesplit {

struct OptionSpec {
  std::string name;
  std::string type;  // "int" | "double" | "bool" | "string" | "quantity:<kind>" (e.g. "quantity:time")
  nlohmann::json default_value;            // null = required
  std::string description;
  std::optional<double> min, max;          // numeric bounds, inclusive
  std::vector<std::string> choices;        // allowed values for strings (empty = any)
};

struct PlannerInfo {
  std::string name;         // registry key, e.g. "pico"
  std::string description;  // one line
  std::string citation;     // paper it follows
  std::vector<OptionSpec> options;
  // Asked again at each dynamics event on the platform as it stands (DynO, HALP, AWD re-decide at run time); the
  // others keep their first plan for the whole run.
  bool adaptive = false;
};

}  // namespace edgesplit
