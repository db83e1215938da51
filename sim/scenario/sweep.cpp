// Sweep expansion: dotted-key overrides on the base scenario's tree, then the ordinary scenario reader per point.
#include "sim/scenario/sweep.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "sim/scenario/readers.hpp"
#include "sim/scenario/scenario_io.hpp"

namespace edgesplit {

std::uint64_t derived_seed(std::uint64_t seed, int r) {
  if (r == 0) return seed;
  // splitmix64 (Steele, Lea, Flood 2014), one step from seed + r.
  std::uint64_t z = seed + static_cast<std::uint64_t>(r) + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return z & 0x7fffffffffffffffULL;
}

namespace {

using doc::Diagnostics;
using doc::Node;

struct Step {
  enum class Kind { Key, Index, Wildcard } kind = Kind::Key;
  std::string key;
  std::size_t index = 0;
};

// "platform.devices[2].pstate" → key platform, key devices, index 2, key pstate. "*" / "[*]" are wildcards.
bool parse_path(const std::string& path, std::vector<Step>& steps, std::string& error) {
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = i;
    while (j < path.size() && path[j] != '.' && path[j] != '[') ++j;
    std::string tok = path.substr(i, j - i);
    if (tok.empty() && (j >= path.size() || path[j] != '[' || i != 0)) {
      error = "empty component";
      return false;
    }
    if (tok == "*")
      steps.push_back({Step::Kind::Wildcard, "", 0});
    else if (!tok.empty())
      steps.push_back({Step::Kind::Key, tok, 0});
    while (j < path.size() && path[j] == '[') {
      std::size_t close = path.find(']', j);
      if (close == std::string::npos) {
        error = "unclosed '['";
        return false;
      }
      std::string inner = path.substr(j + 1, close - j - 1);
      if (inner == "*") {
        steps.push_back({Step::Kind::Wildcard, "", 0});
      } else {
        if (inner.empty() || inner.find_first_not_of("0123456789") != std::string::npos) {
          error = fmt::format("'[{}]' is not a list index", inner);
          return false;
        }
        steps.push_back({Step::Kind::Index, "", std::stoul(inner)});
      }
      j = close + 1;
    }
    if (j < path.size() && path[j] != '.') {
      error = fmt::format("unexpected '{}'", path[j]);
      return false;
    }
    i = j + 1;
    if (j == path.size()) break;
    if (i == path.size()) {
      error = "ends with '.'";
      return false;
    }
  }
  if (steps.empty()) error = "empty key";
  return !steps.empty();
}

std::string step_text(const std::vector<Step>& steps, std::size_t upto) {
  std::string out;
  for (std::size_t k = 0; k < upto; ++k) {
    const Step& s = steps[k];
    if (s.kind == Step::Kind::Index)
      out += fmt::format("[{}]", s.index);
    else
      out += (out.empty() ? "" : ".") + (s.kind == Step::Kind::Wildcard ? std::string("*") : s.key);
  }
  return out;
}

// Sets every node the path reaches to `value`. Returns "" or what went wrong.
std::string apply(Node& node, const std::vector<Step>& steps, std::size_t pos, const Node& value, bool create) {
  if (pos == steps.size()) {
    node = value;
    return "";
  }
  const Step& s = steps[pos];
  std::string here = step_text(steps, pos);
  std::string where = here.empty() ? "the scenario" : fmt::format("'{}'", here);
  switch (s.kind) {
    case Step::Kind::Key: {
      if (node.is_null() && create) node.kind = Node::Kind::Map;
      if (!node.is_map()) return fmt::format("{} is {}, not a map", where, node.describe());
      Node* child = node.find(s.key);
      if (!child) {
        if (!create) {
          std::vector<std::string> keys;
          for (const auto& e : node.entries) keys.push_back(e.key);
          std::string msg = fmt::format("no key '{}' in {} of the base scenario", s.key, where);
          if (auto near = nearest_name(s.key, keys); !near.empty()) msg += fmt::format("; did you mean '{}'?", near);
          return msg + " (prefix the swept key with '+' to add a key)";
        }
        node.entries.push_back(Node::Entry{s.key, value.line, value.col, Node{}});
        node.entries.back().value.file = value.file;
        child = &node.entries.back().value;
      }
      return apply(*child, steps, pos + 1, value, create);
    }
    case Step::Kind::Index: {
      if (!node.is_seq()) return fmt::format("{} is {}, not a list", where, node.describe());
      if (s.index >= node.items.size())
        return fmt::format("index {} is out of range: {} has {} entries", s.index, where, node.items.size());
      return apply(node.items[s.index], steps, pos + 1, value, create);
    }
    case Step::Kind::Wildcard: {
      if (node.is_map()) {
        if (node.entries.empty()) return fmt::format("{} is empty: '*' matches nothing", where);
        for (auto& e : node.entries)
          if (auto err = apply(e.value, steps, pos + 1, value, create); !err.empty()) return err;
        return "";
      }
      if (node.is_seq()) {
        if (node.items.empty()) return fmt::format("{} is empty: '*' matches nothing", where);
        for (auto& i : node.items)
          if (auto err = apply(i, steps, pos + 1, value, create); !err.empty()) return err;
        return "";
      }
      return fmt::format("{} is {}: '*' needs a map or a list", where, node.describe());
    }
  }
  return "";
}

struct Override {
  std::string key;  // as written, for SweptValue
  std::vector<Step> steps;
  bool create = false;
};

struct Axis {
  std::vector<Override> keys;           // one for a grid axis, several for a zip group
  std::vector<std::vector<Node>> values;  // values[k][j]: key k, position j
  std::size_t length = 0;
};

}  // namespace

