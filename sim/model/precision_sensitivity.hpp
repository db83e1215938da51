// DynO's precision-sensitivity table (papers.md §2): the top-1 drop when the tensor at a cut is quantised to b bits
// and bit-packed, per model and cut, each entry with the source of its numbers. Read by sim/scenario/
// sensitivity_io (data/precision_sensitivity.yaml); looked up by the `dyno` planner.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace edgesplit {

struct SensitivityCurve {
  std::map<int, double> drop_pp;  // bits (1..31) -> top-1 drop in percentage points, non-increasing in bits
  std::string source;             // where the numbers come from (calibrated / measured, with the citation)
};

struct ModelSensitivity {
  SensitivityCurve default_curve;                // every cut not listed in `cuts`
  std::map<std::string, SensitivityCurve> cuts;  // by the name of the layer whose output is cut ("input" = image)
};

struct PrecisionSensitivity {
  std::string file;                               // where the table was read from
  std::map<std::string, ModelSensitivity> models;  // by model name; "*" = any model without its own entry
};

struct AccuracyDrop {
  double drop_pp = 0;
  std::string source;
};

// The drop for quantising the output of `layer` of `model` to `bits`: 0 for bits >= 32 (float, nothing lost);
// otherwise the curve's drop at the largest listed bit-width <= bits (conservative, the curve being non-increasing).
// nullopt when the table has no entry for the model (nor "*") or `bits` lies below the smallest listed width.
std::optional<AccuracyDrop> accuracy_drop(const PrecisionSensitivity& table, const std::string& model,
                                          const std::string& layer, int bits);

}  // namespace edgesplit
