// Platform reader: devices and their profiles (by name or path), Wi-Fi stations, the cloud link, the requester.
#include "sim/scenario/platform_io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "sim/scenario/readers.hpp"

namespace edgesplit {
namespace doc {
namespace fs = std::filesystem;

namespace {

bool looks_like_path(const std::string& s) {
  return s.find('/') != std::string::npos || (s.size() > 5 && s.substr(s.size() - 5) == ".yaml");
}

// Folders that may hold NAME.yaml profiles, in search order.
std::vector<std::string> profile_dirs(const std::string& from_file) {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("EDGESPLIT_PROFILE_PATH")) {
    std::string s = env;
    std::size_t start = 0;
    while (start <= s.size()) {
      std::size_t end = s.find(':', start);
      if (end == std::string::npos) end = s.size();
      if (end > start) dirs.push_back(s.substr(start, end - start));
      start = end + 1;
    }
  }
  std::error_code ec;
  fs::path dir = from_file.empty() ? fs::current_path(ec) : fs::absolute(fs::path(from_file), ec).parent_path();
  for (fs::path d = dir; !d.empty(); d = d.parent_path()) {
    fs::path cand = d / "platforms" / "devices";
    if (fs::is_directory(cand, ec)) dirs.push_back(cand.lexically_normal().string());
    if (d == d.root_path()) break;
  }
  fs::path cwd = fs::current_path(ec) / "platforms" / "devices";
  if (fs::is_directory(cwd, ec)) dirs.push_back(cwd.lexically_normal().string());
  return dirs;
}

std::vector<std::string> known_profiles(const std::vector<std::string>& dirs) {
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& d : dirs)
    for (const auto& e : fs::directory_iterator(d, ec))
      if (e.path().extension() == ".yaml") names.insert(e.path().stem().string());
  return {names.begin(), names.end()};
}

const std::optional<Profile>& cached_profile(const std::string& path, Cache& cache, Diagnostics& diag) {
  auto it = cache.profiles.find(path);
  if (it != cache.profiles.end()) return it->second;
  Node root = load_yaml_file(path, "a device profile", diag);
  std::optional<Profile> p;
  if (!root.is_null()) p = read_profile(root, diag);
  return cache.profiles.emplace(path, std::move(p)).first->second;
}

}  // namespace

const Node& cached_document(const std::string& path, const std::string& what, Cache& cache, Diagnostics& diag) {
  std::string key = fs::path(path).lexically_normal().string();
  auto it = cache.documents.find(key);
  if (it != cache.documents.end()) return it->second;
  return cache.documents.emplace(key, load_with_includes(path, what, diag)).first->second;
}

