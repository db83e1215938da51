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

#include <map>

#include "sim/common/options.hpp"
#include "sim/scenario/scenario.hpp"

namespace edgesplit::doc {

// Files and models read once per load (a sweep resolves thousands of scenarios from the same few files).
struct Cache {
  std::map<std::string, std::optional<Profile>> profiles;  // by normalised path
  std::map<std::string, std::optional<Model>> models;      // "zoo:NAME" or "file:PATH"
  std::map<std::string, Node> documents;                   // parsed files (platforms) by normalised path
  std::map<std::string, std::string> profile_lookup;       // "NAME@DIR" → path ("" when not found)
};

// A parsed file through the cache (with includes resolved).
const Node& cached_document(const std::string& path, const std::string& what, Cache& cache, Diagnostics& diag);

std::optional<Platform> read_platform(const Node& root, Cache& cache, Diagnostics& diag,
                                      const std::string& path = "");
std::optional<Scenario> read_scenario(const Node& root, const std::vector<PlannerInfo>& planners, Cache& cache,
                                      Diagnostics& diag);
// Rewrites shorthands into their map forms so that dotted sweep keys reach inside: `planner: pico` →
// `{name: pico}`, `model: vgg16` → `{zoo: vgg16}`, `platform: FILE` → the file's content.
void normalize_scenario(Node& root, Cache& cache, Diagnostics& diag);

}  // namespace edgesplit::doc
