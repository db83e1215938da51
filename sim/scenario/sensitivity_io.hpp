// DynO's precision-sensitivity table in YAML (format: docs/formats.md, "Precision-sensitivity table"): read with
// every error located; the table shipped in data/precision_sensitivity.yaml is compiled in as the default.
#pragma once

#include <string>

#include "sim/model/precision_sensitivity.hpp"

namespace edgesplit {

// Throws InputError listing every problem (file:line:col: key: expected …, found …).
PrecisionSensitivity load_precision_sensitivity(const std::string& path);
PrecisionSensitivity parse_precision_sensitivity(const std::string& yaml_text, const std::string& file = "<string>");
// data/precision_sensitivity.yaml as it was when the binary was built (parsed once).
const PrecisionSensitivity& builtin_precision_sensitivity();

}  // namespace edgesplit
