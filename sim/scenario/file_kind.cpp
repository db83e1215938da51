// File-kind detection by top-level keys, and the per-kind full load behind `edgesplit check`.
#include "sim/scenario/file_kind.hpp"

#include "sim/scenario/model_yaml.hpp"
#include "sim/scenario/platform_io.hpp"
#include "sim/scenario/profile_io.hpp"
#include "sim/scenario/readers.hpp"
#include "sim/scenario/scenario_io.hpp"
#include "sim/scenario/sweep.hpp"

namespace edgesplit {

const char* file_kind_name(FileKind k) {
  switch (k) {
    case FileKind::Profile: return "profile";
    case FileKind::Model: return "model";
    case FileKind::Platform: return "platform";
    case FileKind::Scenario: return "scenario";
    case FileKind::Sweep: return "sweep";
  }
  return "?";
}

FileKind detect_file_kind(const std::string& path) {
  doc::Diagnostics diag;
  doc::Node root = doc::load_with_includes(path, "a profile, model, platform, scenario or sweep", diag);
  diag.throw_if_any();
  if (root.is_map()) {
    auto has = [&](const char* k) { return root.find(k) != nullptr; };
    if (has("profile")) return FileKind::Profile;
    if (has("layers")) return FileKind::Model;
    if (has("base") || has("grid") || has("zip")) return FileKind::Sweep;
    if (has("devices")) return FileKind::Platform;
    if (has("model") || has("planner") || has("workload")) return FileKind::Scenario;
  }
  diag.error(root, "",
             "cannot tell what this file is: expected a map with a top-level 'profile' (device profile), 'layers' "
             "(model), 'devices' (platform), 'model' (scenario) or 'base' (sweep), found " +
                 (root.is_map() ? std::string("none of them") : root.describe()));
  diag.throw_if_any();
  return FileKind::Scenario;
}

FileKind check_file(const std::string& path, const std::vector<PlannerInfo>& planners) {
  FileKind k = detect_file_kind(path);
  switch (k) {
    case FileKind::Profile: load_profile(path); break;
    case FileKind::Model: load_model_yaml(path); break;
    case FileKind::Platform: load_platform(path); break;
    case FileKind::Scenario: load_scenario(path, planners); break;
    case FileKind::Sweep: SweepExpansion(path, planners).for_each([](const SweepPoint&) {}); break;
  }
  return k;
}

}  // namespace edgesplit
