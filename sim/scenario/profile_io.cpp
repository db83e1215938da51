// Device profile reader and writer. Every value is checked where it is read, so one pass reports every problem.
#include "sim/scenario/profile_io.hpp"

#include <fmt/format.h>

#include <fstream>
#include <set>

#include "sim/scenario/readers.hpp"

namespace edgesplit {
namespace doc {
namespace {

constexpr OpClass kClasses[] = {OpClass::Conv, OpClass::DepthwiseConv, OpClass::FullyConnected, OpClass::Pool,
                                OpClass::Eltwise};

// Conv-like classes count MACs, the rest elementary ops: a rate in the other family is a mistake worth naming.
bool counts_macs(OpClass c) {
  return c == OpClass::Conv || c == OpClass::DepthwiseConv || c == OpClass::FullyConnected;
}

const std::vector<std::string>& source_keys(const std::string& kind) {
  static const std::vector<std::string> measured = {"kind",    "host",  "cpu",     "clock",  "backend",
                                                    "backend_version", "threads", "date", "commit", "notes"};
  static const std::vector<std::string> calibrated = {"kind",      "citation",  "fitted",
                                                      "residuals", "tolerance", "notes"};
  return kind == "measured" ? measured : calibrated;
}

void read_pstates(const Node& list, Profile& p, Diagnostics& diag, std::vector<const Node*>& speed_nodes) {
  if (!list.is_seq() || list.items.empty()) {
    diag.error(list, "pstates", fmt::format("expected a non-empty list of pstates, found {}", list.describe()));
    return;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    std::string path = index_key("pstates", i);
    MapReader r(list.items[i], path, diag, "a pstate map {name, freq, idle, busy}");
    PState ps;
    speed_nodes.push_back(nullptr);
    if (const Node* n = r.need("name"); n)
      if (auto s = read_string(*n, r.key("name"), diag)) {
        ps.name = *s;
        if (!names.insert(ps.name).second) diag.error(*n, r.key("name"), fmt::format("duplicate pstate '{}'", ps.name));
      }
    if (const Node* n = r.need("freq"))
      if (auto v = read_quantity(*n, r.key("freq"), Quantity::Frequency, diag))
        if (check_positive(*n, r.key("freq"), *v, diag)) ps.freq_hz = *v;
    if (const Node* n = r.get("speed")) {
      speed_nodes.back() = n;
      if (auto v = read_number(*n, r.key("speed"), diag))
        if (check_positive(*n, r.key("speed"), *v, diag)) ps.speed = *v;
    }
    if (const Node* n = r.need("idle"))
      if (auto v = read_quantity(*n, r.key("idle"), Quantity::Power, diag))
        if (check_positive(*n, r.key("idle"), *v, diag, true)) ps.idle_W = *v;
    if (const Node* n = r.need("busy"))
      if (auto v = read_quantity(*n, r.key("busy"), Quantity::Power, diag))
        if (check_positive(*n, r.key("busy"), *v, diag, true)) ps.busy_W = *v;
    r.finish();
    p.pstates.push_back(ps);
  }
}

void read_cost(const Node& node, Profile& p, Diagnostics& diag) {
  MapReader r(node, "cost", diag, "a map of op classes");
  for (OpClass c : kClasses) {
    std::string cname = op_class_name(c);
    const Node* entry = r.get(cname);
    if (!entry) continue;
    MapReader e(*entry, r.key(cname), diag, "a cost map {fixed, rate}");
    OpCost cost;
    bool good = e.ok();
    if (const Node* n = e.need("fixed")) {
      auto v = read_quantity(*n, e.key("fixed"), Quantity::Time, diag);
      if (v && check_positive(*n, e.key("fixed"), *v, diag, true))
        cost.fixed_s = *v;
      else
        good = false;
    } else {
      good = false;
    }
    if (const Node* n = e.need("rate")) {
      auto v = read_quantity(*n, e.key("rate"), Quantity::ComputeRate, diag);
      if (v) {
        bool op_unit = n->text.find("op/s") != std::string::npos;
        if (counts_macs(c) == op_unit) {
          diag.error(*n, e.key("rate"),
                     fmt::format("{} work is counted in {}: expected a rate in {} such as '{}', found '{}'", cname,
                                 counts_macs(c) ? "MACs" : "elementary ops", counts_macs(c) ? "MAC/s" : "op/s",
                                 counts_macs(c) ? "6.1 GMAC/s" : "1 Gop/s", n->text));
          good = false;
        } else if (check_positive(*n, e.key("rate"), *v, diag)) {
          cost.rate_per_s = *v;
        } else {
          good = false;
        }
      } else {
        good = false;
      }
    } else {
      good = false;
    }
    e.finish();
    if (good) p.cost[c] = cost;
  }
  r.finish();
  if (r.ok() && node.entries.empty()) diag.error(node, "cost", "expected at least one op class, found an empty map");
}

void read_tables(const Node& list, Profile& p, Diagnostics& diag) {
  if (!list.is_seq()) {
    diag.error(list, "layer_tables", fmt::format("expected a list of layer tables, found {}", list.describe()));
    return;
  }
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    std::string path = index_key("layer_tables", i);
    MapReader r(list.items[i], path, diag, "a layer table {model, layer, rows, time_ms}");
    LayerRowTable t;
    if (const Node* n = r.need("model"))
      if (auto s = read_string(*n, r.key("model"), diag)) t.model = *s;
    if (const Node* n = r.need("layer"))
      if (auto s = read_string(*n, r.key("layer"), diag)) t.layer = *s;
    const Node* rows = r.need("rows");
    if (rows) {
      if (!rows->is_seq() || rows->items.empty()) {
        diag.error(*rows, r.key("rows"), fmt::format("expected a non-empty list of band heights, found {}",
                                                     rows->describe()));
      } else {
        for (std::size_t j = 0; j < rows->items.size(); ++j) {
          const Node& item = rows->items[j];
          std::string k = index_key(r.key("rows"), j);
          if (auto v = read_int(item, k, diag)) {
            if (*v <= 0) {
              diag.error(item, k, fmt::format("must be positive, found {}", item.describe()));
            } else if (!t.rows.empty() && *v <= t.rows.back()) {
              diag.error(item, k, fmt::format("rows must be strictly ascending, found {} after {}", *v, t.rows.back()));
            }
            t.rows.push_back(static_cast<int>(*v));
          }
        }
      }
    }
    // The time unit is carried either by the key (time_ms: [0.11]) or by each value (time: [0.11 ms]).
    const Node* times = nullptr;
    std::string tkey;
    int exp10 = 0;
    bool per_value_units = false;
    for (const char* k : {"time", "time_s", "time_ms", "time_us", "time_ns"}) {
      if (const Node* n = r.get(k); n && !times) {
        times = n;
        tkey = r.key(k);
        per_value_units = std::string_view(k) == "time";
        if (!per_value_units) time_unit_exp10(std::string_view(k).substr(5), exp10);
      }
    }
    if (!times) {
      diag.error(list.items[i], r.key("time_ms"), "missing key (or time: with units, time_s, time_us)");
    } else if (!times->is_seq()) {
      diag.error(*times, tkey, fmt::format("expected a list of times, found {}", times->describe()));
    } else {
      for (std::size_t j = 0; j < times->items.size(); ++j) {
        const Node& item = times->items[j];
        std::string k = index_key(tkey, j);
        std::optional<double> v;
        if (per_value_units) {
          v = read_quantity(item, k, Quantity::Time, diag);
        } else if (item.is_scalar() && !item.quoted) {
          try {
            v = parse_scaled(item.text, exp10);
          } catch (const UnitError&) {
            diag.error(item, k,
                       fmt::format("expected a bare number (the unit is in the key name), found {}", item.describe()));
          }
        } else {
          diag.error(item, k,
                     fmt::format("expected a bare number (the unit is in the key name), found {}", item.describe()));
        }
        if (v && check_positive(item, k, *v, diag, true)) t.time_s.push_back(*v);
      }
      if (rows && rows->is_seq() && times->items.size() != rows->items.size())
        diag.error(*times, tkey,
                   fmt::format("expected {} times (one per row height), found {}", rows->items.size(),
                               times->items.size()));
    }
    r.finish();
    p.layer_tables.push_back(std::move(t));
  }
}

void read_source(const Node& node, Profile& p, Diagnostics& diag) {
  MapReader r(node, "source", diag, "a provenance map with kind: measured | calibrated");
  if (!r.ok()) return;
  const Node* kind = r.need("kind");
  if (!kind) return;
  auto k = read_choice(*kind, "source.kind", "source kind", {"measured", "calibrated"}, diag);
  if (!k) {
    for (const auto& e : node.entries) r.allow(e.key);  // the kind is wrong; do not pile on
    return;
  }
  p.source.kind = *k;
  for (const auto& name : source_keys(*k)) {
    if (name == "kind") continue;
    const Node* n = r.get(name);
    if (!n) continue;
    // Structured values (the fitted figures, residuals) are kept as their flow text and written back as such.
    p.source.details[name] = n->is_scalar() ? n->text : to_flow(*n);
  }
  r.finish();
}

}  // namespace

std::optional<Profile> read_profile(const Node& root, Diagnostics& diag) {
  std::size_t before = diag.size();
  MapReader r(root, "", diag, "a device profile map");
  if (!r.ok()) return std::nullopt;
  Profile p;
  if (const Node* n = r.need("profile"))
    if (auto s = read_string(*n, "profile", diag)) p.name = *s;
  if (const Node* n = r.get("description"))
    if (auto s = read_string(*n, "description", diag)) p.description = *s;
  if (const Node* n = r.need("cores"))
    if (auto v = read_int(*n, "cores", diag)) {
      if (*v <= 0)
        diag.error(*n, "cores", fmt::format("must be positive, found {}", n->describe()));
      else
        p.cores = static_cast<int>(*v);
    }
  std::vector<const Node*> speed_nodes;
  if (const Node* n = r.need("pstates")) read_pstates(*n, p, diag, speed_nodes);
  if (const Node* n = r.get("reference")) {
    std::vector<std::string> names;
    for (const auto& ps : p.pstates) names.push_back(ps.name);
    if (auto s = read_choice(*n, "reference", "pstate", names, diag)) p.reference_pstate = p.pstate_index(*s);
  }
  // speed defaults to freq / freq(reference); the reference itself runs at speed 1 by definition.
  if (!p.pstates.empty()) {
    double fref = p.pstates[static_cast<std::size_t>(p.reference_pstate)].freq_hz;
    for (std::size_t i = 0; i < p.pstates.size(); ++i) {
      PState& ps = p.pstates[i];
      if (!speed_nodes[i]) {
        ps.speed = fref > 0 && ps.freq_hz > 0 ? ps.freq_hz / fref : 1.0;
      } else if (static_cast<int>(i) == p.reference_pstate && ps.speed != 1.0) {
        diag.error(*speed_nodes[i], index_key("pstates", i) + ".speed",
                   fmt::format("the reference pstate runs at speed 1 by definition, found {}",
                               speed_nodes[i]->describe()));
      }
    }
  }
  if (const Node* n = r.get("radio")) {
    MapReader rr(*n, "radio", diag, "a map {tx, rx}");
    if (const Node* t = rr.need("tx"))
      if (auto v = read_quantity(*t, "radio.tx", Quantity::Power, diag))
        if (check_positive(*t, "radio.tx", *v, diag, true)) p.radio_tx_W = *v;
    if (const Node* t = rr.need("rx"))
      if (auto v = read_quantity(*t, "radio.rx", Quantity::Power, diag))
        if (check_positive(*t, "radio.rx", *v, diag, true)) p.radio_rx_W = *v;
    rr.finish();
  }
  if (const Node* n = r.need("cost")) read_cost(*n, p, diag);
  if (const Node* n = r.get("layer_tables")) read_tables(*n, p, diag);
  if (const Node* n = r.need("source")) read_source(*n, p, diag);
  r.finish();
  if (diag.size() != before) return std::nullopt;
  return p;
}

}  // namespace doc

