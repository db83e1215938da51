// Plan ↔ JSON (the `edgesplit plan --json` output, and how the emulator's coordinator can ship a plan).
#pragma once

#include <nlohmann/json.hpp>

#include "sim/plan/plan.hpp"

namespace edgesplit {

// Layer indices are written with their names (first_layer_name / last_layer_name) for readers.
nlohmann::json plan_to_json(const Plan& plan, const Model& model);
// Reads what plan_to_json wrote (layer indices authoritative). Throws InputError on a malformed document.
Plan plan_from_json(const nlohmann::json& j);

}  // namespace edgesplit
