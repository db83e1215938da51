// edgesplit planner `dyno`: the joint (split, bits) choice on a chain worked out by hand, its monotone move toward
// the device and to fewer bits as bandwidth falls, the accuracy bound and the SLO fallback, equality with an
// exhaustive enumeration under the analytic evaluator on zoo models, and the precision-sensitivity table (lookup
// rules, the shipped table against the formula its `source:` states, located errors).
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <limits>

#include "planners/baseline_util.hpp"
#include "sim/exec/analytic.hpp"
#include "sim/common/error.hpp"
#include "sim/model/zoo.hpp"
#include "sim/scenario/sensitivity_io.hpp"
#include "tests/planners/planner_test_util.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

namespace {
const std::string kTable = std::string(EDGESPLIT_SOURCE_DIR) + "/tests/planners/data/dyno_hourglass.yaml";

// Input 4×8×8 (256 el) → conv1 3×3 → 1×8×8 (2304 MACs, 64 el) → conv2 3×3 → 8×8×8 (4608 MACs, 512 el) → fc 10
// (5120 MACs, 10 el). As in the Neurosurgeon test: the narrow conv1 output is the natural split.
Model hourglass() {
  ModelBuilder b("hourglass", Shape{4, 8, 8});
  b.conv("conv1", ConvSpec{.out = 1});
  b.conv("conv2", ConvSpec{.out = 8});
  b.fc("fc", 10);
  return b.build();
}
// Requester A at 1e3 MACs/s, cloud at 1e4 MACs/s, air 1e9 B/s (never the bottleneck), cloud link `r` B/s, no
// latency per hop.
Platform mobile_cloud(double r) { return wifi_platform({"A"}, {1e9}, r); }

int split_of(const Plan& p) {
  if (p.stages.size() == 2) return p.stages[0].last_layer;
  return p.stages[0].pieces[0].device == "A" ? p.stages[0].last_layer : 0;
}
// Bits of the split tensor; 0 when nothing leaves the requester.
int bits_of(const Plan& p) {
  const Stage& s = p.stages.back();
  return s.pieces[0].device == "A" ? 0 : s.input_bits;
}

nlohmann::json hand_options(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json o = {{"bits", "4,8,32"}, {"sensitivity", kTable}, {"max_accuracy_drop", 5.0}};
  for (auto& [k, v] : extra.items()) o[k] = v;
  return o;
}

// ---- The independent exhaustive reference: every (cut, bits) plan built here with whole_stage, scored by the
// analytic executor directly, accuracy from the table, the documented choice rule applied to the whole list.
struct Ref {
  int split, bits;
  double drop, value, latency;
};
Ref reference_choice(const Model& m, const Platform& p, const std::string& goal, ScaleGranularity scales,
                     double max_drop, double tolerance) {
  const PrecisionSensitivity& table = builtin_precision_sensitivity();
  int last = m.size() - 1;
  int cloud = *p.cloud_index();
  std::vector<int> widths;
  for (int b = 1; b <= 16; ++b) widths.push_back(b);
  widths.push_back(32);
  std::vector<Ref> all;
  for (int k : baseline::cut_vertices(m))
    for (int b : widths) {
      if (k == last && b != 32) continue;
      Plan plan;
      plan.source = plan.sink = std::string("A");
      if (k >= 1) plan.stages.push_back(whole_stage(m, 1, k, "A"));
      double drop = 0;
      if (k < last) {
        Stage s = whole_stage(m, k + 1, last, "cloud");
        s.input_bits = b;
        s.input_scales = b < 32 ? scales : ScaleGranularity::None;
        plan.stages.push_back(s);
        drop = accuracy_drop(table, m.name, m.layers[static_cast<std::size_t>(k)].name, b)->drop_pp;
      }
      if (drop > max_drop) continue;
      TaskGraph g = build_task_graph(plan, m, p);
      Evaluation ev = evaluate(g, p);
      double cloud_s = 0;
      for (const auto& r : g.roles)
        if (r.device == cloud) cloud_s += r.time_ref_s;  // the fixture's pstate p0 has speed 1
      double v = goal == "latency"      ? ev.latency_s
                 : goal == "throughput" ? ev.period_s
                 : goal == "cloud_cost" ? cloud_s
                                        : static_cast<double>(g.network_bytes());
      all.push_back({k, k == last ? 32 : b, drop, v, ev.latency_s});
    }
  double best = std::numeric_limits<double>::infinity();
  for (const auto& x : all) best = std::min(best, x.value);
  const Ref* pick = nullptr;
  for (const auto& x : all) {
    if (x.value > best + tolerance * std::abs(best)) continue;
    auto key = [](const Ref& y) { return std::make_tuple(y.drop, y.value, y.latency, -y.split, -y.bits); };
    if (!pick || key(x) < key(*pick)) pick = &x;
  }
  return *pick;
}

// A Pi-4-class requester (20 GMAC/s conv) and a GPU-class cloud (10 TMAC/s), Wi-Fi at 50 MB/s, cloud link `r`.
Platform pi_and_cloud(double r) {
  Platform p;
  p.name = "pi_and_cloud";
  p.devices.push_back(station("A", 5e7, 2e10));
  p.devices.push_back(cloud("cloud", 1e13));
  p.network.wifi_latency_s = 1e-3;
  p.network.cloud_bandwidth_Bps = r;
  p.network.cloud_latency_s = 20e-3;
  p.requester = std::string("A");
  return p;
}
}  // namespace