struct SweepExpansion::Impl {
  std::string file, name;
  std::vector<PlannerInfo> planners;
  Node base;
  std::vector<Axis> axes;
  int repeat = 1;
  mutable doc::Cache cache;

  std::size_t size() const {
    std::size_t n = static_cast<std::size_t>(repeat);
    for (const auto& a : axes) n *= a.length;
    return n;
  }

  // Resolve point i into `out`; problems go to diag. False when invalid.
  bool resolve(std::size_t i, SweepPoint& out, Diagnostics& diag) const {
    out = SweepPoint{};
    out.index = i;
    out.repeat = static_cast<int>(i % static_cast<std::size_t>(repeat));
    std::size_t rest = i / static_cast<std::size_t>(repeat);
    std::vector<std::size_t> pos(axes.size());
    for (std::size_t k = axes.size(); k-- > 0;) {
      pos[k] = rest % axes[k].length;
      rest /= axes[k].length;
    }
    Node tree = base;
    std::size_t before = diag.size();
    for (std::size_t k = 0; k < axes.size(); ++k) {
      const Axis& a = axes[k];
      for (std::size_t m = 0; m < a.keys.size(); ++m) {
        const Node& v = a.values[m][pos[k]];
        if (auto err = apply(tree, a.keys[m].steps, 0, v, a.keys[m].create); !err.empty())
          diag.error(v, a.keys[m].key, err);
        doc::normalize_scenario(tree, cache, diag);  // a swapped-in platform file becomes a tree again
        out.swept.push_back({a.keys[m].key, doc::to_flow(v)});
      }
    }
    if (repeat > 1) out.swept.push_back({"repeat", std::to_string(out.repeat)});
    if (diag.size() != before) return false;
    auto s = doc::read_scenario(tree, planners, cache, diag);
    if (!s) return false;
    if (out.repeat > 0) {
      s->seed = derived_seed(s->seed, out.repeat);
      s->key = scenario_key(*s);
    }
    out.scenario = std::move(*s);
    return true;
  }
};

