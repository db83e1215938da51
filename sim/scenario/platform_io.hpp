// Platform descriptions in YAML (docs/formats.md, "Platform"): devices with their profiles, the Wi-Fi access point
// with each station's rate, an optional cloud host behind a wired link.
#pragma once

#include <string>

#include "sim/platform/platform.hpp"

namespace edgesplit {

// Profiles are found by path (relative to the platform file) or by name (platforms/devices/NAME.yaml, searched in
// $EDGESPLIT_PROFILE_PATH, then in every ancestor of the platform file's folder, then in the working directory).
// Throws InputError listing every problem.
Platform load_platform(const std::string& path);

}  // namespace edgesplit
