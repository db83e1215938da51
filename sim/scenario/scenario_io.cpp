// Scenario reader (model, platform, planner + options, workload, objective, constraints, dynamics) and its key.
#include "sim/scenario/scenario_io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <functional>
#include <map>

#include "sim/model/zoo.hpp"
#include "sim/scenario/model_yaml.hpp"
#include "sim/scenario/profile_io.hpp"
#include "sim/scenario/readers.hpp"

namespace edgesplit {

const char* arrival_name(Arrival a) {
  switch (a) {
    case Arrival::Closed: return "closed";
    case Arrival::Periodic: return "periodic";
    case Arrival::Poisson: return "poisson";
  }
  return "?";
}

const char* objective_name(Objective o) {
  switch (o) {
    case Objective::Latency: return "latency";
    case Objective::Throughput: return "throughput";
    case Objective::Energy: return "energy";
    case Objective::Accuracy: return "accuracy";
  }
  return "?";
}

const char* dynamics_kind_name(DynamicsEvent::Kind k) {
  switch (k) {
    case DynamicsEvent::Kind::StationRate: return "station_rate";
    case DynamicsEvent::Kind::CloudBandwidth: return "cloud_bandwidth";
    case DynamicsEvent::Kind::PState: return "pstate";
    case DynamicsEvent::Kind::Straggler: return "straggler";
    case DynamicsEvent::Kind::Failure: return "failure";
  }
  return "?";
}

namespace doc {
namespace fs = std::filesystem;

namespace {

bool looks_like_path(const std::string& s) {
  return s.find('/') != std::string::npos || (s.size() > 5 && s.substr(s.size() - 5) == ".yaml");
}

Node map_with(const std::string& key, Node value, const Node& like) {
  Node m;
  m.kind = Node::Kind::Map;
  m.file = like.file;
  m.line = like.line;
  m.col = like.col;
  m.entries.push_back(Node::Entry{key, like.line, like.col, std::move(value)});
  return m;
}

// Plain YAML scalars as JSON: integers, numbers, booleans, else strings (for options without a schema).
nlohmann::json to_json(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Null: return nullptr;
    case Node::Kind::Scalar: {
      if (!n.quoted) {
        if (n.text == "true") return true;
        if (n.text == "false") return false;
        long long i = 0;
        auto [p, ec] = std::from_chars(n.text.data(), n.text.data() + n.text.size(), i);
        if (ec == std::errc() && p == n.text.data() + n.text.size()) return i;
        try {
          return parse_number(n.text);
        } catch (const UnitError&) {
        }
      }
      return n.text;
    }
    case Node::Kind::Seq: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& i : n.items) a.push_back(to_json(i));
      return a;
    }
    case Node::Kind::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& e : n.entries) o[e.key] = to_json(e.value);
      return o;
    }
  }
  return nullptr;
}

std::optional<Quantity> quantity_kind(const std::string& name) {
  static const std::vector<std::pair<std::string, Quantity>> t = {
      {"time", Quantity::Time},           {"data_rate", Quantity::DataRate}, {"rate", Quantity::DataRate},
      {"data_size", Quantity::DataSize},  {"size", Quantity::DataSize},      {"frequency", Quantity::Frequency},
      {"power", Quantity::Power},         {"energy", Quantity::Energy},      {"compute_rate", Quantity::ComputeRate}};
  for (const auto& [n, q] : t)
    if (n == name) return q;
  return std::nullopt;
}

