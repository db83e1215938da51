// Scenario files (docs/formats.md, "Scenario") and the stable scenario key.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/common/options.hpp"
#include "sim/scenario/scenario.hpp"

namespace edgesplit {

// Reads a scenario: model (zoo or file), platform (file or inline), planner with options checked against
// `planners` (an empty list = planner names and options are not validated, options kept as written), workload,
// objective, constraints, dynamics, seed, trace. Sets Scenario::key. Throws InputError listing every problem.
Scenario load_scenario(const std::string& path, const std::vector<PlannerInfo>& planners);

// The scenario's resolved content as canonical JSON (object keys sorted, SI units, profiles and the model by
// content digest); names and file paths are left out, so two files that say the same thing get the same key.
nlohmann::json scenario_canonical_json(const Scenario& scenario);
// FNV-1a 64-bit over scenario_canonical_json(s).dump(), as 16 lower-case hex digits.
std::string scenario_key(const Scenario& scenario);
// FNV-1a 64-bit of a byte string (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
std::uint64_t fnv1a64(const std::string& bytes);

const char* arrival_name(Arrival a);
const char* objective_name(Objective o);
const char* dynamics_kind_name(DynamicsEvent::Kind k);

}  // namespace edgesplit
