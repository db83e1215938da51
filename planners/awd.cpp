// AWD's solver (see awd.hpp): closed-form shares, exhaustive enumeration of per-node variants, the cost table from the
// analytic executor, and the variant sets.
#include "planners/awd.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "planners/registry.hpp"
#include "sim/common/error.hpp"
#include "sim/exec/analytic.hpp"
#include "sim/model/zoo.hpp"
#include "sim/plan/task_graph.hpp"

namespace edgesplit::awd {

namespace {

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

bool preferred(const Choice& a, const Choice& b, Goal goal) {
  if (a.feasible != b.feasible) return a.feasible;
  if (!a.feasible) {
    if (std::abs(a.shortfall_ratio - b.shortfall_ratio) > 1e-12 * std::max(a.shortfall_ratio, b.shortfall_ratio))
      return a.shortfall_ratio < b.shortfall_ratio;
  }
  return better_objective(a, b, goal);
}

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
  std::vector<int> options;
  if (!space.every_node) options.push_back(-1);
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
  Choice best;
  bool have = false;
  while (true) {
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
      variant[i] = options[digit[i]];
      any = any || variant[i] >= 0;
    }
    if (any) {
      Choice c = assess(t, variant, space.split);
      c.shortfall_ratio = shortfall(c, req, &c.shortfall);
      c.feasible = c.shortfall_ratio == 0;
      if (!have || preferred(c, best, req.goal)) best = std::move(c), have = true;
    }
    // Odometer: the last node varies fastest.
    std::size_t i = n;
    while (i > 0 && ++digit[i - 1] == options.size()) digit[--i] = 0;
    if (i == 0) break;
  }
  return best;
}

