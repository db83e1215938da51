// Plan geometry helpers and validation.
#include "sim/plan/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/common/error.hpp"
#include "sim/model/zoo.hpp"
#include "sim/plan/geometry.hpp"

namespace edgesplit {

const char* split_kind_name(SplitKind k) {
  switch (k) {
    case SplitKind::Whole: return "whole";
    case SplitKind::Rows: return "rows";
    case SplitKind::Tiles: return "tiles";
  }
  return "?";
}
const char* route_name(Route r) { return r == Route::Direct ? "direct" : "via_host"; }
const char* accounting_name(Accounting a) { return a == Accounting::OutputArea ? "output_area" : "executed"; }
const char* scale_granularity_name(ScaleGranularity g) {
  switch (g) {
    case ScaleGranularity::None: return "none";
    case ScaleGranularity::PerTensor: return "per_tensor";
    case ScaleGranularity::PerChannel: return "per_channel";
  }
  return "?";
}

std::vector<Region> row_bands(const Shape& out, const std::vector<double>& fractions) {
  double total = std::accumulate(fractions.begin(), fractions.end(), 0.0);
  std::vector<int> rows(fractions.size(), 0);
  int assigned = 0;
  for (std::size_t i = 0; i < fractions.size(); ++i) {
    rows[i] = total > 0 ? static_cast<int>(std::floor(out.h * fractions[i] / total)) : 0;
    assigned += rows[i];
  }
  // Remainder rows go one at a time to the earliest bands that were given a non-zero share.
  for (std::size_t i = 0; assigned < out.h && !fractions.empty(); i = (i + 1) % fractions.size())
    if (fractions[i] > 0 || total <= 0) {
      ++rows[i];
      ++assigned;
    }
  std::vector<Region> bands;
  int r = 0;
  for (int n : rows) {
    bands.push_back(row_band(out, r, r + n));
    r += n;
  }
  return bands;
}

std::vector<Region> row_bands_at(const Shape& out, const std::vector<int>& cuts) {
  std::vector<Region> bands;
  int r = 0;
  for (int c : cuts) {
    bands.push_back(row_band(out, r, c));
    r = c;
  }
  bands.push_back(row_band(out, r, out.h));
  return bands;
}

std::vector<Region> tile_grid(const Shape& out, int n, int m) {
  // DeepThings ftp.c grid(): stride ceil(size/parts); the last tile absorbs the remainder.
  int sh = (out.h + n - 1) / n, sw = (out.w + m - 1) / m;
  std::vector<Region> tiles;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) {
      int r0 = std::min(i * sh, out.h), c0 = std::min(j * sw, out.w);
      int r1 = i == n - 1 ? out.h : std::min((i + 1) * sh, out.h);
      int c1 = j == m - 1 ? out.w : std::min((j + 1) * sw, out.w);
      tiles.push_back({r0, r1, c0, c1});
    }
  return tiles;
}

Stage whole_stage(const Model& model, int first, int last, const std::string& device) {
  Stage s;
  s.first_layer = first;
  s.last_layer = last;
  s.split = SplitKind::Whole;
  s.pieces.push_back({device, full_region(model.layers.at(static_cast<std::size_t>(last)).out)});
  return s;
}

Stage band_stage(const Model& model, int first, int last, const std::vector<std::string>& devices,
                 const std::vector<double>& fractions) {
  Stage s;
  s.first_layer = first;
  s.last_layer = last;
  s.split = devices.size() > 1 ? SplitKind::Rows : SplitKind::Whole;
  s.fractions = fractions;
  auto bands = row_bands(model.layers.at(static_cast<std::size_t>(last)).out, fractions);
  for (std::size_t i = 0; i < devices.size(); ++i)
    if (!bands[i].empty()) s.pieces.push_back({devices[i], bands[i]});
  return s;
}