// Checks one option against its spec; the JSON value (quantities in SI) or nullopt.
std::optional<nlohmann::json> read_option(const Node& n, const std::string& key, const OptionSpec& spec,
                                          Diagnostics& diag) {
  std::optional<nlohmann::json> out;
  std::optional<double> numeric;
  if (spec.type == "int") {
    if (auto v = read_int(n, key, diag)) out = *v, numeric = static_cast<double>(*v);
  } else if (spec.type == "double") {
    if (auto v = read_number(n, key, diag)) out = *v, numeric = *v;
  } else if (spec.type == "bool") {
    if (auto v = read_bool(n, key, diag)) out = *v;
  } else if (spec.type == "string") {
    if (spec.choices.empty()) {
      if (auto v = read_string(n, key, diag)) out = *v;
    } else if (auto v = read_choice(n, key, "value", spec.choices, diag, fmt::format(" (option '{}')", spec.name))) {
      out = *v;
    }
  } else if (spec.type.rfind("quantity:", 0) == 0) {
    if (auto q = quantity_kind(spec.type.substr(9))) {
      if (auto v = read_quantity(n, key, *q, diag)) out = *v, numeric = *v;
    } else {
      diag.error(n, key, fmt::format("option '{}' has an unknown type '{}' in its planner's schema", spec.name, spec.type));
    }
  } else {
    diag.error(n, key, fmt::format("option '{}' has an unknown type '{}' in its planner's schema", spec.name, spec.type));
  }
  if (out && numeric) {
    if ((spec.min && *numeric < *spec.min) || (spec.max && *numeric > *spec.max)) {
      std::string range = spec.min && spec.max ? fmt::format("between {} and {}", *spec.min, *spec.max)
                          : spec.min          ? fmt::format("at least {}", *spec.min)
                                              : fmt::format("at most {}", *spec.max);
      diag.error(n, key, fmt::format("expected a value {}, found {}", range, n.describe()));
      return std::nullopt;
    }
  }
  return out;
}

void read_planner(const Node& node, const std::vector<PlannerInfo>& planners, Scenario& s, Diagnostics& diag) {
  const Node* name_node = &node;
  const Node* options = nullptr;
  std::optional<MapReader> r;
  if (node.is_map()) {
    r.emplace(node, "planner", diag);
    name_node = r->need("name");
    options = r->get("options");
    r->finish();
    if (!name_node) return;
  }
  auto name = read_string(*name_node, node.is_map() ? "planner.name" : "planner", diag);
  if (!name) return;
  s.planner = *name;
  const PlannerInfo* info = nullptr;
  if (!planners.empty()) {
    std::vector<std::string> known;
    for (const auto& p : planners) {
      known.push_back(p.name);
      if (p.name == *name) info = &p;
    }
    if (!info) {
      diag.error(*name_node, node.is_map() ? "planner.name" : "planner", unknown_name_message("planner", *name, known));
      return;
    }
  }
  s.planner_options = nlohmann::json::object();
  if (options && !options->is_map()) {
    diag.error(*options, "planner.options", fmt::format("expected a map of options, found {}", options->describe()));
    return;
  }
  if (!info) {
    if (options) s.planner_options = to_json(*options);
    return;
  }
  std::vector<std::string> valid;
  for (const auto& o : info->options) valid.push_back(o.name);
  if (options) {
    for (const auto& e : options->entries) {
      std::string key = "planner.options." + e.key;
      auto spec = std::find_if(info->options.begin(), info->options.end(),
                               [&](const OptionSpec& o) { return o.name == e.key; });
      if (spec == info->options.end()) {
        std::string msg = valid.empty() ? fmt::format("planner '{}' takes no options, found '{}'", info->name, e.key)
                                         : unknown_name_message("option", e.key, valid) +
                                                   fmt::format(" (planner '{}')", info->name);
        diag.error(options->file_name(), e.line, e.col, key, msg);
        continue;
      }
      if (auto v = read_option(e.value, key, *spec, diag)) s.planner_options[e.key] = *v;
    }
  }
  // Defaults make the resolved options (and so the key) the same whether a default was written out or not.
  for (const auto& o : info->options) {
    if (s.planner_options.contains(o.name) || (options && options->find(o.name))) continue;  // given (maybe wrong)
    if (o.default_value.is_null())
      diag.error(options ? *options : node, "planner.options." + o.name,
                 fmt::format("missing option (required by planner '{}': {})", info->name, o.description));
    else
      s.planner_options[o.name] = o.default_value;
  }
}

// By reference: a sweep copies the cached model once per point (into the Scenario), not twice.
const std::optional<Model>& cached_model(const std::string& cache_key, Cache& cache,
                                         const std::function<std::optional<Model>()>& make) {
  auto it = cache.models.find(cache_key);
  if (it != cache.models.end()) return it->second;
  return cache.models.emplace(cache_key, make()).first->second;
}

