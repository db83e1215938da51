// `edgesplit check FILE...`: validate any YAML file edgesplit reads; every problem of every file is printed.
#include <fmt/format.h>

#include <iostream>

#include "cli/command.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"
#include "sim/scenario/file_kind.hpp"

namespace po = boost::program_options;

namespace edgesplit::cli {
namespace {

int run_check(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("files", po::value<std::vector<std::string>>()->required(), "YAML files to check");
  po::positional_options_description pos;
  pos.add("files", -1);
  po::variables_map vm;
  if (!parse_options("edgesplit check FILE...", args, opts, pos, vm)) return kExitOk;
  // Planner names and options are checked against the registry's schemas (`edgesplit planners`).
  const std::vector<PlannerInfo> planners = planner_infos();
  bool bad = false;
  for (const auto& f : vm["files"].as<std::vector<std::string>>()) {
    try {
      FileKind k = check_file(f, planners);
      fmt::print("{}: ok ({})\n", f, file_kind_name(k));
    } catch (const InputError& e) {
      bad = true;
      std::cout.flush();
      std::cerr << e.what() << "\n";
    }
  }
  return bad ? kExitBadInput : kExitOk;
}

CommandRegistrar reg_check({"check", "validate YAML files (profile, model, platform, scenario, sweep)", run_check});

}  // namespace
}  // namespace edgesplit::cli
