// AWD's solver (see awd.hpp): closed-form shares, exhaustive enumeration of per-node variants, the cost table from the
// analytic executor, and the variant sets.
#include "planners/awd.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/common/error.hpp"
#include "sim/exec/analytic.hpp"
#include "sim/model/zoo.hpp"
#include "sim/plan/task_graph.hpp"

namespace edgesplit::awd {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Measures equal within these count as ties (accuracy in top-1 points, throughput relative).
constexpr double kAccuracyTie = 1e-9;
constexpr double kRateTie = 1e-12;

bool same_rate(double a, double b) { return std::abs(a - b) <= kRateTie * std::max(std::abs(a), std::abs(b)); }

// Relative shortfall of `c` against every requirement: 0 when feasible.
double shortfall(const Choice& c, const Requirement& req, std::string* why) {
  double s = 0;
  std::vector<std::string> parts;
  if (req.goal == Goal::MaxAccuracy && req.required_fps > 0 && c.throughput_fps < req.required_fps * (1 - 1e-12)) {
    s += (req.required_fps - c.throughput_fps) / req.required_fps;
    parts.push_back(fmt::format("throughput {:.4g} fps < required {:.4g} fps", c.throughput_fps, req.required_fps));
  }
  if (req.goal == Goal::MaxThroughput && req.accuracy_floor > 0 && c.accuracy_top1 < req.accuracy_floor - kAccuracyTie) {
    s += (req.accuracy_floor - c.accuracy_top1) / req.accuracy_floor;
    parts.push_back(fmt::format("accuracy {:.4g} % < floor {:.4g} %", c.accuracy_top1, req.accuracy_floor));
  }
  if (req.latency_bound_s > 0 && c.latency_max_s > req.latency_bound_s * (1 + 1e-12)) {
    s += (c.latency_max_s - req.latency_bound_s) / req.latency_bound_s;
    parts.push_back(fmt::format("latency {:.4g} ms > bound {:.4g} ms", c.latency_max_s * 1e3, req.latency_bound_s * 1e3));
  }
  if (why) {
    why->clear();
    for (const auto& p : parts) *why += (why->empty() ? "" : "; ") + p;
  }
  return s;
}

// True when `a` is strictly better than `b` on the goal's primary then secondary measure.
bool better_objective(const Choice& a, const Choice& b, Goal goal) {
  if (goal == Goal::MaxAccuracy) {
    if (std::abs(a.accuracy_top1 - b.accuracy_top1) > kAccuracyTie) return a.accuracy_top1 > b.accuracy_top1;
    return !same_rate(a.throughput_fps, b.throughput_fps) && a.throughput_fps > b.throughput_fps;
  }
  if (!same_rate(a.throughput_fps, b.throughput_fps)) return a.throughput_fps > b.throughput_fps;
  return a.accuracy_top1 > b.accuracy_top1 + kAccuracyTie;
}

}  // namespace

Choice assess(const CostTable& t, const std::vector<int>& variant, Split split) {
  const std::size_t n = t.nodes.size();
  if (variant.size() != n) throw std::invalid_argument(fmt::format("awd::assess: {} variants for {} nodes", variant.size(), n));
  Choice c;
  c.variant = variant;
  c.share.assign(n, 0.0);
  int used = 0;
  double rate_sum = 0, slowest_period = 0;
  for (std::size_t i = 0; i < n; ++i) {
    int m = variant[i];
    if (m < 0) continue;
    if (static_cast<std::size_t>(m) >= t.variants.size())
      throw std::invalid_argument(fmt::format("awd::assess: variant {} of node {} out of range", m, i));
    const double period = t.period_s[i][static_cast<std::size_t>(m)];
    ++used;
    rate_sum += 1.0 / period;
    slowest_period = std::max(slowest_period, period);
    c.latency_max_s = std::max(c.latency_max_s, t.latency_s[i][static_cast<std::size_t>(m)]);
  }
  if (used == 0) throw std::invalid_argument("awd::assess: no node in use");
  // Reconstruction (papers.md §5.2): request-level shares in closed form. Proportional: w_n = (1/t_n) / Σ_k (1/t_k),
  // so every node is busy all the time at the stream rate X = Σ_k 1/t_k. Equal: w_n = 1/K; node n saturates at
  // X·w_n·t_n = 1, the slowest first: X = K / max_n t_n.
  c.throughput_fps = split == Split::Proportional ? rate_sum : used / slowest_period;
  for (std::size_t i = 0; i < n; ++i) {
    int m = variant[i];
    if (m < 0) continue;
    c.share[i] = split == Split::Proportional ? (1.0 / t.period_s[i][static_cast<std::size_t>(m)]) / rate_sum : 1.0 / used;
    c.accuracy_top1 += c.share[i] * t.top1[static_cast<std::size_t>(m)];
  }
  return c;
}

