// `oracle`: exhaustive search over a restricted plan space, for small cases, so that every planner's optimality gap
// can be measured (not a paper's method; DESIGN.md "an exhaustive oracle for small cases").
//
// The space: the model cut at admissible points (cut vertices, baseline::cut_vertices) into at most `max_stages`
// consecutive stages; each stage on a non-empty subset of the devices (stations and cloud) with row-band fractions
// on the grid k/q (every composition of q into positive parts, bands in device order), inputs exchanged directly;
// stages whose output has no spatial map run whole on one device. Every candidate is scored by the evaluator under
// the scenario's objective and latency cap. Not in the space: 2-D tiles, routes via a host, band orders other than
// device order, fractions off the grid, executed-tile accounting — so a planner using those can beat the oracle
// (a negative gap), which the bench reports as it is.
#include <fmt/format.h>

#include <cmath>
#include <functional>

#include "planners/baseline_util.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"

namespace edgesplit {
namespace {

PlannerInfo oracle_info() {
  return {"oracle",
          "exhaustive search over stage cuts, device subsets and band fractions on a grid (small cases only)",
          "exhaustive reference for optimality gaps (DESIGN.md; no paper)",
          {{"max_stages", "int", 3, "at most this many pipeline stages", 1.0, 16.0, {}},
           {"fraction_steps", "int", 4, "q: band fractions are multiples of 1/q", 1.0, 64.0, {}},
           {"max_candidates", "int", 200000, "refuse spaces larger than this", 1.0, 1e9, {}}}};
}

struct StageConfig {
  std::vector<std::string> devices;
  std::vector<double> fractions;
};

// Every (subset, composition) of `devs` with parts k/q; `spatial` false: one device whole.
std::vector<StageConfig> stage_configs(const std::vector<std::string>& devs, int q, bool spatial) {
  std::vector<StageConfig> out;
  int D = static_cast<int>(devs.size());
  for (int mask = 1; mask < (1 << D); ++mask) {
    std::vector<std::string> sub;
    for (int d = 0; d < D; ++d)
      if (mask & (1 << d)) sub.push_back(devs[static_cast<std::size_t>(d)]);
    int k = static_cast<int>(sub.size());
    if (!spatial && k > 1) continue;
    if (k > q) continue;
    // Compositions of q into k positive parts.
    std::vector<int> parts(static_cast<std::size_t>(k), 1);
    std::function<void(int, int)> rec = [&](int i, int left) {
      if (i == k - 1) {
        parts[static_cast<std::size_t>(i)] = left;
        std::vector<double> f;
        for (int x : parts) f.push_back(static_cast<double>(x) / q);
        out.push_back({sub, f});
        return;
      }
      for (int v = 1; v <= left - (k - 1 - i); ++v) {
        parts[static_cast<std::size_t>(i)] = v;
        rec(i + 1, left - v);
      }
    };
    rec(0, q);
  }
  return out;
}

class OraclePlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    const PlannerInfo info = oracle_info();
    const Model& m = in.model;
    int max_stages = option_or<int>(in, info, "max_stages");
    int q = option_or<int>(in, info, "fraction_steps");
    double max_candidates = option_or<double>(in, info, "max_candidates");
    Plan base = baseline::requester_plan(in, "oracle");
    std::vector<std::string> devs;
    for (const auto& d : in.platform.devices) devs.push_back(d.name);
    int last = m.size() - 1;
    std::vector<int> cuts = baseline::cut_vertices(m);  // includes 0 and last
    if (devs.size() > 12)  // 2^12 subsets per stage: far beyond any max_candidates already
      throw InputError(InputIssue{"", 0, 0, "platform.devices",
                                  fmt::format("oracle: {} devices is too many for an exhaustive search (at most 12)",
                                              devs.size())});

    auto spatial_out = [&](int l) {
      const Shape& s = m.layers[static_cast<std::size_t>(l)].out;
      return s.h > 1;
    };
    std::vector<StageConfig> spatial_cfg = stage_configs(devs, q, true), whole_cfg = stage_configs(devs, q, false);
    auto configs = [&](int l) -> const std::vector<StageConfig>& { return spatial_out(l) ? spatial_cfg : whole_cfg; };

    // Size of the space: count[c][s] = candidates for the prefix ending at cuts[c] with s stages.
    std::size_t C = cuts.size();
    std::vector<std::vector<double>> count(C, std::vector<double>(static_cast<std::size_t>(max_stages + 1), 0.0));
    count[0][0] = 1;
    for (std::size_t j = 1; j < C; ++j)
      for (std::size_t i = 0; i < j; ++i)
        for (int s = 1; s <= max_stages; ++s)
          count[j][static_cast<std::size_t>(s)] +=
              count[i][static_cast<std::size_t>(s - 1)] * static_cast<double>(configs(cuts[j]).size());
    double total = 0;
    for (int s = 1; s <= max_stages; ++s) total += count[C - 1][static_cast<std::size_t>(s)];
    if (total > max_candidates)
      throw InputError(InputIssue{
          "", 0, 0, "planner.options.max_candidates",
          fmt::format("oracle: the space has {:.3g} candidates ({} devices, {} cut points, up to {} stages, fractions "
                      "in 1/{}), more than max_candidates = {:.0f}; use a smaller case, fewer stages or steps",
                      total, devs.size(), C, max_stages, q, max_candidates)});

    Plan best;
    baseline::Score best_score;
    bool have = false;
    long evaluated = 0;
    Plan cur = base;
    std::function<void(std::size_t)> rec = [&](std::size_t ci) {
      if (cuts[ci] == last) {
        baseline::Score sc = baseline::score(in, cur);
        ++evaluated;
        if (!have || baseline::better(sc, best_score)) best = cur, best_score = sc, have = true;
        return;
      }
      if (static_cast<int>(cur.stages.size()) == max_stages) return;
      for (std::size_t cj = ci + 1; cj < C; ++cj) {
        if (static_cast<int>(cur.stages.size()) == max_stages - 1 && cuts[cj] != last) continue;
        for (const auto& cfg : configs(cuts[cj])) {
          cur.stages.push_back(band_stage(m, cuts[ci] + 1, cuts[cj], cfg.devices, cfg.fractions));
          rec(cj);
          cur.stages.pop_back();
        }
      }
    };
    rec(0);
    best.note = fmt::format("best of {} candidates: {} = {:.6g}", evaluated,
                            in.objective == Objective::Energy       ? "energy_J"
                            : in.objective == Objective::Throughput ? "period_s"
                                                                    : "latency_s",
                            best_score.value);
    return best;
  }
};

}  // namespace

PlannerEntry oracle_entry() { return {oracle_info(), [] { return std::make_unique<OraclePlanner>(); }}; }

}  // namespace edgesplit
