// `edgesplit planners`: every planner with its description, citation and options.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "planners/registry.hpp"

namespace po = boost::program_options;

namespace edgesplit::cli {
namespace {

nlohmann::json option_json(const OptionSpec& o) {
  nlohmann::json j = {{"name", o.name}, {"type", o.type}, {"default", o.default_value}, {"description", o.description}};
  if (o.min) j["min"] = *o.min;
  if (o.max) j["max"] = *o.max;
  if (!o.choices.empty()) j["choices"] = o.choices;
  return j;
}

int run_planners(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("json", "print JSON instead of text");
  po::variables_map vm;
  if (!parse_options("edgesplit planners [--json]", args, opts, {}, vm)) return kExitOk;
  if (vm.count("json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& i : planner_infos()) {
      nlohmann::json o = nlohmann::json::array();
      for (const auto& s : i.options) o.push_back(option_json(s));
      out.push_back({{"name", i.name}, {"description", i.description}, {"citation", i.citation}, {"adaptive", i.adaptive}, {"options", o}});
    }
    fmt::print("{}\n", out.dump(2));
    return kExitOk;
  }
  for (const auto& i : planner_infos()) {
    fmt::print("{:<10} {}\n", i.name, i.description);
    fmt::print("{:<10} follows: {}\n", "", i.citation);
    if (i.adaptive) fmt::print("{:<10} adaptive: asked again at each dynamics event (re-plans at run time)\n", "");
    for (const auto& o : i.options) {
      std::string range;
      if (o.min || o.max)
        range = fmt::format(" [{}..{}]", o.min ? fmt::format("{}", *o.min) : "", o.max ? fmt::format("{}", *o.max) : "");
      if (!o.choices.empty()) range = fmt::format(" {{{}}}", fmt::join(o.choices, ", "));
      fmt::print("{:<10}   {} ({}, default {}{}): {}\n", "", o.name, o.type,
                 o.default_value.is_null() ? "required" : o.default_value.dump(), range, o.description);
    }
  }
  return kExitOk;
}

CommandRegistrar reg({"planners", "list every planner with its options", run_planners});

}  // namespace
}  // namespace edgesplit::cli