TEST_CASE("edgesplit::planner dyno: split and bits by hand", "[planners]") {
  Model m = hourglass();
  // Latency at cloud rate r (B/s), split after layer k, b bits per tensor (+8 B scale/offset below 32 bits), the
  // float32 result (40 B) back over the same link:
  //   k=0: upload 256 el: b=32 1024 B, b=8 264 B, b=4 136 B;   L = (U + 40)/r + 12032/1e4 = (U + 40)/r + 1.2032
  //   k=1: upload 64 el:  b=32 256 B,  b=8 72 B,  b=4 40 B;    L = 2304/1e3 + (U + 40)/r + 9728/1e4 = 3.2768 + ...
  //   k=3: requester-only, L = 12032/1e3 = 12.032 s.
  // Table drops: 4 bits 2.0 pp, 8 bits 0.5 pp, 32 bits 0. At r = 1000: k=0 gives 2.2672 / 1.5072 / 1.3792 s for
  // b = 32/8/4; the best is 1.3792 and the 2 % band reaches 1.406784, so 4 bits wins (the only one in the band).
  Plan p = plan_by("dyno", m, mobile_cloud(1000), hand_options());
  CHECK(split_of(p) == 0);
  CHECK(bits_of(p) == 4);
  CHECK(p.stages.back().input_scales == ScaleGranularity::PerTensor);
  CHECK(latency_of(p, m, mobile_cloud(1000)) == Approx(1.3792).epsilon(1e-12));
  CHECK_THAT(p.note, Catch::Contains("split before layer 1 (cloud-only), 4 bits") &&
                         Catch::Contains("176 B/frame vs float32 upload 1064 B"));
  // At r = 1e5 the band of L0(4) = 1.20496 reaches 1.2290592 and L0(32) = 1.21384 lies in it: float32 (drop 0).
  Plan fast = plan_by("dyno", m, mobile_cloud(1e5), hand_options());
  CHECK(split_of(fast) == 0);
  CHECK(bits_of(fast) == 32);
  CHECK(fast.stages.back().input_scales == ScaleGranularity::None);
  // With a zero tolerance the strict optimum is taken: 4 bits even on the fast link.
  CHECK(bits_of(plan_by("dyno", m, mobile_cloud(1e5), hand_options({{"tolerance", 0.0}}))) == 4);
  // Per-channel scales: one channel here, so the same bytes (+8 B); the choice is the same.
  CHECK(bits_of(plan_by("dyno", m, mobile_cloud(1000), hand_options({{"scales", "per_channel"}}))) == 4);
  CHECK_THROWS_WITH(plan_by("dyno", m, wifi_platform({"A"}, {1e9})), Catch::Contains("needs a cloud host"));
}