namespace {

void validate_resolved(const Plan& plan, const Model& model, const Platform& platform) {
  std::vector<InputIssue> issues;
  auto bad = [&](std::string key, std::string msg) { issues.push_back({"", 0, 0, std::move(key), std::move(msg)}); };
  std::vector<std::string> names;
  for (const auto& d : platform.devices) names.push_back(d.name);
  auto known = [&](const std::string& key, const std::string& dev) {
    if (platform.index_of(dev) >= 0) return true;
    bad(key, unknown_name_message("device", dev, names));
    return false;
  };
  known("plan.source", plan.source);
  known("plan.sink", plan.sink);
  if (!plan.replicas.empty()) {
    if (!plan.stages.empty()) bad("plan.stages", "a replicated plan has no stages of its own (each replica has its stages)");
    if (plan.replica_shares.size() != plan.replicas.size())
      bad("plan.replica_shares", fmt::format("{} shares for {} replicas", plan.replica_shares.size(), plan.replicas.size()));
    double total = 0;
    for (std::size_t k = 0; k < plan.replica_shares.size(); ++k) {
      double w = plan.replica_shares[k];
      if (!(w >= 0) || !std::isfinite(w)) bad(fmt::format("plan.replica_shares[{}]", k), fmt::format("must be a finite share >= 0, found {}", w));
      else total += w;
    }
    if (total <= 0) bad("plan.replica_shares", "at least one replica needs a positive share");
    for (std::size_t k = 0; k < plan.replicas.size(); ++k) {
      const Plan& r = plan.replicas[k];
      std::string key = fmt::format("plan.replicas[{}]", k);
      if (!r.replicas.empty()) {
        bad(key, "replicas do not nest");
        continue;
      }
      try {
        validate(r, model, platform);
      } catch (const InputError& e) {
        for (InputIssue is : e.issues()) {
          is.key = key + is.key.substr(std::string("plan").size());
          issues.push_back(std::move(is));
        }
      }
    }
    if (!issues.empty()) throw InputError(std::move(issues));
    return;
  }
  if (plan.output_bits < 1 || plan.output_bits > 64)
    bad("plan.output_bits", fmt::format("must be 1..64 bits per element, found {}", plan.output_bits));
  if (plan.stages.empty()) bad("plan.stages", "a plan needs at least one stage");
  int expect = 1;
  for (std::size_t si = 0; si < plan.stages.size(); ++si) {
    const Stage& s = plan.stages[si];
    std::string key = fmt::format("plan.stages[{}]", si);
    if (s.first_layer != expect || s.last_layer < s.first_layer || s.last_layer >= model.size()) {
      bad(key, fmt::format("covers layers {}..{}; expected a run starting at layer {} and ending by layer {}",
                           s.first_layer, s.last_layer, expect, model.size() - 1));
      expect = std::max(expect, s.last_layer + 1);
      continue;
    }
    expect = s.last_layer + 1;
    if (s.input_bits < 1 || s.input_bits > 64)
      bad(key + ".input_bits", fmt::format("must be 1..64 bits per element, found {}", s.input_bits));
    if (s.input_scales != ScaleGranularity::None && s.input_bits >= 32)
      bad(key + ".input_scales", fmt::format("{} scales need input_bits below 32 (a float transfer carries none), found {}",
                                             scale_granularity_name(s.input_scales), s.input_bits));
    if (s.input_route == Route::ViaHost) {
      if (s.host.empty()) bad(key + ".host", "a via_host stage needs a host device");
      else known(key + ".host", s.host);
    }
    if (s.pieces.empty()) {
      bad(key + ".pieces", "a stage needs at least one piece");
      continue;
    }
    const Layer& last = model.layers[static_cast<std::size_t>(s.last_layer)];
    Region full = full_region(last.out);
    std::vector<Region> regions;
    for (std::size_t pi = 0; pi < s.pieces.size(); ++pi) {
      const Piece& p = s.pieces[pi];
      std::string pkey = fmt::format("{}.pieces[{}]", key, pi);
      known(pkey + ".device", p.device);
      if (!p.region.empty() && intersect(p.region, full) != p.region)
        bad(pkey + ".region", fmt::format("rows [{}, {}) columns [{}, {}) lie outside layer '{}' ({}x{})", p.region.r0,
                                          p.region.r1, p.region.c0, p.region.c1, last.name, last.out.h, last.out.w));
      for (std::size_t pj = 0; pj < pi; ++pj)
        if (s.pieces[pj].device == p.device && !intersect(s.pieces[pj].region, p.region).empty())
          bad(pkey, fmt::format("device '{}' holds pieces {} and {} of this stage, which overlap", p.device, pj, pi));
      regions.push_back(p.region);
    }
    CellAssignment cover = assign_cells(full, regions);
    if (cover.uncovered_area > 0) {
      const Region& u = cover.first_uncovered;
      bad(key, fmt::format("output rows [{}, {}) columns [{}, {}) of layer '{}' are computed by no piece "
                           "({} of {} output positions uncovered)",
                           u.r0, u.r1, u.c0, u.c1, last.name, cover.uncovered_area, full.area()));
    }
  }
  if (!plan.stages.empty() && expect != model.size())
    bad("plan.stages", fmt::format("layers {}..{} are in no stage", expect, model.size() - 1));
  if (!issues.empty()) throw InputError(std::move(issues));
}

}  // namespace

void validate(const Plan& plan, const Model& model, const Platform& platform) {
  // Stages index the layers of the model the plan runs (a zoo variant when it names one).
  if (!plan.model_variant.empty() && plan.replicas.empty()) {
    validate_resolved(plan, plan_model(plan, model), platform);
    return;
  }
  validate_resolved(plan, model, platform);
}

Model plan_model(const Plan& plan, const Model& base) {
  const std::string& v = plan.model_variant;
  if (v.empty() || v == base.name) return base;
  std::vector<std::string> names = zoo_names();
  std::string family_match;
  for (const auto& z : names) {
    if (z == v) return zoo_model(z);
    // A suffix variant: z = family + "_" + v, and the base belongs to the same family.
    if (z.size() > v.size() + 1 && z.compare(z.size() - v.size(), v.size(), v) == 0 && z[z.size() - v.size() - 1] == '_') {
      std::string family = z.substr(0, z.size() - v.size() - 1);
      if (base.name.rfind(family + "_", 0) == 0 || base.name == family) return zoo_model(z);
    }
  }
  throw InputError(InputIssue{"", 0, 0, "plan.model_variant",
                              fmt::format("no zoo model '{}' nor a variant '{}' of '{}'", v, v, base.name)});
}

double plan_accuracy_top1(const Plan& plan, const Model& base) {
  if (plan.accuracy_top1 > 0) return plan.accuracy_top1;
  return plan.model_variant.empty() ? base.facts.top1 : plan_model(plan, base).facts.top1;
}

}  // namespace edgesplit