void read_model_ref(const Node& node, Scenario& s, Cache& cache, Diagnostics& diag) {
  std::string zoo, file, variant;
  const Node* at = &node;
  std::string key = "model";
  if (node.is_scalar()) {
    (looks_like_path(node.text) ? file : zoo) = node.text;
  } else {
    MapReader r(node, "model", diag, "a model name, a file path, or {zoo | file, variant}");
    if (!r.ok()) return;
    const Node* z = r.get("zoo");
    const Node* f = r.get("file");
    if (const Node* v = r.get("variant"))
      if (auto t = read_string(*v, "model.variant", diag)) variant = *t;
    r.finish();
    if ((z != nullptr) == (f != nullptr)) {
      diag.error(node, "model", "expected exactly one of 'zoo' and 'file'");
      return;
    }
    at = z ? z : f;
    key = z ? "model.zoo" : "model.file";
    auto t = read_string(*at, key, diag);
    if (!t) return;
    (z ? zoo : file) = *t;
    if (f && !variant.empty()) {
      diag.error(*node.find("variant"), "model.variant", "a variant applies to zoo models only");
      return;
    }
  }
  s.model_ref.variant = variant;
  if (!zoo.empty()) {
    std::string name = variant.empty() ? zoo : zoo + "_" + variant;
    s.model_ref.zoo_name = name;
    auto names = zoo_names();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      diag.error(*at, key, unknown_name_message("model", name, names));
      return;
    }
    if (const auto& m = cached_model("zoo:" + name, cache, [&] { return std::optional<Model>(zoo_model(name)); }))
      s.model = *m;
    return;
  }
  std::string path = resolve_path(at->file_name(), file);
  s.model_ref.file = path;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    diag.error(*at, key, fmt::format("no model file '{}'", path));
    return;
  }
  const auto& m = cached_model("file:" + path, cache, [&]() -> std::optional<Model> {
    Node root = load_yaml_file(path, "a model", diag);
    if (root.is_null()) return std::nullopt;
    return read_model(root, diag);
  });
  if (m) s.model = *m;
}

void read_workload(const Node& node, Scenario& s, Diagnostics& diag) {
  MapReader r(node, "workload", diag, "a workload map {frames, arrival, rate}");
  if (!r.ok()) return;
  if (const Node* n = r.get("frames"))
    if (auto v = read_int(*n, "workload.frames", diag)) {
      if (*v <= 0)
        diag.error(*n, "workload.frames", fmt::format("must be positive, found {}", n->describe()));
      else
        s.workload.frames = static_cast<int>(*v);
    }
  const Node* arrival = r.get("arrival");
  if (arrival)
    if (auto a = read_choice(*arrival, "workload.arrival", "arrival", {"closed", "periodic", "poisson"}, diag))
      s.workload.arrival = *a == "closed" ? Arrival::Closed : *a == "periodic" ? Arrival::Periodic : Arrival::Poisson;
  const Node* rate = r.get("rate");
  if (rate) {
    if (s.workload.arrival == Arrival::Closed) {
      diag.error(*rate, "workload.rate", "a rate applies to periodic and poisson arrivals only (arrival is closed)");
    } else if (auto v = read_quantity(*rate, "workload.rate", Quantity::Frequency, diag)) {
      if (check_positive(*rate, "workload.rate", *v, diag)) s.workload.rate_per_s = *v;
    }
  } else if (s.workload.arrival != Arrival::Closed) {
    diag.error(node, "workload.rate", fmt::format("missing key (needed by arrival: {})", arrival_name(s.workload.arrival)));
  }
  r.finish();
}

void read_constraints(const Node& node, Scenario& s, Diagnostics& diag) {
  MapReader r(node, "constraints", diag, "a constraints map {deadline, latency_cap, accuracy_floor}");
  if (!r.ok()) return;
  if (const Node* n = r.get("deadline"))
    if (auto v = read_quantity(*n, "constraints.deadline", Quantity::Time, diag))
      if (check_positive(*n, "constraints.deadline", *v, diag)) s.constraints.deadline_s = *v;
  if (const Node* n = r.get("latency_cap"))
    if (auto v = read_quantity(*n, "constraints.latency_cap", Quantity::Time, diag))
      if (check_positive(*n, "constraints.latency_cap", *v, diag)) s.constraints.latency_cap_s = *v;
  if (const Node* n = r.get("accuracy_floor"))
    if (auto v = read_number(*n, "constraints.accuracy_floor", diag)) {
      if (*v < 0 || *v > 100)
        diag.error(*n, "constraints.accuracy_floor", fmt::format("expected a top-1 % between 0 and 100, found {}",
                                                                 n->describe()));
      else
        s.constraints.accuracy_floor = *v;
    }
  r.finish();
}

