// `dyno`: DynO's scheduler — Almeida, Laskaridis, Venieris, Leontiadis, Lane, "DynO: Dynamic Onloading of Deep
// Neural Networks from Cloud to Device", ACM TECS 21(6), 2022, arXiv 2104.09949 (papers.md §2). Jointly picks the
// partition point s between the requester and the cloud and the precision b of the transferred activation, for the
// user's objective under an SLO and an accuracy bound.
//
// Verified from the abstract [A]: a CNN-specific data packing of the transferred activations whose precision varies
// with the split point, and a scheduler that tunes partition point and transferred precision jointly at run time.
// Reconstruction (full text not available, papers.md §2.2): the space s × b is small, so it is searched
// exhaustively; every candidate is scored by the planning input's evaluator (the analytic executor), so the choice
// is exactly what the simulator predicts. Bytes are packed exactly (TaskGraph: ceil(numel·b/8) plus a float32
// scale and offset per tensor or per channel). The accuracy of (s, b) comes from the precision-sensitivity table
// (data/precision_sensitivity.yaml, each entry with its source). Among the candidates within `tolerance` of the
// best objective value, the most accurate wins (so a fast link keeps float32 and precision falls only when the
// transfer starts to cost), then the better objective value, the lower latency, the later split, the wider bits.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "planners/baseline_util.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"
#include "sim/scenario/sensitivity_io.hpp"

namespace edgesplit {
namespace {

PlannerInfo dyno_info() {
  return {"dyno",
          "joint split point (requester | cloud) and transferred precision (1-16 or 32 bits, bit-packed) under an "
          "SLO and an accuracy bound; re-planned at dynamics events",
          "Almeida et al., DynO, ACM TECS 2022, arXiv 2104.09949 (papers.md §2; scheduler and packing reconstructed)",
          {{"objective", "string", "scenario",
            "what to optimise: scenario (the scenario's objective), latency, throughput, cloud_cost (cloud compute s "
            "per frame), bytes (network bytes per frame)",
            {}, {}, {"scenario", "latency", "throughput", "cloud_cost", "bytes"}},
           {"bits", "string", "1-16,32", "candidate bit-widths of the transferred activation: a list of widths and "
            "ranges within 1..16, and 32 (float, not quantised)", {}, {}, {}},
           {"scales", "string", "per_tensor", "dequantisation metadata sent with a quantised tensor: a float32 scale "
            "and offset per tensor or per channel", {}, {}, {"per_tensor", "per_channel"}},
           {"max_accuracy_drop", "double", 1.0, "largest top-1 drop (percentage points) a candidate may cost; "
            "constraints.accuracy_floor applies as well", 0.0, 100.0, {}},
           {"tolerance", "double", 0.02, "candidates within this relative distance of the best objective value "
            "count as ties, and the most accurate of them wins", 0.0, 10.0, {}},
           {"sensitivity", "string", "", "precision-sensitivity table (YAML, docs/formats.md); empty: the built-in "
            "data/precision_sensitivity.yaml", {}, {}, {}},
           {"on_infeasible", "string", "fallback", "when no candidate meets the SLO and the accuracy bound: "
            "fallback (fastest candidate that meets the accuracy bound, else the most accurate; said in the note) "
            "or error", {}, {}, {"fallback", "error"}}},
          /*adaptive=*/true};
}

enum class Goal { Latency, Throughput, CloudCost, Bytes, Energy, Accuracy };

const char* goal_name(Goal g) {
  switch (g) {
    case Goal::Latency: return "latency";
    case Goal::Throughput: return "throughput";
    case Goal::CloudCost: return "cloud_cost";
    case Goal::Bytes: return "bytes";
    case Goal::Energy: return "energy";
    case Goal::Accuracy: return "accuracy";
  }
  return "?";
}

// "1-16,32" → {1, ..., 16, 32}.
std::vector<int> parse_bits(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return InputError(InputIssue{"", 0, 0, "planner.options.bits",
                                 fmt::format("expected widths and ranges within 1..16 or 32, e.g. '1-16,32'; {} in '{}'",
                                             why, text)});
  };
  std::vector<int> bits;
  std::stringstream ss(text);
  std::string item;
  auto number = [&](const std::string& s) {
    std::size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(s, &used);
    } catch (const std::exception&) {
      throw bad("'" + s + "' is not a number");
    }
    if (used != s.size()) throw bad("'" + s + "' is not a number");
    if (!((v >= 1 && v <= 16) || v == 32)) throw bad(fmt::format("{} is not a width", v));
    return v;
  };
  while (std::getline(ss, item, ',')) {
    item.erase(std::remove(item.begin(), item.end(), ' '), item.end());
    if (item.empty()) throw bad("an empty item");
    auto dash = item.find('-', 1);
    if (dash == std::string::npos) {
      bits.push_back(number(item));
    } else {
      int a = number(item.substr(0, dash)), b = number(item.substr(dash + 1));
      if (a > b) throw bad(fmt::format("range {}-{} is empty", a, b));
      for (int v = a; v <= b; ++v) bits.push_back(v);
    }
  }
  if (bits.empty()) throw bad("no width");
  std::sort(bits.begin(), bits.end());
  bits.erase(std::unique(bits.begin(), bits.end()), bits.end());
  return bits;
}