Choice solve_best_fixed(const CostTable& t, const Requirement& req, Split split, bool every_node) {
  Choice best;
  for (int k = 0; k < static_cast<int>(t.variants.size()); ++k) {
    Choice c = solve(t, req, {split, k, every_node});
    if (k == 0 || preferred(c, best, req.goal)) best = std::move(c);
  }
  return best;
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

// --------------------------------------------------------------------------------------------------- the planner
namespace {

PlannerInfo awd_info() {
  return {
      "awd",
      "request-level distribution: each node runs a whole model variant on its share of the frames; variants and "
      "shares chosen jointly (max accuracy s.t. throughput, or the reverse)",
      "Taufique, Miele, Liljeberg, Kanduri, ASP-DAC'24 (arXiv 2310.10157), reconstruction of papers.md §5.2",
      {{"goal", "string", "objective",
        "what to maximise: 'accuracy' (s.t. throughput >= required_fps), 'throughput' (s.t. accuracy >= the floor), or "
        "'objective' (throughput when the scenario's objective is throughput, else accuracy)",
        std::nullopt, std::nullopt, {"objective", "accuracy", "throughput"}},
       {"required_fps", "double", 0.0, "frames per second the nodes must sustain together (goal accuracy); 0 = none",
        0.0, std::nullopt, {}},
       {"accuracy_floor", "double", 0.0,
        "top-1 % the workload-weighted accuracy must reach (goal throughput); 0 = the scenario's "
        "constraints.accuracy_floor",
        0.0, 100.0, {}},
       {"variants", "string", "mobilenet_v1",
        "model variants to choose from: 'mobilenet_v1' (the 16 TF-slim width x resolution checkpoints) or a "
        "comma-separated list of zoo names",
        std::nullopt, std::nullopt, {}},
       {"strategy", "string", "joint",
        "'joint' (AWD: per-node variant, shares proportional to throughput), 'partition_only' (one model on every node, "
        "proportional shares), 'equal_split' (one model, equal shares), 'accuracy_only' (per-node variant, equal "
        "shares)",
        std::nullopt, std::nullopt, {"joint", "partition_only", "equal_split", "accuracy_only"}},
       {"fixed_model", "string", "",
        "the one model of partition_only / equal_split: a zoo name, '' = the scenario's model, 'best' = the variant "
        "that does best under the same goal and requirement",
        std::nullopt, std::nullopt, {}},
       {"on_infeasible", "string", "best_effort",
        "when no choice meets the requirement: 'best_effort' plans the closest one (the note says what is missed), "
        "'error' refuses",
        std::nullopt, std::nullopt, {"best_effort", "error"}},
       {"include_cloud", "bool", false, "the cloud host may serve frames too", std::nullopt, std::nullopt, {}},
       {"input_bits", "int", 8, "bits per element of the frame sent to a node (8: camera RGB)", 1.0, 64.0, {}},
       {"output_bits", "int", 32, "bits per element of the result returned to the requester", 1.0, 64.0, {}}},
      /*adaptive=*/true};
}

}  // namespace

Distribution distribute(const PlanningInput& in) {
  const PlannerInfo info = awd_info();
  const int r = in.platform.requester_index();
  if (r < 0) throw InputError(InputIssue{"", 0, 0, "platform.requester", "planner 'awd' needs a requester device"});
  ReplicaPlanArgs args{in.platform.devices[static_cast<std::size_t>(r)].name, option_or<int>(in, info, "input_bits"),
                       option_or<int>(in, info, "output_bits")};
  std::vector<int> nodes;
  const bool cloud = option_or<bool>(in, info, "include_cloud");
  for (int d = 0; d < static_cast<int>(in.platform.devices.size()); ++d)
    if (cloud || in.platform.devices[static_cast<std::size_t>(d)].attachment != Attachment::Cloud) nodes.push_back(d);

  Distribution out;
  out.strategy = option_or<std::string>(in, info, "strategy");
  const bool fixed = out.strategy == "partition_only" || out.strategy == "equal_split";
  const Split split = out.strategy == "joint" || out.strategy == "partition_only" ? Split::Proportional : Split::Equal;
  std::vector<Model> variants = variant_models(option_or<std::string>(in, info, "variants"));
  std::string fixed_name = option_or<std::string>(in, info, "fixed_model");
  int fixed_index = -1;
  if (fixed && fixed_name != "best") {
    if (fixed_name.empty()) fixed_name = in.model.name;
    auto it = std::find_if(variants.begin(), variants.end(), [&](const Model& m) { return m.name == fixed_name; });
    if (it == variants.end()) {
      // The fixed model need not be one of the variants (the scenario's model, say): it is the only one searched.
      Model m = fixed_name == in.model.name ? in.model : variant_models(fixed_name).front();
      variants.push_back(m);
      it = variants.end() - 1;
    }
    fixed_index = static_cast<int>(it - variants.begin());
  }
  out.table = cost_table(variants, in.platform, nodes, args);

  std::string goal = option_or<std::string>(in, info, "goal");
  if (goal == "objective") goal = in.objective == Objective::Throughput ? "throughput" : "accuracy";
  Requirement& req = out.requirement;
  req.goal = goal == "throughput" ? Goal::MaxThroughput : Goal::MaxAccuracy;
  req.required_fps = option_or<double>(in, info, "required_fps");
  req.accuracy_floor = option_or<double>(in, info, "accuracy_floor");
  if (req.accuracy_floor <= 0) req.accuracy_floor = in.constraints.accuracy_floor;
  req.latency_bound_s = in.constraints.latency_cap_s;

  // Reconstruction: the equal-split baselines are capability-blind, so every node takes its equal share (the way the
  // even-split baselines of papers.md §6 use every device); AWD and partition-only may leave a node unused.
  const bool every_node = split == Split::Equal;
  out.choice = fixed && fixed_index < 0 ? solve_best_fixed(out.table, req, split, every_node)
                                        : solve(out.table, req, {split, fixed_index, every_node});
  if (!out.choice.feasible && option_or<std::string>(in, info, "on_infeasible") == "error")
    throw InputError(InputIssue{"", 0, 0, req.goal == Goal::MaxAccuracy ? "planner.options.required_fps"
                                                                        : "planner.options.accuracy_floor",
                                "planner 'awd' (" + out.strategy + ") cannot meet the requirement on this platform: " +
                                    out.choice.shortfall});

  std::string parts;
  for (std::size_t i = 0; i < out.table.nodes.size(); ++i) {
    int m = out.choice.variant[i];
    if (m < 0) continue;
    const Model& model = variants[static_cast<std::size_t>(m)];
    Plan p = replica_plan(model, out.table.nodes[i], args);
    if (model.name == in.model.name) p.model_variant.clear();  // the scenario's own model (perhaps not a zoo one)
    out.replicas.push_back(std::move(p));
    out.shares.push_back(out.choice.share[i]);
    parts += fmt::format("{}{} {} {:.3f}", parts.empty() ? "" : ", ", out.table.nodes[i], model.name, out.choice.share[i]);
  }
  out.note = fmt::format("awd {}: {}; predicted {:.2f} fps, top-1 {:.2f} % ({})", out.strategy, parts,
                         out.choice.throughput_fps, out.choice.accuracy_top1,
                         out.choice.feasible ? "requirement met" : "requirement NOT met: " + out.choice.shortfall);
  return out;
}

namespace {

class AwdPlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    Distribution d = distribute(in);
    Plan p;
    p.planner = "awd";
    p.source = p.sink = d.replicas.front().source;
    p.replicas = std::move(d.replicas);
    p.replica_shares = std::move(d.shares);
    // Each replica's accuracy is its variant's published top-1 (plan_accuracy_top1); the stream's is their mean
    // weighted by the shares, which the executor measures over the frames each replica served.
    p.accuracy_top1 = d.choice.accuracy_top1;
    p.accuracy_source = "share-weighted published top-1 of the replicas' model variants (zoo facts)";
    p.note = d.note;
    return p;
  }
};

}  // namespace

}  // namespace edgesplit::awd

namespace edgesplit {

PlannerEntry awd_entry() { return {awd::awd_info(), [] { return std::make_unique<awd::AwdPlanner>(); }}; }

}  // namespace edgesplit