void read_dynamics(const Node& node, Scenario& s, const Platform* pl, Diagnostics& diag) {
  if (!node.is_seq()) {
    diag.error(node, "dynamics", fmt::format("expected a list of events, found {}", node.describe()));
    return;
  }
  const std::vector<std::string> kinds = {"station_rate", "cloud_bandwidth", "pstate", "straggler", "failure"};
  std::vector<std::string> devices;
  if (pl)
    for (const auto& d : pl->devices) devices.push_back(d.name);
  for (std::size_t i = 0; i < node.items.size(); ++i) {
    std::string path = index_key("dynamics", i);
    MapReader r(node.items[i], path, diag, "an event map {at, event, ...}");
    if (!r.ok()) continue;
    DynamicsEvent ev;
    bool good = true;
    if (const Node* n = r.need("at")) {
      auto v = read_quantity(*n, r.key("at"), Quantity::Time, diag);
      if (v && check_positive(*n, r.key("at"), *v, diag, true))
        ev.time_s = *v;
      else
        good = false;
    }
    const Node* kn = r.need("event");
    std::optional<std::string> kind;
    if (kn) kind = read_choice(*kn, r.key("event"), "event", kinds, diag);
    if (!kind) {
      for (const auto& e : node.items[i].entries) r.allow(e.key);
      continue;
    }
    ev.kind = static_cast<DynamicsEvent::Kind>(std::find(kinds.begin(), kinds.end(), *kind) - kinds.begin());
    const Device* dev = nullptr;
    if (ev.kind != DynamicsEvent::Kind::CloudBandwidth) {
      if (const Node* n = r.need("device")) {
        if (auto d = read_string(*n, r.key("device"), diag)) {
          ev.device = *d;
          if (pl) {
            int idx = pl->index_of(*d);
            if (idx < 0) {
              diag.error(*n, r.key("device"), unknown_name_message("device", *d, devices));
              good = false;
            } else {
              dev = &pl->devices[static_cast<std::size_t>(idx)];
              if (ev.kind == DynamicsEvent::Kind::StationRate && dev->attachment != Attachment::WifiStation) {
                diag.error(*n, r.key("device"), fmt::format("device '{}' is not a Wi-Fi station", *d));
                good = false;
              }
            }
          }
        }
      }
    }
    switch (ev.kind) {
      case DynamicsEvent::Kind::StationRate:
        if (const Node* n = r.need("rate"))
          if (auto v = read_quantity(*n, r.key("rate"), Quantity::DataRate, diag))
            if (check_positive(*n, r.key("rate"), *v, diag)) ev.value = *v;
        break;
      case DynamicsEvent::Kind::CloudBandwidth:
        if (const Node* n = r.need("bandwidth"))
          if (auto v = read_quantity(*n, r.key("bandwidth"), Quantity::DataRate, diag))
            if (check_positive(*n, r.key("bandwidth"), *v, diag)) ev.value = *v;
        if (pl && !pl->cloud_index())
          diag.error(node.items[i], path, "a cloud_bandwidth event needs a cloud host (network.cloud)");
        break;
      case DynamicsEvent::Kind::PState:
        if (const Node* n = r.need("pstate")) {
          if (dev) {
            std::vector<std::string> ps;
            for (const auto& p : dev->profile.pstates) ps.push_back(p.name);
            if (auto v = read_choice(*n, r.key("pstate"), "pstate", ps, diag,
                                     fmt::format(" (profile '{}')", dev->profile.name)))
              ev.pstate = *v;
          } else if (auto v = read_string(*n, r.key("pstate"), diag)) {
            ev.pstate = *v;
          }
        }
        break;
      case DynamicsEvent::Kind::Straggler:
        if (const Node* n = r.need("slowdown"))
          if (auto v = read_number(*n, r.key("slowdown"), diag)) {
            if (*v < 1)
              diag.error(*n, r.key("slowdown"), fmt::format("expected a factor of 1 or more, found {}", n->describe()));
            else
              ev.value = *v;
          }
        if (const Node* n = r.get("duration"))
          if (auto v = read_quantity(*n, r.key("duration"), Quantity::Time, diag))
            if (check_positive(*n, r.key("duration"), *v, diag)) ev.duration_s = *v;
        break;
      case DynamicsEvent::Kind::Failure: break;
    }
    r.finish();
    if (good) s.dynamics.push_back(ev);
  }
  std::stable_sort(s.dynamics.begin(), s.dynamics.end(),
                   [](const DynamicsEvent& a, const DynamicsEvent& b) { return a.time_s < b.time_s; });
}

}  // namespace

