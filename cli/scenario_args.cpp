// Shared by `edgesplit plan` and `edgesplit simulate`: a scenario file plus planner overrides from the command line.
#include "cli/scenario_args.hpp"

#include <nlohmann/json.hpp>

#include "planners/registry.hpp"
#include "sim/common/error.hpp"
#include "sim/scenario/scenario_io.hpp"

namespace edgesplit::cli {

Scenario load_scenario_with_overrides(const boost::program_options::variables_map& vm) {
  Scenario sc = load_scenario(vm["scenario"].as<std::string>(), planner_infos());
  if (vm.count("planner")) {
    sc.planner = vm["planner"].as<std::string>();
    sc.planner_options = nlohmann::json::object();
  }
  if (vm.count("planner-options")) {
    try {
      sc.planner_options = nlohmann::json::parse(vm["planner-options"].as<std::string>());
    } catch (const nlohmann::json::exception& e) {
      throw InputError(InputIssue{"", 0, 0, "--planner-options", std::string("not a JSON object: ") + e.what()});
    }
    check_planner_options(planner_entry(sc.planner).info, sc.planner_options);
  }
  return sc;
}

}  // namespace edgesplit::cli