Profile parse_profile(const std::string& yaml_text, const std::string& file) {
  doc::Diagnostics diag;
  doc::Node root = doc::parse_yaml(yaml_text, file, diag);
  if (root.is_null() && diag.empty()) diag.error(file, 0, 0, "", "empty file; expected a device profile");
  std::optional<Profile> p;
  if (!root.is_null()) p = doc::read_profile(root, diag);
  diag.throw_if_any();
  return *p;
}

Profile load_profile(const std::string& path) {
  doc::Diagnostics diag;
  doc::Node root = doc::load_yaml_file(path, "a device profile", diag);
  std::optional<Profile> p;
  if (!root.is_null()) p = doc::read_profile(root, diag);
  diag.throw_if_any();
  return *p;
}

namespace {
std::string scalar(const std::string& s) { return doc::flow_scalar(s); }
}  // namespace

std::string profile_to_yaml(const Profile& p) {
  std::string out = "# edgesplit device profile (format: docs/formats.md, \"Device profile\")\n";
  out += fmt::format("profile: {}\n", scalar(p.name));
  if (!p.description.empty()) out += fmt::format("description: {}\n", scalar(p.description));
  out += fmt::format("cores: {}\n", p.cores);
  out += "pstates:\n";
  double fref = p.pstates.empty() ? 0 : p.pstates[static_cast<std::size_t>(p.reference_pstate)].freq_hz;
  for (std::size_t i = 0; i < p.pstates.size(); ++i) {
    const PState& ps = p.pstates[i];
    out += fmt::format("  - {{name: {}, freq: {}", scalar(ps.name), format_quantity(ps.freq_hz, Quantity::Frequency));
    // Written only when it differs from the default the reader would compute.
    double dflt = fref > 0 && ps.freq_hz > 0 ? ps.freq_hz / fref : 1.0;
    if (ps.speed != dflt) out += fmt::format(", speed: {}", format_scaled(ps.speed, 0));
    out += fmt::format(", idle: {}, busy: {}}}\n", format_quantity(ps.idle_W, Quantity::Power),
                       format_quantity(ps.busy_W, Quantity::Power));
  }
  if (!p.pstates.empty())
    out += fmt::format("reference: {}\n", scalar(p.pstates[static_cast<std::size_t>(p.reference_pstate)].name));
  if (p.radio_tx_W != 0 || p.radio_rx_W != 0)
    out += fmt::format("radio: {{tx: {}, rx: {}}}\n", format_quantity(p.radio_tx_W, Quantity::Power),
                       format_quantity(p.radio_rx_W, Quantity::Power));
  out += "cost:\n";
  for (OpClass c : doc::kClasses) {
    auto it = p.cost.find(c);
    if (it == p.cost.end()) continue;
    out += fmt::format("  {}: {{fixed: {}, rate: {}}}\n", op_class_name(c),
                       format_quantity(it->second.fixed_s, Quantity::Time),
                       format_quantity(it->second.rate_per_s, Quantity::ComputeRate,
                                       doc::counts_macs(c) ? "MAC/s" : "op/s"));
  }
  if (!p.layer_tables.empty()) {
    out += "layer_tables:\n";
    for (const auto& t : p.layer_tables) {
      std::string rows, times;
      for (int r : t.rows) rows += (rows.empty() ? "" : ", ") + std::to_string(r);
      for (double s : t.time_s) times += (times.empty() ? "" : ", ") + format_scaled(s, -3);
      out += fmt::format("  - {{model: {}, layer: {}, rows: [{}], time_ms: [{}]}}\n", scalar(t.model),
                         scalar(t.layer), rows, times);
    }
  }
  out += "source:\n";
  out += fmt::format("  kind: {}\n", scalar(p.source.kind));
  for (const auto& name : doc::source_keys(p.source.kind)) {
    auto it = p.source.details.find(name);
    if (name == "kind" || it == p.source.details.end()) continue;
    const std::string& v = it->second;
    bool structured = !v.empty() && (v.front() == '[' || v.front() == '{');
    out += fmt::format("  {}: {}\n", name, structured ? v : scalar(v));
  }
  return out;
}

void save_profile(const Profile& profile, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw InputError(InputIssue{path, 0, 0, "", "cannot write file"});
  out << profile_to_yaml(profile);
  if (!out) throw InputError(InputIssue{path, 0, 0, "", "write failed"});
}

}  // namespace edgesplit