TEST_CASE("edgesplit::planner dyno: as bandwidth falls the split moves to the device and the bits fall",
          "[planners]") {
  Model m = hourglass();
  // Thresholds from the table above (2 % band, the most accurate in the band wins):
  //   k=0 keeps 32 bits while 1064/r + 1.2032 <= 1.02 (176/r + 1.2032), i.e. r >= 884.48/0.024064 = 36755 B/s;
  //   8 bits while 304/r + 1.2032 <= 1.02 (176/r + 1.2032), i.e. r >= 124.48/0.024064 = 5172.8 B/s; else 4 bits;
  //   k=1 (4 bits) beats k=0 (4 bits) when 3.2768 + 80/r < 1.2032 + 176/r, i.e. r < 96/2.0736 = 46.30 B/s;
  //   requester-only (drop 0) enters the band of k=1 when 12.032 <= 1.02 (3.2768 + 80/r), i.e. r <= 9.39 B/s.
  std::vector<double> rates = {1e6, 1e5, 4e4, 2e4, 1e4, 5000, 1000, 100, 50, 40, 20, 10, 9, 5, 1};
  std::vector<int> splits, bits;
  for (double r : rates) {
    Plan p = plan_by("dyno", m, mobile_cloud(r), hand_options());
    splits.push_back(split_of(p));
    bits.push_back(bits_of(p));
  }
  CHECK(splits == std::vector<int>{0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 3, 3, 3});
  CHECK(bits == std::vector<int>{32, 32, 32, 8, 8, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0});
  for (std::size_t i = 1; i < rates.size(); ++i) {
    CHECK(splits[i] >= splits[i - 1]);  // never back toward the cloud as the link slows
    CHECK(bits[i] <= bits[i - 1]);      // never more precision on a slower link
  }
}

TEST_CASE("edgesplit::planner dyno: accuracy bound, objectives and the SLO", "[planners]") {
  Model m = hourglass();
  Platform p = mobile_cloud(1000);
  // max_accuracy_drop 1 pp rules out 4 bits (2 pp): k=0 at 8 bits, 1.5072 s (k=1 at 8 bits: 3.3888 s).
  Plan acc = plan_by("dyno", m, p, hand_options({{"max_accuracy_drop", 1.0}}));
  CHECK(split_of(acc) == 0);
  CHECK(bits_of(acc) == 8);
  // The scenario's accuracy floor does the same through the model's top-1: 70 % - 0.5 pp = 69.5 % >= 69.5 but
  // 8 bits misses 69.6 %, leaving float32 (k=0: 2.2672 s; k=1: 3.5728 s).
  Model known = hourglass();
  known.facts.top1 = 70.0;
  Constraints floor;
  floor.accuracy_floor = 69.5;
  CHECK(bits_of(plan_by("dyno", known, p, hand_options(), Objective::Latency, floor)) == 8);
  floor.accuracy_floor = 69.6;
  Plan f32 = plan_by("dyno", known, p, hand_options(), Objective::Latency, floor);
  CHECK(split_of(f32) == 0);
  CHECK(bits_of(f32) == 32);
  CHECK_THAT(f32.note, Catch::Contains("predicted top-1 70.000%"));
  // Bytes objective under a 6 s cap (requester-only, 0 B, takes 12.032 s): the fewest bytes are k=1 at 4 bits,
  // 40 B up + 40 B result = 80 B (k=0 at 4 bits: 176 B).
  Constraints cap;
  cap.latency_cap_s = 6;
  Plan bytes = plan_by("dyno", m, p, hand_options({{"objective", "bytes"}}), Objective::Latency, cap);
  CHECK(split_of(bytes) == 1);
  CHECK(bits_of(bytes) == 4);
  CHECK(build_task_graph(bytes, m, p).network_bytes() == 80);
  // Without a cap, bytes and cloud cost both go to the requester (0 B, 0 cloud seconds).
  CHECK(split_of(plan_by("dyno", m, p, hand_options({{"objective", "bytes"}}))) == 3);
  CHECK(split_of(plan_by("dyno", m, p, hand_options({{"objective", "cloud_cost"}}))) == 3);
  // SLO infeasible: a 1 s cap is below every candidate (the fastest within the bound is k=0 at 4 bits, 1.3792 s).
  cap.latency_cap_s = 1.0;
  Plan fb = plan_by("dyno", m, p, hand_options(), Objective::Latency, cap);
  CHECK(split_of(fb) == 0);
  CHECK(bits_of(fb) == 4);
  CHECK_THAT(fb.note, Catch::StartsWith("SLO infeasible, fallback: no split meets the latency cap 1 s (fastest within "
                                        "the accuracy bound: 1.3792 s)"));
  CHECK_THROWS_WITH(plan_by("dyno", m, p, hand_options({{"on_infeasible", "error"}}), Objective::Latency, cap),
                    Catch::Contains("constraints.latency_cap") && Catch::Contains("no split meets the latency cap"));
}

