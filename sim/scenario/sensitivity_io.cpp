// Precision-sensitivity table reader: one pass reports every problem with its position.
#include "sim/scenario/sensitivity_io.hpp"

#include <fmt/format.h>

#include "edgesplit_precision_sensitivity.hpp"
#include "sim/scenario/tree.hpp"

namespace edgesplit {
namespace {

std::optional<SensitivityCurve> read_curve(const doc::Node& node, const std::string& path, doc::Diagnostics& diag) {
  doc::MapReader r(node, path, diag, "a curve map {source, drop_pp}");
  if (!r.ok()) return std::nullopt;
  SensitivityCurve c;
  bool good = true;
  if (const doc::Node* n = r.need("source")) {
    auto s = doc::read_string(*n, r.key("source"), diag);
    if (s && s->empty()) diag.error(*n, r.key("source"), "must say where the numbers come from, found an empty string");
    if (s && !s->empty()) c.source = *s; else good = false;
  } else {
    good = false;
  }
  if (const doc::Node* n = r.need("drop_pp")) {
    if (!n->is_map() || n->entries.empty()) {
      diag.error(*n, r.key("drop_pp"), fmt::format("expected a map of bits to top-1 drop (pp), found {}", n->describe()));
      good = false;
    } else {
      for (const auto& e : n->entries) {
        std::string key = doc::join_key(r.key("drop_pp"), e.key);
        int bits = 0;
        try {
          std::size_t used = 0;
          bits = std::stoi(e.key, &used);
          if (used != e.key.size()) bits = 0;
        } catch (const std::exception&) {
          bits = 0;
        }
        if (bits < 1 || bits > 31) {
          diag.error(n->file_name(), e.line, e.col, key,
                     fmt::format("expected a bit-width 1..31 (32 is float, never listed), found '{}'", e.key));
          good = false;
          continue;
        }
        auto v = doc::read_number(e.value, key, diag);
        if (!v) {
          good = false;
          continue;
        }
        if (*v < 0 || *v > 100) {
          diag.error(e.value, key, fmt::format("expected a drop in 0..100 percentage points, found {}", e.value.describe()));
          good = false;
          continue;
        }
        c.drop_pp[bits] = *v;
      }
      // Fewer bits never lose less: the lookup's "largest listed width <= b" rule relies on it.
      double prev = -1;
      int prev_bits = 0;
      for (auto it = c.drop_pp.rbegin(); it != c.drop_pp.rend(); ++it) {
        if (prev >= 0 && it->second < prev)
          diag.error(*n, r.key("drop_pp"),
                     fmt::format("must not decrease as bits fall: {} bits lose {} pp but {} bits {} pp", prev_bits, prev,
                                 it->first, it->second));
        prev = it->second;
        prev_bits = it->first;
      }
    }
  } else {
    good = false;
  }
  r.finish();
  if (!good) return std::nullopt;
  return c;
}

PrecisionSensitivity read_table(const doc::Node& root, const std::string& file, doc::Diagnostics& diag) {
  PrecisionSensitivity t;
  t.file = file;
  doc::MapReader r(root, "", diag, "a precision-sensitivity table");
  if (!r.ok()) return t;
  if (const doc::Node* n = r.need("table"))
    if (auto s = doc::read_string(*n, "table", diag); s && *s != "precision_sensitivity")
      diag.error(*n, "table", fmt::format("expected 'precision_sensitivity', found '{}'", *s));
  if (const doc::Node* models = r.need("models")) {
    if (!models->is_map()) {
      diag.error(*models, "models", fmt::format("expected a map of model names, found {}", models->describe()));
    } else {
      for (const auto& e : models->entries) {
        std::string mkey = doc::join_key("models", e.key);
        doc::MapReader m(e.value, mkey, diag, "a model map {default, cuts}");
        if (!m.ok()) continue;
        ModelSensitivity ms;
        if (const doc::Node* d = m.need("default"))
          if (auto c = read_curve(*d, m.key("default"), diag)) ms.default_curve = *c;
        if (const doc::Node* cuts = m.get("cuts")) {
          if (!cuts->is_map()) {
            diag.error(*cuts, m.key("cuts"), fmt::format("expected a map of layer names, found {}", cuts->describe()));
          } else {
            for (const auto& ce : cuts->entries)
              if (auto c = read_curve(ce.value, doc::join_key(m.key("cuts"), ce.key), diag)) ms.cuts[ce.key] = *c;
          }
        }
        m.finish();
        t.models[e.key] = std::move(ms);
      }
    }
  }
  r.finish();
  return t;
}

}  // namespace

PrecisionSensitivity parse_precision_sensitivity(const std::string& yaml_text, const std::string& file) {
  doc::Diagnostics diag;
  doc::Node root = doc::parse_yaml(yaml_text, file, diag);
  if (root.is_null() && diag.empty()) diag.error(file, 0, 0, "", "empty file; expected a precision-sensitivity table");
  PrecisionSensitivity t;
  if (!root.is_null()) t = read_table(root, file, diag);
  diag.throw_if_any();
  return t;
}

PrecisionSensitivity load_precision_sensitivity(const std::string& path) {
  doc::Diagnostics diag;
  doc::Node root = doc::load_yaml_file(path, "a precision-sensitivity table", diag);
  PrecisionSensitivity t;
  if (!root.is_null()) t = read_table(root, path, diag);
  diag.throw_if_any();
  return t;
}

const PrecisionSensitivity& builtin_precision_sensitivity() {
  static const PrecisionSensitivity table = parse_precision_sensitivity(kBuiltinSensitivityYaml, kBuiltinSensitivityFile);
  return table;
}

}  // namespace edgesplit