SweepExpansion::SweepExpansion(const std::string& path, std::vector<PlannerInfo> planners)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.file = path;
  m.name = std::filesystem::path(path).stem().string();
  m.planners = std::move(planners);
  Diagnostics diag;
  Node root = doc::load_with_includes(path, "a sweep", diag);
  if (root.is_null()) diag.throw_if_any();
  doc::MapReader r(root, "", diag, "a sweep map {base, grid, zip, repeat}");
  if (!r.ok()) diag.throw_if_any();
  if (const Node* n = r.get("sweep"))
    if (auto s = doc::read_string(*n, "sweep", diag)) m.name = *s;
  r.get("description");
  if (const Node* n = r.get("repeat"))
    if (auto v = doc::read_int(*n, "repeat", diag)) {
      if (*v < 1 || *v > 1'000'000)
        diag.error(*n, "repeat", fmt::format("expected 1 to 1000000 repetitions, found {}", n->describe()));
      else
        m.repeat = static_cast<int>(*v);
    }
  if (const Node* b = r.need("base")) {
    if (b->is_scalar()) {
      m.base = doc::load_with_includes(doc::resolve_path(b->file_name(), b->text), "a scenario", diag);
    } else if (b->is_map()) {
      m.base = *b;
    } else {
      diag.error(*b, "base", fmt::format("expected a scenario file or an inline scenario map, found {}", b->describe()));
    }
  }
  if (m.base.is_map()) doc::normalize_scenario(m.base, m.cache, diag);

  std::vector<std::string> seen;
  // One swept key: parse, check it reaches into the base, collect its values.
  auto add_key = [&](const Node::Entry& e, const std::string& section, Axis& axis) -> bool {
    std::string shown = section + "." + e.key;
    Override o;
    o.key = e.key;
    std::string path = e.key;
    if (!path.empty() && path[0] == '+') {
      o.create = true;
      path = path.substr(1);
      o.key = path;
    }
    std::string err;
    if (!parse_path(path, o.steps, err)) {
      diag.error(root.file_name(), e.line, e.col, shown, fmt::format("malformed key: {}", err));
      return false;
    }
    if (std::find(seen.begin(), seen.end(), path) != seen.end()) {
      diag.error(root.file_name(), e.line, e.col, shown, "key swept twice");
      return false;
    }
    seen.push_back(path);
    if (!e.value.is_seq() || e.value.items.empty()) {
      diag.error(e.value, shown, fmt::format("expected a non-empty list of values, found {}", e.value.describe()));
      return false;
    }
    if (m.base.is_map()) {
      Node probe = m.base;
      if (auto msg = apply(probe, o.steps, 0, e.value.items[0], o.create); !msg.empty()) {
        diag.error(e.value.file_name(), e.line, e.col, shown, msg);
        return false;
      }
    }
    axis.keys.push_back(o);
    axis.values.push_back(e.value.items);
    return true;
  };
  if (const Node* g = r.get("grid")) {
    doc::MapReader gr(*g, "grid", diag, "a map from dotted key to a list of values");
    if (gr.ok())
      for (const auto& e : g->entries) {
        gr.allow(e.key);
        Axis a;
        if (add_key(e, "grid", a)) {
          a.length = a.values[0].size();
          m.axes.push_back(std::move(a));
        }
      }
  }
  if (const Node* z = r.get("zip")) {
    std::vector<std::pair<const Node*, std::string>> groups;
    if (z->is_map()) {
      groups.push_back({z, "zip"});
    } else if (z->is_seq()) {
      for (std::size_t i = 0; i < z->items.size(); ++i) groups.push_back({&z->items[i], doc::index_key("zip", i)});
    } else {
      diag.error(*z, "zip", fmt::format("expected a map of paired lists (or a list of such maps), found {}",
                                        z->describe()));
    }
    for (const auto& [gn, gkey] : groups) {
      doc::MapReader gr(*gn, gkey, diag, "a map from dotted key to a list of values");
      if (!gr.ok()) continue;
      Axis a;
      bool good = true;
      for (const auto& e : gn->entries) {
        gr.allow(e.key);
        good = add_key(e, gkey, a) && good;
      }
      if (!good || a.keys.empty()) continue;
      a.length = a.values[0].size();
      for (std::size_t k = 1; k < a.keys.size(); ++k)
        if (a.values[k].size() != a.length) {
          diag.error(*gn, gkey,
                     fmt::format("zip lists differ in length: '{}' has {} values, '{}' has {}", a.keys[0].key,
                                 a.length, a.keys[k].key, a.values[k].size()));
          good = false;
        }
      if (good) m.axes.push_back(std::move(a));
    }
  }
  r.finish();
  diag.throw_if_any();
}

SweepExpansion::~SweepExpansion() = default;
SweepExpansion::SweepExpansion(SweepExpansion&&) noexcept = default;
SweepExpansion& SweepExpansion::operator=(SweepExpansion&&) noexcept = default;

const std::string& SweepExpansion::name() const { return impl_->name; }
const std::string& SweepExpansion::file() const { return impl_->file; }
std::size_t SweepExpansion::size() const { return impl_->size(); }
int SweepExpansion::repeat() const { return impl_->repeat; }

std::vector<std::string> SweepExpansion::parameters() const {
  std::vector<std::string> out;
  for (const auto& a : impl_->axes)
    for (const auto& k : a.keys) out.push_back(k.key);
  if (impl_->repeat > 1) out.push_back("repeat");
  return out;
}

SweepPoint SweepExpansion::at(std::size_t i) const {
  if (i >= size()) throw InputError(InputIssue{impl_->file, 0, 0, "", fmt::format("no point {} (the sweep has {})", i, size())});
  Diagnostics diag;
  SweepPoint p;
  impl_->resolve(i, p, diag);
  diag.throw_if_any();
  return p;
}

void SweepExpansion::for_each(const std::function<void(const SweepPoint&)>& fn) const {
  Diagnostics diag;
  SweepPoint p;
  std::size_t n = size();
  for (std::size_t i = 0; i < n; ++i)
    if (impl_->resolve(i, p, diag)) fn(p);
  diag.throw_if_any();
}

std::vector<SweepPoint> SweepExpansion::all() const {
  std::vector<SweepPoint> out;
  out.reserve(size());
  for_each([&](const SweepPoint& p) { out.push_back(p); });
  return out;
}

}  // namespace edgesplit