TEST_CASE("edgesplit::planner dyno: the choice equals an exhaustive enumeration on zoo models", "[planners]") {
  // The reference above shares nothing with the planner but the table and the evaluator: it builds its own plans.
  for (const char* name : {"mobilenet_v2", "resnet50"}) {
    Model m = zoo_model(name);
    for (double r : {2e5, 1e6, 5e6, 2.5e7}) {  // 1.6 to 200 Mbit/s
      Platform p = pi_and_cloud(r);
      for (const char* goal : {"latency", "throughput", "cloud_cost", "bytes"})
        for (auto [scales, sname] : {std::pair{ScaleGranularity::PerTensor, "per_tensor"},
                                     std::pair{ScaleGranularity::PerChannel, "per_channel"}})
          for (double tol : {0.0, 0.02}) {
            INFO(name << " r=" << r << " " << goal << " " << sname << " tolerance " << tol);
            Ref ref = reference_choice(m, p, goal, scales, 1.0, tol);
            Plan plan = plan_by("dyno", m, p, {{"objective", goal}, {"scales", sname}, {"tolerance", tol}});
            CHECK(split_of(plan) == ref.split);
            CHECK((bits_of(plan) == 0 ? 32 : bits_of(plan)) == ref.bits);
          }
    }
  }
}

