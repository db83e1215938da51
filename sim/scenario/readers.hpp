// Internal to sim/scenario: readers from doc::Node trees to value types, shared by the file loaders, the scenario
// resolver and `edgesplit check`. No yaml-cpp here either.
#pragma once

#include <optional>

#include "sim/platform/platform.hpp"
#include "sim/scenario/tree.hpp"

namespace edgesplit::doc {

// Reads a device profile document; every problem goes to `diag`; nullopt when there was any.
std::optional<Profile> read_profile(const Node& root, Diagnostics& diag);

}  // namespace edgesplit::doc

namespace edgesplit::doc {
// Reads a model document (docs/formats.md, "Model"); nullopt when anything was wrong.
std::optional<Model> read_model(const Node& root, Diagnostics& diag);
}  // namespace edgesplit::doc
