// What kind of edgesplit YAML file a path holds, and a full check of it (`edgesplit check`).
#pragma once

#include <string>
#include <vector>

#include "sim/common/options.hpp"

namespace edgesplit {

enum class FileKind { Profile, Model, Platform, Scenario, Sweep };

const char* file_kind_name(FileKind k);  // "profile", "model", "platform", "scenario", "sweep"

// By the top-level keys: `profile` → profile, `layers` → model, `devices` → platform, `base`/`grid`/`zip` → sweep,
// `model`/`planner`/`workload` → scenario. Throws InputError when the file is unreadable, not YAML, or none of these.
FileKind detect_file_kind(const std::string& path);

// Loads the file as its kind (a sweep: every point resolved). Throws InputError listing every problem.
FileKind check_file(const std::string& path, const std::vector<PlannerInfo>& planners);

}  // namespace edgesplit