TEST_CASE("edgesplit::planner dyno: adaptive, re-decides when the cloud link drops during a run", "[planners]") {
  REQUIRE(planner_entry("dyno").info.adaptive);
  Scenario sc;
  sc.name = "dyno_drop";
  sc.model = hourglass();
  sc.model.facts.top1 = 70.0;
  sc.model.facts.accuracy_source = "test";
  sc.platform = mobile_cloud(1e5);
  sc.planner = "dyno";
  sc.planner_options = hand_options();
  sc.workload.frames = 7;
  // At 5 s the cloud link falls from 1e5 to 1000 B/s.
  sc.dynamics.push_back({DynamicsEvent::Kind::CloudBandwidth, 5.0, "", 1000.0, "", 0});
  Plan first = plan_scenario(sc);
  CHECK(bits_of(first) == 32);
  CHECK(first.accuracy_top1 == 0);  // float32: the published figure stands
  RunResult r = run_analytic(make_scenario_job(sc, first));
  REQUIRE(r.status == "ok");
  // Closed loop at 1e5 B/s, cloud-only float32: 1064 B / 1e5 + 1.2032 = 1.21384 s per frame; f0..f3 end at
  // 4.85536, f4 starts there, uploads 1024 B in 0.01024 s, computes 1.2032 s to 6.0688, and its 40 B result crosses
  // the slowed link in 0.04 s: 6.1088. The re-plan at 5 s (cloud-only, 4 bits: 1.3792 s at 1000 B/s) serves f5
  // from 6.1088 (drain) to 7.488 and f6 to 8.8672.
  REQUIRE(r.frames.size() == 7);
  CHECK(r.frames[3].completion_s == Approx(4 * 1.21384).margin(1e-9));
  CHECK(r.frames[4].completion_s == Approx(6.1088).margin(1e-9));
  CHECK(r.frames[5].completion_s == Approx(6.1088 + 1.3792).margin(1e-9));
  CHECK(r.frames[6].completion_s == Approx(6.1088 + 2 * 1.3792).margin(1e-9));
  CHECK_THAT(r.provenance["replanning"], Catch::Contains("4 bits"));
  // The plan made on the slowed platform states its accuracy: 70 % − 2 pp.
  Plan later = plan_by("dyno", sc.model, mobile_cloud(1000), hand_options());
  CHECK(later.accuracy_top1 == Approx(68.0).margin(1e-12));
  CHECK_THAT(later.accuracy_source, Catch::Contains("minus 2 pp for 4 bits at 'input'"));
}

TEST_CASE("edgesplit::planner dyno: options are checked", "[planners]") {
  Model m = hourglass();
  Platform p = mobile_cloud(1000);
  CHECK_THROWS_WITH(plan_by("dyno", m, p, hand_options({{"bits", "4,17"}})),
                    Catch::Contains("planner.options.bits") && Catch::Contains("17 is not a width"));
  CHECK_THROWS_WITH(plan_by("dyno", m, p, hand_options({{"bits", "8-4"}})), Catch::Contains("range 8-4 is empty"));
  CHECK_THROWS_WITH(plan_by("dyno", m, p, hand_options({{"bits", "x"}})), Catch::Contains("'x' is not a number"));
  // "2-3,32" lists 2, 3 and 32; the hand table starts at 4 bits, so 2 and 3 are not calibrated and only float32
  // and the requester remain (k=0 at float32: 2.2672 s).
  Plan p32 = plan_by("dyno", m, p, hand_options({{"bits", "2-3,32"}}));
  CHECK(bits_of(p32) == 32);
  CHECK_THAT(p32.note, Catch::Contains("(split, bits) pairs skipped: not in the sensitivity table"));
  CHECK_THROWS_AS(check_planner_options(planner_entry("dyno").info, {{"scales", "per_row"}}), InputError);
  CHECK_THROWS_AS(check_planner_options(planner_entry("dyno").info, {{"objective", "energy_cost"}}), InputError);
}

TEST_CASE("edgesplit::accuracy_drop: lookup rules of the precision-sensitivity table", "[planners]") {
  PrecisionSensitivity t = load_precision_sensitivity(kTable);
  CHECK(t.models.at("hourglass").default_curve.source == "test fixture: round numbers");
  CHECK(accuracy_drop(t, "hourglass", "conv1", 4)->drop_pp == 2.0);
  CHECK(accuracy_drop(t, "hourglass", "conv1", 7)->drop_pp == 2.0);  // between 4 and 8: 4's drop (conservative)
  CHECK(accuracy_drop(t, "hourglass", "conv1", 16)->drop_pp == 0.5);
  CHECK(accuracy_drop(t, "hourglass", "conv1", 32)->drop_pp == 0.0);
  CHECK_FALSE(accuracy_drop(t, "hourglass", "conv1", 3));  // below the smallest listed width
  CHECK_FALSE(accuracy_drop(t, "vgg16", "conv1", 8));      // no entry and no "*"
}

