// `edgesplit expand SWEEP [--count | --json]`: the scenarios a sweep expands to, with their keys and swept values.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"
#include "sim/scenario/sweep.hpp"

namespace po = boost::program_options;

namespace edgesplit::cli {
namespace {

int run_expand(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("sweep", po::value<std::string>()->required(), "sweep YAML file")(
      "count", "print only the number of scenarios")("json", "print one JSON object per scenario (JSON lines)");
  po::positional_options_description pos;
  pos.add("sweep", 1);
  po::variables_map vm;
  if (!parse_options("edgesplit expand SWEEP [--count | --json]", args, opts, pos, vm)) return kExitOk;
  if (vm.count("count") && vm.count("json"))
    throw InputError(InputIssue{"", 0, 0, "", "--count and --json exclude each other"});
  const std::vector<PlannerInfo> planners = planner_infos();  // options checked against `edgesplit planners`
  SweepExpansion sweep(vm["sweep"].as<std::string>(), planners);
  if (vm.count("count")) {
    fmt::print("{}\n", sweep.size());
    return kExitOk;
  }
  bool json = vm.count("json") > 0;
  std::vector<std::string> params = sweep.parameters();
  if (!json) {
    std::string header = fmt::format("{:>6}  {:<16}", "index", "key");
    for (const auto& p : params) header += "  " + p;
    fmt::print("{}\n", header);
  }
  sweep.for_each([&](const SweepPoint& p) {
    if (json) {
      nlohmann::json swept = nlohmann::json::object();
      for (const auto& v : p.swept) swept[v.key] = v.value;
      nlohmann::json row = {{"index", p.index},
                            {"key", p.scenario.key},
                            {"seed", p.scenario.seed},
                            {"repeat", p.repeat},
                            {"swept", swept}};
      fmt::print("{}\n", row.dump());
    } else {
      std::string line = fmt::format("{:>6}  {:<16}", p.index, p.scenario.key);
      // Each value left-aligned under its column's header (longer values push the rest right).
      for (std::size_t k = 0; k < p.swept.size(); ++k)
        line += fmt::format("  {:<{}}", p.swept[k].value, k + 1 < p.swept.size() ? params[k].size() : 0);
      fmt::print("{}\n", line);
    }
  });
  return kExitOk;
}

CommandRegistrar reg_expand({"expand", "expand a sweep: scenario keys and swept values", run_expand});

}  // namespace
}  // namespace edgesplit::cli