void normalize_scenario(Node& root, Cache& cache, Diagnostics& diag) {
  if (!root.is_map()) return;
  if (Node* p = root.find("planner"); p && p->is_scalar()) *p = map_with("name", *p, *p);
  if (Node* m = root.find("model"); m && m->is_scalar())
    *m = map_with(looks_like_path(m->text) ? "file" : "zoo", *m, *m);
  if (Node* p = root.find("platform"); p && p->is_scalar()) {
    const Node& doc = cached_document(resolve_path(p->file_name(), p->text), "a platform", cache, diag);
    if (!doc.is_null()) *p = doc;
  }
}

std::optional<Scenario> read_scenario(const Node& root, const std::vector<PlannerInfo>& planners, Cache& cache,
                                      Diagnostics& diag) {
  std::size_t before = diag.size();
  MapReader r(root, "", diag, "a scenario map {model, platform, planner, ...}");
  if (!r.ok()) return std::nullopt;
  Scenario s;
  s.file = root.file_name();
  s.name = fs::path(s.file).stem().string();
  if (const Node* n = r.get("name"))
    if (auto v = read_string(*n, "name", diag)) s.name = *v;
  if (const Node* n = r.need("model")) read_model_ref(*n, s, cache, diag);
  std::optional<Platform> pl;
  if (const Node* n = r.need("platform")) {
    if (n->is_scalar()) {
      std::string path = resolve_path(n->file_name(), n->text);
      const Node& doc = cached_document(path, "a platform", cache, diag);
      if (!doc.is_null()) pl = read_platform(doc, cache, diag);
    } else {
      pl = read_platform(*n, cache, diag, "platform");
    }
    if (pl) s.platform = std::move(*pl);
  }
  if (const Node* n = r.get("planner")) read_planner(*n, planners, s, diag);
  if (const Node* n = r.get("workload")) read_workload(*n, s, diag);
  if (const Node* n = r.get("objective"))
    if (auto o = read_choice(*n, "objective", "objective", {"latency", "throughput", "energy", "accuracy"}, diag))
      s.objective = *o == "latency"      ? Objective::Latency
                    : *o == "throughput" ? Objective::Throughput
                    : *o == "energy"     ? Objective::Energy
                                         : Objective::Accuracy;
  if (const Node* n = r.get("constraints")) read_constraints(*n, s, diag);
  if (const Node* n = r.get("dynamics")) read_dynamics(*n, s, pl ? &s.platform : nullptr, diag);
  if (const Node* n = r.get("seed"))
    if (auto v = read_int(*n, "seed", diag)) {
      if (*v < 0)
        diag.error(*n, "seed", fmt::format("must be zero or more, found {}", n->describe()));
      else
        s.seed = static_cast<std::uint64_t>(*v);
    }
  if (const Node* n = r.get("trace"))
    if (auto v = read_bool(*n, "trace", diag)) s.trace = *v;
  r.finish();
  if (diag.size() != before) return std::nullopt;
  s.key = scenario_key(s);
  return s;
}

}  // namespace doc

Scenario load_scenario(const std::string& path, const std::vector<PlannerInfo>& planners) {
  doc::Diagnostics diag;
  doc::Cache cache;
  doc::Node root = doc::load_with_includes(path, "a scenario", diag);
  std::optional<Scenario> s;
  if (!root.is_null()) s = doc::read_scenario(root, planners, cache, diag);
  diag.throw_if_any();
  return *s;
}

