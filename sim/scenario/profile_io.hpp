// Device profiles in YAML (format: docs/formats.md, "Device profile"): read with every error located, written so
// that reading back gives the identical Profile.
#pragma once

#include <string>

#include "sim/platform/platform.hpp"

namespace edgesplit {

// Throws InputError listing every problem of the file (file:line:col: key: expected …, found …).
Profile load_profile(const std::string& path);
// The same from YAML text; `file` names the source in errors.
Profile parse_profile(const std::string& yaml_text, const std::string& file = "<string>");

// Writes the profile in the documented format; load_profile(path) then returns a Profile equal to `profile`.
void save_profile(const Profile& profile, const std::string& path);
std::string profile_to_yaml(const Profile& profile);

}  // namespace edgesplit
