// Profile look-ups, the per-class and per-row cost functions, and platform invariants.
#include "sim/platform/platform.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "sim/common/error.hpp"

namespace edgesplit {

int Profile::pstate_index(const std::string& pstate_name) const {
  for (int i = 0; i < static_cast<int>(pstates.size()); ++i)
    if (pstates[i].name == pstate_name) return i;
  return -1;
}

const LayerRowTable* Profile::table(const std::string& model, const std::string& layer) const {
  for (const auto& t : layer_tables)
    if (t.model == model && t.layer == layer) return &t;
  return nullptr;
}

int Platform::index_of(const std::string& device_name) const {
  for (int i = 0; i < static_cast<int>(devices.size()); ++i)
    if (devices[i].name == device_name) return i;
  return -1;
}

int Platform::requester_index() const {
  if (!requester.empty()) return index_of(requester);
  for (int i = 0; i < static_cast<int>(devices.size()); ++i)
    if (devices[i].attachment == Attachment::WifiStation) return i;
  return -1;
}

std::optional<int> Platform::cloud_index() const {
  for (int i = 0; i < static_cast<int>(devices.size()); ++i)
    if (devices[i].attachment == Attachment::Cloud) return i;
  return std::nullopt;
}

namespace {
double speed_of(const Profile& p, int pstate) {
  if (p.pstates.empty()) return 1.0;
  return p.pstates.at(static_cast<std::size_t>(pstate)).speed;
}
}  // namespace

double op_time_s(const Profile& p, int pstate, OpClass c, double work) {
  if (work <= 0) return 0.0;
  auto it = p.cost.find(c);
  if (it == p.cost.end() || it->second.rate_per_s <= 0)
    throw InputError(InputIssue{"", 0, 0, fmt::format("cost.{}", op_class_name(c)),
                                fmt::format("profile '{}' has no cost for op class '{}'", p.name, op_class_name(c))});
  return (it->second.fixed_s + work / it->second.rate_per_s) / speed_of(p, pstate);
}

double layer_time_s(const Profile& p, int pstate, const std::string& model, const Layer& layer, int rows,
                    double work) {
  if (rows <= 0 || work <= 0) return 0.0;
  if (const LayerRowTable* t = p.table(model, layer.name); t && !t->rows.empty()) {
    const auto& r = t->rows;
    const auto& y = t->time_s;
    double time;
    if (rows <= r.front()) {
      time = y.front() * rows / r.front();
    } else if (rows >= r.back()) {
      // Extrapolate along the last segment (or proportionally with one point).
      if (r.size() == 1) {
        time = y.back() * rows / r.back();
      } else {
        std::size_t n = r.size();
        double slope = (y[n - 1] - y[n - 2]) / (r[n - 1] - r[n - 2]);
        time = y[n - 1] + slope * (rows - r[n - 1]);
      }
    } else {
      auto hi = static_cast<std::size_t>(std::upper_bound(r.begin(), r.end(), rows) - r.begin());
      std::size_t lo = hi - 1;
      double f = double(rows - r[lo]) / (r[hi] - r[lo]);
      time = y[lo] + f * (y[hi] - y[lo]);
    }
    return time / speed_of(p, pstate);
  }
  return op_time_s(p, pstate, layer_op_class(layer), work);
}

void validate(const Profile& p) {
  std::vector<InputIssue> issues;
  auto bad = [&](std::string key, std::string msg) {
    issues.push_back({"", 0, 0, std::move(key), fmt::format("profile '{}': {}", p.name, msg)});
  };
  if (p.cores <= 0) bad("cores", "must be positive");
  if (!p.pstates.empty() && (p.reference_pstate < 0 || p.reference_pstate >= static_cast<int>(p.pstates.size())))
    bad("reference_pstate", "out of range");
  for (const auto& ps : p.pstates)
    if (ps.speed <= 0) bad(fmt::format("pstates.{}.speed", ps.name), "must be positive");
  for (const auto& [c, cost] : p.cost)
    if (cost.rate_per_s < 0 || cost.fixed_s < 0)
      bad(fmt::format("cost.{}", op_class_name(c)), "rate and fixed time must not be negative");
  for (const auto& t : p.layer_tables) {
    if (t.rows.size() != t.time_s.size() || t.rows.empty())
      bad(fmt::format("layer_tables.{}", t.layer), "rows and times must be non-empty and of equal length");
    if (!std::is_sorted(t.rows.begin(), t.rows.end()))
      bad(fmt::format("layer_tables.{}", t.layer), "rows must be ascending");
  }
  if (p.source.kind != "measured" && p.source.kind != "calibrated")
    bad("source.kind", fmt::format("must be 'measured' or 'calibrated', found '{}'", p.source.kind));
  if (!issues.empty()) throw InputError(std::move(issues));
}

void validate(const Platform& pl) {
  std::vector<InputIssue> issues;
  std::set<std::string> names;
  int clouds = 0;
  for (std::size_t i = 0; i < pl.devices.size(); ++i) {
    const Device& d = pl.devices[i];
    std::string key = fmt::format("devices[{}]", i);
    if (!names.insert(d.name).second) issues.push_back({"", 0, 0, key + ".name", fmt::format("duplicate device name '{}'", d.name)});
    if (!d.profile.pstates.empty() && (d.pstate < 0 || d.pstate >= static_cast<int>(d.profile.pstates.size())))
      issues.push_back({"", 0, 0, key + ".pstate", "out of range"});
    if (d.attachment == Attachment::WifiStation && d.wifi_rate_Bps <= 0)
      issues.push_back({"", 0, 0, key + ".rate", fmt::format("station '{}' needs a positive Wi-Fi rate", d.name)});
    if (d.attachment == Attachment::Cloud) ++clouds;
  }
  if (clouds > 1) issues.push_back({"", 0, 0, "devices", "at most one cloud host"});
  if (clouds == 1 && pl.network.cloud_bandwidth_Bps <= 0)
    issues.push_back({"", 0, 0, "network.cloud.bandwidth", "a cloud host needs a positive link bandwidth"});
  if (!pl.requester.empty() && pl.index_of(pl.requester) < 0)
    issues.push_back({"", 0, 0, "requester", fmt::format("unknown device '{}'", pl.requester)});
  if (pl.devices.empty()) issues.push_back({"", 0, 0, "devices", "a platform needs at least one device"});
  if (!issues.empty()) throw InputError(std::move(issues));
}

}  // namespace edgesplit