std::uint64_t fnv1a64(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

namespace {
struct Fnv {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void bytes(const void* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      h ^= static_cast<const unsigned char*>(p)[i];
      h *= 0x100000001b3ULL;
    }
  }
  void i(long long v) { bytes(&v, sizeof v); }
  void s(const std::string& v) {
    i(static_cast<long long>(v.size()));
    bytes(v.data(), v.size());
  }
};

// Every field that shapes the computation, fed in a fixed order (little-endian x86-64 layout of the integers).
std::string model_digest(const Model& m) {
  Fnv f;
  for (const auto& l : m.layers) {
    f.s(l.name);
    f.i(static_cast<int>(l.op));
    f.i(static_cast<long long>(l.inputs.size()));
    for (int x : l.inputs) f.i(x);
    for (int x : {l.out_channels, l.kernel_h, l.kernel_w, l.stride_h, l.stride_w, l.dilation_h, l.dilation_w,
                  l.pad_top, l.pad_bottom, l.pad_left, l.pad_right, l.groups, int(l.ceil_mode), int(l.bias),
                  int(l.batch_norm), static_cast<int>(l.activation), l.factor, l.out.c, l.out.h, l.out.w})
      f.i(x);
  }
  return fmt::format("{:016x}", f.h);
}

// Digest of a profile's saved form. Sweeps ask for the same few profiles thousands of times, so the last digest
// per profile name is kept and reused while the profile compares equal.
std::string profile_digest(const Profile& p) {
  thread_local std::map<std::string, std::pair<Profile, std::string>> memo;
  auto it = memo.find(p.name);
  if (it != memo.end() && it->second.first == p) return it->second.second;
  std::string d = fmt::format("{:016x}", fnv1a64(profile_to_yaml(p)));
  memo[p.name] = {p, d};
  return d;
}
}  // namespace

nlohmann::json scenario_canonical_json(const Scenario& s) {
  using nlohmann::json;
  json devices = json::array();
  for (const auto& d : s.platform.devices) {
    json dj = {{"name", d.name},
               {"profile", profile_digest(d.profile)},
               {"pstate", d.profile.pstates.empty() ? std::string() : d.profile.pstates[d.pstate].name},
               {"cores", d.cores},
               {"attachment", d.attachment == Attachment::Cloud ? "cloud" : "wifi"}};
    if (d.attachment == Attachment::WifiStation) {
      dj["wifi_rate_Bps"] = d.wifi_rate_Bps;
      dj["wifi_latency_s"] = d.wifi_latency_s;
    }
    devices.push_back(dj);
  }
  json dynamics = json::array();
  for (const auto& e : s.dynamics)
    dynamics.push_back({{"kind", dynamics_kind_name(e.kind)},
                        {"time_s", e.time_s},
                        {"device", e.device},
                        {"value", e.value},
                        {"pstate", e.pstate},
                        {"duration_s", e.duration_s}});
  return {
      {"format", 1},
      {"model", {{"zoo", s.model_ref.zoo_name}, {"name", s.model.name}, {"digest", model_digest(s.model)}}},
      {"platform",
       {{"devices", devices},
        {"network",
         {{"wifi_latency_s", s.platform.network.wifi_latency_s},
          {"cloud_bandwidth_Bps", s.platform.network.cloud_bandwidth_Bps},
          {"cloud_latency_s", s.platform.network.cloud_latency_s}}},
        {"requester", s.platform.requester_index() >= 0 ? s.platform.devices[s.platform.requester_index()].name : ""}}},
      {"planner", {{"name", s.planner}, {"options", s.planner_options}}},
      {"workload",
       {{"frames", s.workload.frames}, {"arrival", arrival_name(s.workload.arrival)}, {"rate_per_s", s.workload.rate_per_s}}},
      {"objective", objective_name(s.objective)},
      {"constraints",
       {{"deadline_s", s.constraints.deadline_s},
        {"latency_cap_s", s.constraints.latency_cap_s},
        {"accuracy_floor", s.constraints.accuracy_floor}}},
      {"dynamics", dynamics},
      {"seed", s.seed},
      {"trace", s.trace},
  };
}

std::string scenario_key(const Scenario& s) {
  return fmt::format("{:016x}", fnv1a64(scenario_canonical_json(s).dump()));
}

}  // namespace edgesplit