std::optional<Platform> read_platform(const Node& root, Cache& cache, Diagnostics& diag, const std::string& path) {
  std::size_t before = diag.size();
  const std::string pre = path;  // key prefix: "" for a platform file, "platform" inside a scenario
  MapReader r(root, pre, diag, "a platform map {devices, network}");
  if (!r.ok()) return std::nullopt;
  Platform pl;
  if (const Node* n = r.get("platform"))
    if (auto s = read_string(*n, r.key("platform"), diag)) pl.name = *s;

  // Devices.
  std::vector<const Node*> device_nodes;
  std::vector<std::string> names;
  const Node* devs = r.need("devices");
  if (devs && (!devs->is_seq() || devs->items.empty())) {
    diag.error(*devs, r.key("devices"), fmt::format("expected a non-empty list of devices, found {}", devs->describe()));
    devs = nullptr;
  }
  if (devs) {
    for (std::size_t i = 0; i < devs->items.size(); ++i) {
      const Node& dn = devs->items[i];
      std::string dkey = index_key(r.key("devices"), i);
      MapReader dr(dn, dkey, diag, "a device map {name, profile, pstate, cores}");
      if (!dr.ok()) continue;
      Device d;
      if (const Node* n = dr.need("name"))
        if (auto s = read_string(*n, dr.key("name"), diag)) {
          if (std::find(names.begin(), names.end(), *s) != names.end())
            diag.error(*n, dr.key("name"), fmt::format("duplicate device name '{}'", *s));
          d.name = *s;
        }
      bool have_profile = false;
      if (const Node* n = dr.need("profile")) {
        if (auto s = read_string(*n, dr.key("profile"), diag)) {
          std::string file;
          if (looks_like_path(*s)) {
            file = resolve_path(n->file_name(), *s);
            std::error_code ec;
            if (!fs::exists(file, ec)) {
              diag.error(*n, dr.key("profile"), fmt::format("no profile file '{}'", file));
              file.clear();
            }
          } else {
            // Looked up once per (name, folder of the referring file): sweeps resolve the same names thousands of times.
            std::string lookup_key = *s + "@" + dir_of(n->file_name());
            if (auto it = cache.profile_lookup.find(lookup_key); it != cache.profile_lookup.end()) {
              file = it->second;
            } else {
              for (const auto& dir : profile_dirs(n->file_name())) {
                fs::path cand = fs::path(dir) / (*s + ".yaml");
                std::error_code ec;
                if (fs::exists(cand, ec)) {
                  file = cand.string();
                  break;
                }
              }
              cache.profile_lookup[lookup_key] = file;
            }
            if (file.empty())
              diag.error(*n, dr.key("profile"),
                         unknown_name_message("profile", *s, known_profiles(profile_dirs(n->file_name()))) +
                             " (profiles are platforms/devices/NAME.yaml, or give a path)");
          }
          if (!file.empty()) {
            if (const auto& p = cached_profile(file, cache, diag)) {
              d.profile = *p;
              d.profile_file = file;
              have_profile = true;
            }
          }
        }
      }
      d.pstate = have_profile ? d.profile.reference_pstate : 0;
      if (const Node* n = dr.get("pstate")) {
        if (have_profile) {
          std::vector<std::string> ps;
          for (const auto& p : d.profile.pstates) ps.push_back(p.name);
          if (auto s = read_choice(*n, dr.key("pstate"), "pstate", ps, diag,
                                   fmt::format(" (profile '{}')", d.profile.name)))
            d.pstate = d.profile.pstate_index(*s);
        }
      }
      d.cores = have_profile ? d.profile.cores : 0;
      if (const Node* n = dr.get("cores")) {
        if (auto v = read_int(*n, dr.key("cores"), diag)) {
          if (*v <= 0 || (have_profile && *v > d.profile.cores))
            diag.error(*n, dr.key("cores"),
                       have_profile ? fmt::format("expected 1 to {} (the profile's cores), found {}", d.profile.cores,
                                                  n->describe())
                                    : fmt::format("must be positive, found {}", n->describe()));
          else
            d.cores = static_cast<int>(*v);
        }
      }
      dr.finish();
      names.push_back(d.name);
      device_nodes.push_back(&dn);
      pl.devices.push_back(std::move(d));
    }
  }
  auto device_index = [&](const Node& n, const std::string& key, const std::string& what) -> int {
    auto s = read_string(n, key, diag);
    if (!s) return -1;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == *s) return static_cast<int>(i);
    diag.error(n, key, unknown_name_message(what, *s, names));
    return -1;
  };

  // Network: the cloud first (it decides who is not a station), then the Wi-Fi cell.
  int cloud = -1;
  const Node* wifi = nullptr;
  if (const Node* net = r.get("network")) {
    MapReader nr(*net, r.key("network"), diag, "a network map {wifi, cloud}");
    if (const Node* c = nr.get("cloud")) {
      MapReader cr(*c, nr.key("cloud"), diag, "a cloud link map {host, bandwidth, latency}");
      if (const Node* h = cr.need("host")) cloud = device_index(*h, cr.key("host"), "device");
      if (const Node* b = cr.need("bandwidth"))
        if (auto v = read_quantity(*b, cr.key("bandwidth"), Quantity::DataRate, diag))
          if (check_positive(*b, cr.key("bandwidth"), *v, diag)) pl.network.cloud_bandwidth_Bps = *v;
      if (const Node* l = cr.get("latency"))
        if (auto v = read_quantity(*l, cr.key("latency"), Quantity::Time, diag))
          if (check_positive(*l, cr.key("latency"), *v, diag, true)) pl.network.cloud_latency_s = *v;
      cr.finish();
    }
    wifi = nr.get("wifi");
    nr.finish();
  }
  if (cloud >= 0) pl.devices[static_cast<std::size_t>(cloud)].attachment = Attachment::Cloud;

  std::optional<double> default_rate;
  std::vector<bool> rate_set(pl.devices.size(), false);
  if (wifi) {
    MapReader wr(*wifi, r.key("network.wifi"), diag, "a Wi-Fi map {rate, latency, stations}");
    const Node* rate_node = wr.get("rate");
    if (rate_node)
      if (auto v = read_quantity(*rate_node, wr.key("rate"), Quantity::DataRate, diag))
        if (check_positive(*rate_node, wr.key("rate"), *v, diag)) default_rate = *v;
    if (const Node* n = wr.get("latency"))
      if (auto v = read_quantity(*n, wr.key("latency"), Quantity::Time, diag))
        if (check_positive(*n, wr.key("latency"), *v, diag, true)) pl.network.wifi_latency_s = *v;
    for (auto& d : pl.devices) {
      if (d.attachment != Attachment::WifiStation) continue;
      d.wifi_latency_s = pl.network.wifi_latency_s;
      if (default_rate) d.wifi_rate_Bps = *default_rate;
    }
    // A rate that was written but is wrong has been reported; "no rate" on top of it would be noise.
    if (rate_node) std::fill(rate_set.begin(), rate_set.end(), true);
    if (const Node* st = wr.get("stations")) {
      MapReader sr(*st, wr.key("stations"), diag, "a map from device name to {rate, latency}");
      if (sr.ok()) {
        for (const auto& e : st->entries) {
          sr.allow(e.key);
          std::string skey = sr.key(e.key);
          int idx = -1;
          for (std::size_t i = 0; i < names.size(); ++i)
            if (names[i] == e.key) idx = static_cast<int>(i);
          if (idx < 0) {
            diag.error(st->file_name(), e.line, e.col, skey, unknown_name_message("device", e.key, names));
            continue;
          }
          if (idx == cloud) {
            diag.error(st->file_name(), e.line, e.col, skey,
                       fmt::format("device '{}' is the cloud host (network.cloud.host), not a Wi-Fi station", e.key));
            continue;
          }
          Device& d = pl.devices[static_cast<std::size_t>(idx)];
          MapReader er(e.value, skey, diag, "a station map {rate, latency}");
          if (const Node* n = er.get("rate")) {
            rate_set[static_cast<std::size_t>(idx)] = true;
            if (auto v = read_quantity(*n, er.key("rate"), Quantity::DataRate, diag))
              if (check_positive(*n, er.key("rate"), *v, diag)) d.wifi_rate_Bps = *v;
          }
          if (const Node* n = er.get("latency"))
            if (auto v = read_quantity(*n, er.key("latency"), Quantity::Time, diag))
              if (check_positive(*n, er.key("latency"), *v, diag, true)) d.wifi_latency_s = *v;
          er.finish();
        }
      }
    }
    wr.finish();
  }
  for (std::size_t i = 0; i < pl.devices.size(); ++i) {
    if (static_cast<int>(i) == cloud || rate_set[i] || pl.devices[i].name.empty()) continue;
    diag.error(*device_nodes[i], index_key(r.key("devices"), i),
               fmt::format("device '{}' has no Wi-Fi rate: set network.wifi.rate or network.wifi.stations.{}.rate, "
                           "or make it the cloud host",
                           pl.devices[i].name, pl.devices[i].name));
  }
  if (const Node* n = r.get("requester")) {
    int idx = device_index(*n, r.key("requester"), "device");
    if (idx >= 0 && idx == cloud)
      diag.error(*n, r.key("requester"), "the requester must be a Wi-Fi station, found the cloud host");
    else if (idx >= 0)
      pl.requester = names[static_cast<std::size_t>(idx)];
  }
  r.finish();
  if (diag.size() != before) return std::nullopt;
  try {
    validate(pl);  // the value type's own invariants; everything it checks was reported above with a location
  } catch (const InputError& e) {
    for (auto i : e.issues()) diag.error(root.file_name(), root.line, root.col, join_key(pre, i.key), i.message);
    return std::nullopt;
  }
  return pl;
}

}  // namespace doc

Platform load_platform(const std::string& path) {
  doc::Diagnostics diag;
  doc::Cache cache;
  const doc::Node& root = doc::cached_document(path, "a platform", cache, diag);
  std::optional<Platform> p;
  if (!root.is_null()) p = doc::read_platform(root, cache, diag);
  diag.throw_if_any();
  return *p;
}

}  // namespace edgesplit