struct Candidate {
  int split = 0;  // last layer on the requester (0: cloud-only; L-1: requester-only)
  int bits = 32;
  double drop_pp = 0;
  std::string drop_source;
  double latency_s = 0, period_s = 0, cloud_s = 0, energy_J = 0;
  std::int64_t bytes = 0;
  double value = 0;  // the objective, lower is better
};

class DynoPlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    const PlannerInfo info = dyno_info();
    const Model& m = in.model;
    int r = baseline::requester(in, "dyno");
    auto c = in.platform.cloud_index();
    if (!c) throw InputError(InputIssue{"", 0, 0, "planner", "planner 'dyno' needs a cloud host in the platform"});
    const std::string& mobile = in.platform.devices[static_cast<std::size_t>(r)].name;
    const std::string& cloud = in.platform.devices[static_cast<std::size_t>(*c)].name;

    Goal goal = goal_of(in, option_or<std::string>(in, info, "objective"));
    std::vector<int> bit_set = parse_bits(option_or<std::string>(in, info, "bits"));
    ScaleGranularity scales = option_or<std::string>(in, info, "scales") == "per_channel" ? ScaleGranularity::PerChannel
                                                                                          : ScaleGranularity::PerTensor;
    double max_drop = option_or<double>(in, info, "max_accuracy_drop");
    double tolerance = option_or<double>(in, info, "tolerance");
    std::string table_path = option_or<std::string>(in, info, "sensitivity");
    bool fallback = option_or<std::string>(in, info, "on_infeasible") == "fallback";
    PrecisionSensitivity loaded;
    if (!table_path.empty()) loaded = load_precision_sensitivity(table_path);
    const PrecisionSensitivity& table = table_path.empty() ? builtin_precision_sensitivity() : loaded;

    const double top1 = m.facts.top1;  // published; 0 = unknown
    const double floor = in.constraints.accuracy_floor;
    const double cap = in.constraints.latency_cap_s;
    const int last = m.size() - 1;
    Plan base = baseline::requester_plan(in, "dyno");

    // Every (s, b): s over the single-tensor cuts (Neurosurgeon's split points, baseline::cut_vertices), b over the
    // candidate widths; the requester-only plan transfers nothing, so it is one candidate.
    std::vector<Candidate> all;
    int uncalibrated = 0;
    for (int k : baseline::cut_vertices(m)) {
      for (int b : bit_set) {
        if (k == last && b != bit_set.back()) continue;
        Candidate cd;
        cd.split = k;
        cd.bits = k == last ? 32 : b;
        if (k != last) {
          auto d = accuracy_drop(table, m.name, m.layers[static_cast<std::size_t>(k)].name, cd.bits);
          if (!d) {
            ++uncalibrated;
            continue;
          }
          cd.drop_pp = d->drop_pp;
          cd.drop_source = d->source;
        }
        Plan p = split_plan(base, m, k, mobile, cloud, cd.bits, scales);
        Evaluation ev = in.evaluator ? in.evaluator(p) : evaluate(build_task_graph(p, m, in.platform), in.platform);
        TaskGraph g = build_task_graph(p, m, in.platform);
        cd.latency_s = ev.latency_s;
        cd.period_s = ev.period_s;
        cd.bytes = g.network_bytes();
        cd.cloud_s = cloud_seconds(g, in.platform, *c);
        if (goal == Goal::Energy) cd.energy_J = baseline::frame_energy_J(g, in.platform, r);
        cd.value = value_of(goal, cd);
        all.push_back(std::move(cd));
      }
    }

    auto accuracy_ok = [&](const Candidate& x) {
      return x.drop_pp <= max_drop + 1e-12 && (floor <= 0 || top1 <= 0 || top1 - x.drop_pp >= floor - 1e-12);
    };
    auto slo_ok = [&](const Candidate& x) { return cap <= 0 || x.latency_s <= cap; };
    std::vector<const Candidate*> feasible;
    for (const auto& x : all)
      if (accuracy_ok(x) && slo_ok(x)) feasible.push_back(&x);

    const Candidate* pick = nullptr;
    std::string why;
    if (!feasible.empty()) {
      pick = choose(feasible, tolerance);
    } else {
      // Nothing meets both bounds: the fastest candidate within the accuracy bound, else the most accurate.
      std::vector<const Candidate*> acc;
      for (const auto& x : all)
        if (accuracy_ok(x)) acc.push_back(&x);
      const Candidate* fastest = nullptr;
      for (const auto* x : acc)
        if (!fastest || x->latency_s < fastest->latency_s) fastest = x;
      std::string problem =
          fastest ? fmt::format("no split meets the latency cap {:.6g} s (fastest within the accuracy bound: {:.6g} s)",
                                cap, fastest->latency_s)
                  : fmt::format("no candidate meets the accuracy bound (max drop {} pp{})", max_drop,
                                floor > 0 ? fmt::format(", floor {}% top-1 of a {}% model", floor, top1) : "");
      if (!fallback)
        throw InputError(InputIssue{"", 0, 0, fastest ? "constraints.latency_cap" : "constraints.accuracy_floor",
                                    "planner 'dyno': " + problem});
      if (!fastest)
        for (const auto& x : all)
          if (!fastest || x.drop_pp < fastest->drop_pp ||
              (x.drop_pp == fastest->drop_pp && x.latency_s < fastest->latency_s))
            fastest = &x;
      pick = fastest;
      why = "SLO infeasible, fallback: " + problem + "; ";
    }

    Plan p = split_plan(base, m, pick->split, mobile, cloud, pick->bits, scales);
    p.note = why + describe(*pick, m, top1, goal, uncalibrated);
    // Under the throughput objective the candidates were scored by the pipelined period (the requester computes frame
    // n+1 while frame n is on the link or in the cloud), so the plan must let frames overlap for that to hold.
    // Reconstruction: the abstract claims throughput but does not say how device and cloud overlap.
    p.pipelined = goal == Goal::Throughput;
    // What the quantised transfer costs in accuracy (Plan::accuracy_top1; 0 keeps the published figure).
    if (pick->bits < 32 && pick->split != last && top1 > 0) {
      p.accuracy_top1 = top1 - pick->drop_pp;
      p.accuracy_source = fmt::format("published top-1 ({}) minus {:.4g} pp for {} bits at '{}' from {}: {}",
                                      m.facts.accuracy_source, pick->drop_pp, pick->bits,
                                      m.layers[static_cast<std::size_t>(pick->split)].name,
                                      table_path.empty() ? "data/precision_sensitivity.yaml" : table_path,
                                      pick->drop_source.substr(0, pick->drop_source.find(':')));
    }
    return p;
  }

 private:
  static Goal goal_of(const PlanningInput& in, const std::string& opt) {
    if (opt == "latency") return Goal::Latency;
    if (opt == "throughput") return Goal::Throughput;
    if (opt == "cloud_cost") return Goal::CloudCost;
    if (opt == "bytes") return Goal::Bytes;
    switch (in.objective) {
      case Objective::Throughput: return Goal::Throughput;
      case Objective::Energy: return Goal::Energy;
      case Objective::Accuracy: return Goal::Accuracy;
      default: return Goal::Latency;
    }
  }

  static double value_of(Goal g, const Candidate& x) {
    switch (g) {
      case Goal::Latency: return x.latency_s;
      case Goal::Throughput: return x.period_s;  // max throughput = min pipelined period
      case Goal::CloudCost: return x.cloud_s;
      case Goal::Bytes: return static_cast<double>(x.bytes);
      case Goal::Energy: return x.energy_J;   // the requester's (mobile) energy, as Neurosurgeon's
      case Goal::Accuracy: return x.drop_pp;  // max accuracy = min drop; latency breaks its ties
    }
    return x.latency_s;
  }

  // The most accurate among the near-best, then the better value, the lower latency, the later split (less cloud),
  // the wider bits.
  static const Candidate* choose(const std::vector<const Candidate*>& cands, double tolerance) {
    double best = std::numeric_limits<double>::infinity();
    for (const auto* x : cands) best = std::min(best, x->value);
    double band = best + tolerance * std::abs(best);
    const Candidate* pick = nullptr;
    auto key = [](const Candidate* x) { return std::make_tuple(x->drop_pp, x->value, x->latency_s, -x->split, -x->bits); };
    for (const auto* x : cands)
      if (x->value <= band && (!pick || key(x) < key(pick))) pick = x;
    return pick;
  }

  // Cloud compute seconds per frame: DynO's cloud cost is proportional to the time the server spends on a frame.
  static double cloud_seconds(const TaskGraph& g, const Platform& p, int cloud) {
    double s = 0;
    for (const auto& role : g.roles) {
      if (role.device != cloud) continue;
      const Device& d = p.devices[static_cast<std::size_t>(cloud)];
      double speed = d.profile.pstates.empty() ? 1.0 : d.profile.pstates[static_cast<std::size_t>(d.pstate)].speed;
      s += role.time_ref_s / speed;
    }
    return s;
  }

  // Layers 1..k on the requester, k+1..L-1 on the cloud; the split tensor travels at `bits` with its scales, the
  // result returns as float32.
  static Plan split_plan(const Plan& base, const Model& m, int k, const std::string& mobile, const std::string& cloud,
                         int bits, ScaleGranularity scales) {
    Plan p = base;
    int last = m.size() - 1;
    if (k >= 1) p.stages.push_back(whole_stage(m, 1, k, mobile));
    if (k < last) {
      Stage s = whole_stage(m, k + 1, last, cloud);
      s.input_bits = bits;
      s.input_scales = bits < 32 ? scales : ScaleGranularity::None;
      p.stages.push_back(s);
    }
    return p;
  }

  static std::string describe(const Candidate& x, const Model& m, double top1, Goal goal, int uncalibrated) {
    int last = m.size() - 1;
    // The float32 upload DynO compares against: the image as float32 up, the float32 result down (cloud-only).
    std::int64_t f32 = activation_bytes(m.layers.front().out, 32) + activation_bytes(m.layers.back().out, 32);
    std::string where = x.split == 0      ? "split before layer 1 (cloud-only)"
                        : x.split == last ? "split after the last layer (requester-only)"
                                          : fmt::format("split after layer {} '{}'", x.split,
                                                        m.layers[static_cast<std::size_t>(x.split)].name);
    std::string bytes = x.bytes == 0 ? "no network bytes"
                                     : fmt::format("{} B/frame vs float32 upload {} B ({:.3g}x less)", x.bytes, f32,
                                                   static_cast<double>(f32) / static_cast<double>(x.bytes));
    std::string acc = top1 > 0 ? fmt::format("predicted top-1 {:.3f}% (published {:.3f}% - {:.4g} pp)", top1 - x.drop_pp,
                                             top1, x.drop_pp)
                               : fmt::format("top-1 drop {:.4g} pp", x.drop_pp);
    std::string note = fmt::format("{}, {} bits; {}; {}; {} objective, latency {:.6g} s, period {:.6g} s (simulated)",
                                   where, x.bits, bytes, acc, goal_name(goal), x.latency_s, x.period_s);
    if (x.split != last && x.bits < 32) note += "; drop source: " + x.drop_source.substr(0, x.drop_source.find(':'));
    if (uncalibrated > 0) note += fmt::format("; {} (split, bits) pairs skipped: not in the sensitivity table", uncalibrated);
    return note;
  }
};

}  // namespace

PlannerEntry dyno_entry() { return {dyno_info(), [] { return std::make_unique<DynoPlanner>(); }}; }

}  // namespace edgesplit
