// Looking up DynO's precision-sensitivity table.
#include "sim/model/precision_sensitivity.hpp"

namespace edgesplit {

std::optional<AccuracyDrop> accuracy_drop(const PrecisionSensitivity& table, const std::string& model,
                                          const std::string& layer, int bits) {
  if (bits >= 32) return AccuracyDrop{0.0, "float32: not quantised"};
  auto m = table.models.find(model);
  if (m == table.models.end()) m = table.models.find("*");
  if (m == table.models.end()) return std::nullopt;
  auto c = m->second.cuts.find(layer);
  const SensitivityCurve& curve = c == m->second.cuts.end() ? m->second.default_curve : c->second;
  auto it = curve.drop_pp.upper_bound(bits);  // first listed width > bits
  if (it == curve.drop_pp.begin()) return std::nullopt;
  --it;
  return AccuracyDrop{it->second, curve.source};
}

}  // namespace edgesplit