Choice solve(const CostTable& t, const Requirement& req, const SearchSpace& space, std::int64_t max_assignments) {
  const std::size_t n = t.nodes.size();
  const int nv = static_cast<int>(t.variants.size());
  if (n == 0 || nv == 0)
    throw InputError(InputIssue{"", 0, 0, "platform.devices", "planner 'awd' has no node or no model variant to choose from"});
  if (space.fixed_variant >= nv) throw std::invalid_argument("awd::solve: fixed variant out of range");
  // Per node: -1 (unused) then the admissible variants.
  std::vector<int> options{-1};
  if (space.fixed_variant >= 0)
    options.push_back(space.fixed_variant);
  else
    for (int m = 0; m < nv; ++m) options.push_back(m);
  double count = std::pow(static_cast<double>(options.size()), static_cast<double>(n));
  if (count > static_cast<double>(max_assignments))
    throw InputError(InputIssue{
        "", 0, 0, "planner.options.variants",
        fmt::format("planner 'awd' would enumerate {:.3g} assignments ({} choices per node, {} nodes), more than {}; "
                    "name fewer variants",
                    count, options.size(), n, max_assignments)});

  std::vector<std::size_t> digit(n, 0);
  std::vector<int> variant(n, -1);
  Choice best_ok, best_miss;
  bool have_ok = false, have_miss = false;
  double best_miss_short = kInf;
  while (true) {
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
      variant[i] = options[digit[i]];
      any = any || variant[i] >= 0;
    }
    if (any) {
      Choice c = assess(t, variant, space.split);
      std::string why;
      double s = shortfall(c, req, &why);
      if (s == 0) {
        if (!have_ok || better_objective(c, best_ok, req.goal)) best_ok = std::move(c), have_ok = true;
      } else if (!have_ok) {
        // Closest miss: smallest summed relative shortfall, then the objective.
        if (!have_miss || s < best_miss_short * (1 - 1e-12) ||
            (std::abs(s - best_miss_short) <= 1e-12 * best_miss_short && better_objective(c, best_miss, req.goal))) {
          c.shortfall = why;
          best_miss = std::move(c);
          best_miss_short = s;
          have_miss = true;
        }
      }
    }
    // Odometer: the last node varies fastest.
    std::size_t i = n;
    while (i > 0 && ++digit[i - 1] == options.size()) digit[--i] = 0;
    if (i == 0) break;
  }
  if (have_ok) {
    best_ok.feasible = true;
    return best_ok;
  }
  best_miss.feasible = false;
  return best_miss;
}

Plan replica_plan(const Model& model, const std::string& device, const ReplicaPlanArgs& args) {
  Plan p;
  p.planner = "awd";
  p.model_variant = model.name;
  p.source = p.sink = args.requester;
  p.output_bits = args.output_bits;
  // Frames of one replica may overlap (the requester sends frame k+1 while the node returns frame k): the replica's
  // throughput is the executor's pipelined period.
  p.pipelined = true;
  Stage s = whole_stage(model, 1, model.size() - 1, device);
  s.input_bits = args.input_bits;
  p.stages.push_back(s);
  return p;
}

CostTable cost_table(const std::vector<Model>& variants, const Platform& platform, const std::vector<int>& nodes,
                     const ReplicaPlanArgs& args) {
  CostTable t;
  for (const auto& m : variants) {
    t.variants.push_back(m.name);
    t.top1.push_back(m.facts.top1);
    t.top1_source.push_back(m.facts.accuracy_source);
  }
  for (int d : nodes) {
    const std::string& name = platform.devices.at(static_cast<std::size_t>(d)).name;
    t.nodes.push_back(name);
    std::vector<double> lat, per;
    for (const auto& m : variants) {
      Evaluation e = evaluate(build_task_graph(replica_plan(m, name, args), m, platform), platform);
      lat.push_back(e.latency_s);
      per.push_back(e.period_s);
    }
    t.latency_s.push_back(std::move(lat));
    t.period_s.push_back(std::move(per));
  }
  return t;
}

std::vector<Model> variant_models(const std::string& spec) {
  std::vector<std::string> names;
  if (spec == "mobilenet_v1") {
    for (const char* alpha : {"1.0", "0.75", "0.5", "0.25"})
      for (int res : {224, 192, 160, 128}) names.push_back(fmt::format("mobilenet_v1_{}_{}", alpha, res));
  } else {
    std::size_t start = 0;
    while (start <= spec.size()) {
      std::size_t comma = spec.find(',', start);
      std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      item.erase(0, item.find_first_not_of(" \t"));
      item.erase(item.find_last_not_of(" \t") + 1);
      if (!item.empty()) names.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (names.empty())
    throw InputError(InputIssue{"", 0, 0, "planner.options.variants",
                                "expected 'mobilenet_v1' or a comma-separated list of zoo model names, found '" + spec + "'"});
  std::vector<Model> models;
  for (const auto& name : names) {
    std::vector<std::string> known = zoo_names();
    if (std::find(known.begin(), known.end(), name) == known.end())
      throw InputError(InputIssue{"", 0, 0, "planner.options.variants", unknown_name_message("model", name, known)});
    Model m = zoo_model(name);
    if (m.facts.top1 <= 0)
      throw InputError(InputIssue{"", 0, 0, "planner.options.variants",
                                  "model '" + name + "' has no published top-1 accuracy to trade against"});
    models.push_back(std::move(m));
  }
  return models;
}

}  // namespace edgesplit::awd
