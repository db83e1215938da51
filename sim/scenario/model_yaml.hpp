// Custom CNNs written in YAML (format: docs/formats.md, "Model"): layers by name with their hyper-parameters,
// turned into a Model whose shapes are inferred by sim/model.
#pragma once

#include <string>

#include "sim/model/model.hpp"

namespace edgesplit {

// Throws InputError naming file:line:col and the key for every problem; shape errors (ModelError from
// infer_shapes) are reported at the offending layer's line.
Model load_model_yaml(const std::string& path);
Model parse_model_yaml(const std::string& yaml_text, const std::string& file = "<string>");

}  // namespace edgesplit