TEST_CASE("edgesplit::builtin_precision_sensitivity: the shipped table is the formula its source states",
          "[planners]") {
  // data/precision_sensitivity.yaml (scripts/gen_precision_sensitivity.py): drop(b) = (top1 - 0.1) / (1 + 4^(b - b50))
  // with b50 = 1.0 (VGG-16, ResNet-50), 1.5 (MobileNet-V2, "*"), 2.5 for the image, which is lossless from 8 bits.
  const PrecisionSensitivity& t = builtin_precision_sensitivity();
  auto f = [](double top1, int b, double b50) { return (top1 - 0.1) / (1 + std::pow(4.0, b - b50)); };
  for (int b : {1, 2, 3, 4, 5, 6, 7, 8}) {
    CHECK(accuracy_drop(t, "vgg16", "conv3_1", b)->drop_pp == Approx(f(71.592, b, 1.0)).margin(5e-5));
    CHECK(accuracy_drop(t, "resnet50", "layer2.0.add", b)->drop_pp == Approx(f(76.130, b, 1.0)).margin(5e-5));
    CHECK(accuracy_drop(t, "mobilenet_v2", "features.3.add", b)->drop_pp == Approx(f(71.878, b, 1.5)).margin(5e-5));
    CHECK(accuracy_drop(t, "alexnet", "conv1", b)->drop_pp == Approx(f(70.0, b, 1.5)).margin(5e-5));  // "*"
    CHECK(accuracy_drop(t, "vgg16", "input", b)->drop_pp == Approx(b >= 8 ? 0.0 : f(71.592, b, 2.5)).margin(5e-5));
  }
  // The published bound it is calibrated to: one tensor at 4 bits loses less than whole-network W4A4 PTQ
  // (ResNet-50 1.67 pp, MobileNet-V2 4.62 pp; hustvl/StablePTQ README).
  CHECK(accuracy_drop(t, "resnet50", "layer2.0.add", 4)->drop_pp < 76.63 - 74.96);
  CHECK(accuracy_drop(t, "mobilenet_v2", "features.3.add", 4)->drop_pp < 72.63 - 68.01);
  CHECK_THAT(accuracy_drop(t, "vgg16", "conv3_1", 4)->source, Catch::StartsWith("Reconstruction"));
}

TEST_CASE("edgesplit::parse_precision_sensitivity: located errors", "[planners]") {
  auto message = [](const std::string& yaml) {
    try {
      parse_precision_sensitivity(yaml, "t.yaml");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(message("table: precision_sensitivity\nmodels:\n  m:\n    default:\n      source: s\n"
                     "      drop_pp: {4: 1.0, 8: 2.0}\n"),
             Catch::Contains("t.yaml:6:") && Catch::Contains("models.m.default.drop_pp") &&
                 Catch::Contains("must not decrease as bits fall: 8 bits lose 2 pp but 4 bits 1 pp"));
  CHECK_THAT(message("table: precision_sensitivity\nmodels:\n  m:\n    default:\n      source: s\n"
                     "      drop_pp: {32: 0.0}\n"),
             Catch::Contains("t.yaml:6:") && Catch::Contains("expected a bit-width 1..31 (32 is float, never listed), "
                                                             "found '32'"));
  CHECK_THAT(message("table: precision_sensitivity\nmodels:\n  m:\n    default:\n      drop_pp: {4: 1}\n"),
             Catch::Contains("models.m.default") && Catch::Contains("source"));
  CHECK_THAT(message("table: precision_sensitivity\nmodels:\n  m:\n    default:\n      source: s\n"
                     "      drop_pp: {4: 120}\n"),
             Catch::Contains("expected a drop in 0..100 percentage points"));
  CHECK_THAT(message("table: profiles\nmodels: {}\n"), Catch::Contains("expected 'precision_sensitivity'"));
  CHECK_THROWS_WITH(load_precision_sensitivity("/nonexistent/table.yaml"), Catch::Contains("/nonexistent/table.yaml"));
}
