// AWD (adaptive workload distribution, ASP-DAC'24): the solver on cost tables written by hand, against a brute force
// written independently here, its fallback when the requirement cannot be met, re-solving without a device, the
// baselines' restricted searches, and the cost table as the analytic executor predicts it.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <chrono>
#include <random>

#include "planners/awd.hpp"
#include "planners/registry.hpp"
#include "sim/exec/analytic.hpp"
#include "sim/common/error.hpp"
#include "sim/model/zoo.hpp"
#include "sim/scenario/platform_io.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

namespace {

// Variants big / mid / small (top-1 70 / 65 / 50) on a fast node F and a slow node S; latency = period.
//   F: 0.1 / 0.05 / 0.025 s per frame → 10 / 20 / 40 fps      S: 0.5 / 0.25 / 0.125 s → 2 / 4 / 8 fps
awd::CostTable two_nodes() {
  awd::CostTable t;
  t.nodes = {"F", "S"};
  t.variants = {"big", "mid", "small"};
  t.top1 = {70, 65, 50};
  t.top1_source = {"test", "test", "test"};
  t.period_s = {{0.1, 0.05, 0.025}, {0.5, 0.25, 0.125}};
  t.latency_s = t.period_s;
  return t;
}

awd::CostTable drop_node(awd::CostTable t, std::size_t i) {
  t.nodes.erase(t.nodes.begin() + static_cast<long>(i));
  t.period_s.erase(t.period_s.begin() + static_cast<long>(i));
  t.latency_s.erase(t.latency_s.begin() + static_cast<long>(i));
  return t;
}

// Independent brute force: nested loops over every assignment, shares and measures from the formulas directly.
struct Brute {
  double accuracy = 0, fps = 0;
  bool feasible = false;
};
Brute brute_force(const awd::CostTable& t, const awd::Requirement& r, bool equal_split, bool every_node) {
  const int n = static_cast<int>(t.nodes.size()), v = static_cast<int>(t.variants.size());
  Brute best;
  int total = 1;
  for (int i = 0; i < n; ++i) total *= v + 1;
  for (int code = 0; code < total; ++code) {
    std::vector<int> m(static_cast<std::size_t>(n));
    int c = code, used = 0;
    for (int i = 0; i < n; ++i) m[static_cast<std::size_t>(i)] = c % (v + 1) - 1, c /= v + 1;
    double rate = 0, slowest = 0, acc_num = 0, lat = 0;
    for (int i = 0; i < n; ++i) {
      int k = m[static_cast<std::size_t>(i)];
      if (k < 0) continue;
      double p = t.period_s[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)];
      ++used;
      rate += 1 / p;
      slowest = std::max(slowest, p);
      lat = std::max(lat, t.latency_s[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)]);
    }
    if (used == 0 || (every_node && used < n)) continue;
    double fps = equal_split ? used / slowest : rate;
    for (int i = 0; i < n; ++i) {
      int k = m[static_cast<std::size_t>(i)];
      if (k < 0) continue;
      double w = equal_split ? 1.0 / used : (1 / t.period_s[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)]) / rate;
      acc_num += w * t.top1[static_cast<std::size_t>(k)];
    }
    bool ok = (r.goal != awd::Goal::MaxAccuracy || fps >= r.required_fps * (1 - 1e-12)) &&
              (r.goal != awd::Goal::MaxThroughput || acc_num >= r.accuracy_floor - 1e-9) &&
              (r.latency_bound_s <= 0 || lat <= r.latency_bound_s * (1 + 1e-12));
    if (!ok) continue;
    double primary = r.goal == awd::Goal::MaxAccuracy ? acc_num : fps;
    double best_primary = r.goal == awd::Goal::MaxAccuracy ? best.accuracy : best.fps;
    double secondary = r.goal == awd::Goal::MaxAccuracy ? fps : acc_num;
    double best_secondary = r.goal == awd::Goal::MaxAccuracy ? best.fps : best.accuracy;
    if (!best.feasible || primary > best_primary + 1e-9 || (primary > best_primary - 1e-9 && secondary > best_secondary + 1e-9))
      best = {acc_num, fps, true};
  }
  return best;
}

// tiny_model at two widths: conv channels 2 (3904 ops, top-1 "60") and 1 (1376 ops, top-1 "40").
Model tiny_variant(int channels, double top1, const std::string& name) {
  ModelBuilder b(name, Shape{1, 8, 8});
  b.conv("conv1", ConvSpec{.out = channels});
  b.conv("conv2", ConvSpec{.out = channels});
  b.maxpool("pool", PoolSpec{.k = 2});
  b.fc("fc", 10);
  return b.build({top1, "test fixture"});
}

}  // namespace

TEST_CASE("edgesplit::awd::solve: max accuracy under a throughput requirement, two nodes by hand", "[planners]") {
  awd::CostTable t = two_nodes();
  // Required 21 fps, shares ∝ 1/t. Every assignment with big on F reaches at most 10 + 8 = 18 fps. With mid on F:
  //   (mid, big) 20 + 2 = 22 fps, accuracy (20·65 + 2·70)/22 = 1440/22 = 65.4545   ← best
  //   (mid, mid) 24 fps, 65;  (mid, small) 28 fps, (1300 + 400)/28 = 60.71;  (mid, unused) 20 fps ✗.
  // With small on F every mix is at most (40·50 + 2·70)/42 = 50.95.
  awd::Requirement r{awd::Goal::MaxAccuracy, 21, 0, 0};
  awd::Choice c = awd::solve(t, r);
  CHECK(c.feasible);
  CHECK(c.variant == std::vector<int>{1, 0});
  CHECK(c.throughput_fps == Approx(22).epsilon(1e-12));
  CHECK(c.accuracy_top1 == Approx(1440.0 / 22).epsilon(1e-12));
  CHECK(c.share[0] == Approx(20.0 / 22).epsilon(1e-12));
  CHECK(c.share[1] == Approx(2.0 / 22).epsilon(1e-12));
  CHECK(c.latency_max_s == Approx(0.5).epsilon(1e-12));

  SECTION("a latency bound of 0.3 s rules out big on S: (mid, mid) at 65 %, 24 fps") {
    r.latency_bound_s = 0.3;
    awd::Choice d = awd::solve(t, r);
    CHECK(d.variant == std::vector<int>{1, 1});
    CHECK(d.accuracy_top1 == Approx(65).epsilon(1e-12));
    CHECK(d.throughput_fps == Approx(24).epsilon(1e-12));
  }
  SECTION("the reverse: max throughput with accuracy >= 60 %") {
    // Anything with small on F averages at most 51.4 %; with mid on F: (mid, small) 28 fps at 60.71 % is the fastest.
    awd::Choice d = awd::solve(t, {awd::Goal::MaxThroughput, 0, 60, 0});
    CHECK(d.feasible);
    CHECK(d.variant == std::vector<int>{1, 2});
    CHECK(d.throughput_fps == Approx(28).epsilon(1e-12));
    CHECK(d.accuracy_top1 == Approx(1700.0 / 28).epsilon(1e-12));
  }
  SECTION("no requirement: the most accurate variant on every node (ties to throughput: both nodes in use)") {
    awd::Choice d = awd::solve(t, {awd::Goal::MaxAccuracy, 0, 0, 0});
    CHECK(d.variant == std::vector<int>{0, 0});
    CHECK(d.throughput_fps == Approx(12).epsilon(1e-12));
  }
}

TEST_CASE("edgesplit::awd::solve: the baselines' restricted searches on the same table", "[planners]") {
  awd::CostTable t = two_nodes();
  awd::Requirement r{awd::Goal::MaxAccuracy, 21, 0, 0};
  SECTION("partition-only with mid everywhere: (mid, mid) 24 fps at 65 %") {
    awd::Choice c = awd::solve(t, r, {awd::Split::Proportional, 1});
    CHECK(c.variant == std::vector<int>{1, 1});
    CHECK(c.accuracy_top1 == Approx(65));
    CHECK(c.share[0] == Approx(20.0 / 24));
  }
  SECTION("equal split: two nodes give 2 / max t; only F alone with small reaches 21 fps (40 fps, 50 %)") {
    // (mid, mid) 2/0.25 = 8; (small, small) 2/0.125 = 16; (mid, unused) 20; (small, unused) 40.
    awd::Choice c = awd::solve(t, r, {awd::Split::Equal, -1});
    CHECK(c.variant == std::vector<int>{2, -1});
    CHECK(c.throughput_fps == Approx(40));
    CHECK(c.accuracy_top1 == Approx(50));
    // Every node in use (the capability-blind baseline): S's small model caps it at 2/0.125 = 16 fps, short of 21;
    // among the equally short, F may as well run big: (big, small) at (70 + 50)/2 = 60 %.
    awd::Choice d = awd::solve(t, r, {awd::Split::Equal, -1, true});
    CHECK_FALSE(d.feasible);
    CHECK(d.variant == std::vector<int>{0, 2});
    CHECK(d.throughput_fps == Approx(16));
    CHECK(d.accuracy_top1 == Approx(60));
  }
  SECTION("partition-only with big everywhere cannot reach 21 fps: the closest, (big, big) at 12 fps, marked infeasible") {
    awd::Choice c = awd::solve(t, r, {awd::Split::Proportional, 0});
    CHECK_FALSE(c.feasible);
    CHECK(c.variant == std::vector<int>{0, 0});
    CHECK(c.throughput_fps == Approx(12));
    CHECK(c.shortfall == "throughput 12 fps < required 21 fps");
  }
}

TEST_CASE("edgesplit::awd::solve: an infeasible requirement returns the closest assignment, marked", "[planners]") {
  awd::CostTable t = two_nodes();
  // 100 fps is out of reach: the fastest is (small, small) at 40 + 8 = 48 fps.
  awd::Choice c = awd::solve(t, {awd::Goal::MaxAccuracy, 100, 0, 0});
  CHECK_FALSE(c.feasible);
  CHECK(c.variant == std::vector<int>{2, 2});
  CHECK(c.throughput_fps == Approx(48));
  CHECK(c.shortfall == "throughput 48 fps < required 100 fps");
  // An accuracy floor above every variant: the most accurate, all nodes (12 fps at 70 %), short by 10/80.
  awd::Choice d = awd::solve(t, {awd::Goal::MaxThroughput, 0, 80, 0});
  CHECK_FALSE(d.feasible);
  CHECK(d.variant == std::vector<int>{0, 0});
  CHECK(d.shortfall == "accuracy 70 % < floor 80 %");
}

TEST_CASE("edgesplit::awd::solve: re-solving without a device gives the new best", "[planners]") {
  awd::CostTable t = two_nodes();
  awd::Requirement r{awd::Goal::MaxAccuracy, 21, 0, 0};
  REQUIRE(awd::solve(t, r).variant == std::vector<int>{1, 0});
  // S fails: F alone must carry 21 fps; mid gives 20 (✗), small 40 → small at 50 %.
  awd::Choice without_s = awd::solve(drop_node(t, 1), r);
  CHECK(without_s.feasible);
  CHECK(without_s.variant == std::vector<int>{2});
  CHECK(without_s.accuracy_top1 == Approx(50));
  // F fails: S alone reaches 8 fps at most: infeasible, best effort small at 8 fps.
  awd::Choice without_f = awd::solve(drop_node(t, 0), r);
  CHECK_FALSE(without_f.feasible);
  CHECK(without_f.variant == std::vector<int>{2});
  CHECK(without_f.throughput_fps == Approx(8));
}

TEST_CASE("edgesplit::awd::solve: equals an independent brute force on random tables", "[planners]") {
  std::mt19937 rng(12);
  std::uniform_real_distribution<double> period(0.005, 0.5), acc(40, 80), extra(0, 0.05);
  for (int trial = 0; trial < 60; ++trial) {
    awd::CostTable t;
    int n = 1 + trial % 3, v = 2 + trial % 4;
    for (int i = 0; i < n; ++i) t.nodes.push_back(fmt::format("n{}", i));
    for (int k = 0; k < v; ++k) t.variants.push_back(fmt::format("v{}", k)), t.top1.push_back(acc(rng));
    for (int i = 0; i < n; ++i) {
      std::vector<double> p, l;
      for (int k = 0; k < v; ++k) p.push_back(period(rng)), l.push_back(p.back() + extra(rng));
      t.period_s.push_back(p);
      t.latency_s.push_back(l);
    }
    awd::Requirement r;
    r.goal = trial % 2 ? awd::Goal::MaxAccuracy : awd::Goal::MaxThroughput;
    r.required_fps = 5 + trial % 7 * 4;
    r.accuracy_floor = 50 + trial % 5 * 4;
    r.latency_bound_s = trial % 4 == 0 ? 0.3 : 0;
    for (int mode = 0; mode < 3; ++mode) {
      const bool equal = mode > 0, every = mode == 2;
      Brute b = brute_force(t, r, equal, every);
      awd::Choice c = awd::solve(t, r, {equal ? awd::Split::Equal : awd::Split::Proportional, -1, every});
      INFO("trial " << trial << " mode " << mode);
      REQUIRE(c.feasible == b.feasible);
      if (!b.feasible) continue;
      CHECK(c.accuracy_top1 == Approx(b.accuracy).margin(1e-9));
      CHECK(c.throughput_fps == Approx(b.fps).epsilon(1e-9));
    }
  }
}

TEST_CASE("edgesplit::awd::cost_table: whole-model replicas as the analytic executor times them", "[planners]") {
  // Stations A (requester) and B at 1000 B/s each, 1000 ops/s; tiny at 2 channels = 3904 ops, at 1 channel: conv1
  // 1·64·9 = 576, conv2 576, pool 16·4 = 64, fc 16·10 = 160 → 1376 ops.
  Platform p = wifi_platform({"A", "B"}, {1000, 1000});
  std::vector<Model> variants{tiny_variant(2, 60, "tiny2"), tiny_variant(1, 40, "tiny1")};
  awd::CostTable t = awd::cost_table(variants, p, {0, 1}, {"A", 8, 32});
  REQUIRE(t.nodes == std::vector<std::string>{"A", "B"});
  CHECK(t.top1 == std::vector<double>{60, 40});
  // On A: compute only. On B: the 8-bit frame (64 B) crosses the air twice at 1/(1/1000 + 1/1000) = 500 B/s → 0.128 s;
  // the 32-bit result (10 × 4 = 40 B) → 0.08 s.
  CHECK(t.latency_s[0][0] == Approx(3.904).margin(1e-12));
  CHECK(t.latency_s[0][1] == Approx(1.376).margin(1e-12));
  CHECK(t.latency_s[1][0] == Approx(0.128 + 3.904 + 0.08).margin(1e-12));
  CHECK(t.latency_s[1][1] == Approx(0.128 + 1.376 + 0.08).margin(1e-12));
  // One replica's stream: B receives, computes, returns, then takes the next frame (its role cycle).
  CHECK(t.period_s[1][0] == Approx(0.128 + 3.904 + 0.08).margin(1e-12));
  CHECK(t.period_s[0][1] == Approx(1.376).margin(1e-12));
}

TEST_CASE("edgesplit::awd::variant_models: the MobileNet-V1 grid and named lists", "[planners]") {
  auto grid = awd::variant_models("mobilenet_v1");
  REQUIRE(grid.size() == 16);
  CHECK(grid.front().name == "mobilenet_v1_1.0_224");
  CHECK(grid.front().facts.top1 == Approx(70.9));  // TF-slim mobilenet_v1.md (papers.md §7.2)
  CHECK(grid.back().name == "mobilenet_v1_0.25_128");
  CHECK(grid.back().facts.top1 == Approx(41.5));
  auto two = awd::variant_models("mobilenet_v2, resnet18");
  REQUIRE(two.size() == 2);
  CHECK(two[1].facts.top1 == Approx(69.758));
  CHECK_THROWS_WITH(awd::variant_models("mobilenet_v1_1.0_225"),
                    Catch::Contains("planner.options.variants") && Catch::Contains("unknown model 'mobilenet_v1_1.0_225'"));
  CHECK_THROWS_WITH(awd::variant_models(" , "), Catch::Contains("expected 'mobilenet_v1' or a comma-separated list"));
}

namespace {

// Compute-only work of a model on a unit_profile device: MACs + pool/eltwise ops, all at the same rate.
double work_ops(const Model& m) {
  double w = 0;
  for (const auto& l : m.layers) w += static_cast<double>(layer_macs(l) + layer_other_ops(l));
  return w;
}

// A (requester, 1 G op/s) and B (4 G op/s) on an air so fast (1e12 B/s, no latency) that transfers are negligible.
Platform two_boards() {
  Platform p = wifi_platform({"A", "B"}, {1e12, 1e12});
  p.devices[0].profile = unit_profile("A", 1e9);
  p.devices[1].profile = unit_profile("B", 4e9);
  return p;
}

awd::Distribution distribute_on(const Platform& p, const Model& m, nlohmann::json options,
                                Objective objective = Objective::Accuracy, Constraints constraints = {}) {
  PlanningInput in{m, p, objective, constraints, 1, std::move(options), analytic_evaluator(m, p)};
  return awd::distribute(in);
}

}  // namespace

TEST_CASE("edgesplit::awd::distribute: options, the slow node gets the small model, re-planning without a device",
          "[planners]") {
  Model big = zoo_model("mobilenet_v1_1.0_224"), small = zoo_model("mobilenet_v1_0.5_160");
  const double wb = work_ops(big), ws = work_ops(small);  // ≈ 0.569 G and 0.077 G ops (papers.md §7.2: 569 / 77 M MACs)
  REQUIRE(wb == Approx(569e6).epsilon(0.01));
  REQUIRE(ws == Approx(77e6).epsilon(0.02));
  // Rates (fps): A big 1e9/wb ≈ 1.76, A small ≈ 13.0; B big ≈ 7.03, B small ≈ 51.9. Top-1: big 70.9, small 59.1.
  const double a_big = 1e9 / wb, a_small = 1e9 / ws, b_big = 4e9 / wb, b_small = 4e9 / ws;
  Platform p = two_boards();
  nlohmann::json opt = {{"variants", "mobilenet_v1_1.0_224, mobilenet_v1_0.5_160"}, {"required_fps", 10.0}};

  // 10 fps: (big, big) 8.8 ✗; (small, big) 20.0 at (13.0·59.1 + 7.03·70.9)/20.0 ≈ 63.2 %; (big, small) 53.7 at
  // ≈ 59.5 %; (small, small) 64.9 at 59.1 %; B alone with big 7.03 ✗. Best: the small model on the slow board.
  awd::Distribution d = distribute_on(p, big, opt);
  REQUIRE(d.choice.feasible);
  REQUIRE(d.replicas.size() == 2);
  CHECK(d.replicas[0].stages[0].pieces[0].device == "A");
  CHECK(d.replicas[0].model_variant == "mobilenet_v1_0.5_160");
  CHECK(d.replicas[1].model_variant.empty());  // the scenario's own model runs as given
  CHECK(d.replicas[1].source == "A");
  CHECK(d.replicas[1].sink == "A");
  CHECK(d.choice.throughput_fps == Approx(a_small + b_big).epsilon(1e-4));
  CHECK(d.shares[0] == Approx(a_small / (a_small + b_big)).epsilon(1e-4));
  CHECK(d.choice.accuracy_top1 == Approx((a_small * 59.1 + b_big * 70.9) / (a_small + b_big)).epsilon(1e-4));
  CHECK_THAT(d.note, Catch::StartsWith(fmt::format("awd joint: A mobilenet_v1_0.5_160 {:.3f}, B mobilenet_v1_1.0_224 {:.3f}",
                                                   d.shares[0], 1 - d.shares[0])));

  SECTION("30 fps: the small model moves to the fast board (big, small) at ≈ 59.5 %") {
    opt["required_fps"] = 30.0;
    awd::Distribution e = distribute_on(p, big, opt);
    CHECK(e.replicas[0].model_variant.empty());
    CHECK(e.replicas[1].model_variant == "mobilenet_v1_0.5_160");
    CHECK(e.choice.throughput_fps == Approx(a_big + b_small).epsilon(1e-4));
  }
  SECTION("B fails: re-planning on the platform without it leaves A alone, small (13.0 fps, 59.1 %)") {
    Platform only_a = p;
    only_a.devices.pop_back();
    awd::Distribution e = distribute_on(only_a, big, opt);
    REQUIRE(e.replicas.size() == 1);
    CHECK(e.replicas[0].model_variant == "mobilenet_v1_0.5_160");
    CHECK(e.choice.accuracy_top1 == Approx(59.1));
  }
  SECTION("the reverse goal from the scenario objective: max throughput with top-1 >= 63 %") {
    // (small, big) 20.0 fps at 63.2 % is the fastest mix over the floor; (big, small) is at 59.5 %.
    opt.erase("required_fps");
    awd::Distribution e = distribute_on(p, big, opt, Objective::Throughput, Constraints{0, 0, 63});
    CHECK(e.requirement.goal == awd::Goal::MaxThroughput);
    CHECK(e.choice.variant == std::vector<int>{1, 0});
    CHECK(e.choice.throughput_fps == Approx(a_small + b_big).epsilon(1e-4));
  }
  SECTION("partition-only with the scenario's model (1.0_224) cannot reach 10 fps: best effort, or an error") {
    opt["strategy"] = "partition_only";
    awd::Distribution e = distribute_on(p, big, opt);
    CHECK_FALSE(e.choice.feasible);
    CHECK(e.choice.throughput_fps == Approx(a_big + b_big).epsilon(1e-4));  // ≈ 8.79 fps
    CHECK_THAT(e.note, Catch::Contains("requirement NOT met: throughput 8.791 fps < required 10 fps"));
    opt["on_infeasible"] = "error";
    CHECK_THROWS_WITH(distribute_on(p, big, opt),
                      Catch::Contains("planner.options.required_fps: planner 'awd' (partition_only) cannot meet the "
                                      "requirement on this platform: throughput 8.791 fps < required 10 fps"));
  }
  SECTION("equal split with the best fixed model: small on both boards (every one in use), 2 / max(t) = 2 · 13.0 fps") {
    opt["strategy"] = "equal_split";
    opt["fixed_model"] = "best";
    awd::Distribution e = distribute_on(p, big, opt);
    CHECK(e.choice.feasible);
    CHECK(e.choice.variant == std::vector<int>{1, 1});
    CHECK(e.choice.throughput_fps == Approx(2 * a_small).epsilon(1e-4));
    CHECK(e.shares == std::vector<double>{0.5, 0.5});
  }
}

// Figures for scripts/bench_awd.sh (hidden: prints, asserts nothing about time).
TEST_CASE("edgesplit::awd bench: Odroid XU4 + Pi 4 + Jetson Nano against partition-only and fixed-model baselines",
          "[.bench]") {
  Platform p = load_platform(std::string(EDGESPLIT_SOURCE_DIR) + "/platforms/clusters/awd_odroid_pi4_nano.yaml");
  Model given = zoo_model("mobilenet_v1_1.0_224");
  struct Row { std::string name; nlohmann::json options; };
  const std::vector<Row> rows = {
      {"awd", {{"strategy", "joint"}}},
      {"partition_only", {{"strategy", "partition_only"}, {"fixed_model", "best"}}},
      {"equal_split", {{"strategy", "equal_split"}, {"fixed_model", "best"}}},
      {"accuracy_only", {{"strategy", "accuracy_only"}}},
  };
  auto run = [&](nlohmann::json opt, Objective obj, Constraints c, double& ms) {
    auto t0 = std::chrono::steady_clock::now();
    awd::Distribution d = distribute_on(p, given, std::move(opt), obj, c);
    ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return d;
  };
  auto describe = [](const awd::Distribution& d) {
    std::string s;
    for (std::size_t i = 0; i < d.table.nodes.size(); ++i)
      if (int m = d.choice.variant[i]; m >= 0)
        s += fmt::format("{}{}:{}@{:.2f}", s.empty() ? "" : " ", d.table.nodes[i],
                         d.table.variants[static_cast<std::size_t>(m)].substr(13), d.choice.share[i]);
    return s;
  };
  fmt::print("# accuracy at a throughput requirement (goal accuracy); fps and top-1 simulated (analytic executor per "
             "replica, closed-form shares), top-1 published (TF-slim), plan_ms measured\n");
  fmt::print("{:>6} {:<15} {:>4} {:>9} {:>8} {:>8}  {}\n", "req", "strategy", "ok", "fps", "top1", "plan_ms", "choice");
  for (double req = 20; req <= 140; req += 20)
    for (const auto& row : rows) {
      nlohmann::json opt = row.options;
      opt["required_fps"] = req;
      double ms = 0;
      awd::Distribution d = run(opt, Objective::Accuracy, {}, ms);
      fmt::print("{:>6.0f} {:<15} {:>4} {:>9.2f} {:>8.2f} {:>8.2f}  {}\n", req, row.name, d.choice.feasible ? "yes" : "no",
                 d.choice.throughput_fps, d.choice.accuracy_top1, ms, describe(d));
    }
  fmt::print("# throughput at an accuracy floor (goal throughput)\n");
  for (double floor : {45.0, 50.0, 55.0, 60.0, 65.0, 70.0})
    for (const auto& row : rows) {
      nlohmann::json opt = row.options;
      opt["goal"] = "throughput";
      opt["accuracy_floor"] = floor;
      double ms = 0;
      awd::Distribution d = run(opt, Objective::Throughput, {}, ms);
      fmt::print("{:>6.0f} {:<15} {:>4} {:>9.2f} {:>8.2f} {:>8.2f}  {}\n", floor, row.name,
                 d.choice.feasible ? "yes" : "no", d.choice.throughput_fps, d.choice.accuracy_top1, ms, describe(d));
    }
}

TEST_CASE("edgesplit::awd: re-planned at a failure by the runner, the stream continues on the boards left",
          "[planners]") {
  // two_boards(), 10 fps required and offered (periodic, 40 frames over 3.9 s). Before 2.05 s: the small model on A
  // (shares ≈ 0.65) and the big one on B (≈ 0.35), as in the distribute test. B fails at 2.05 s: the runner asks the
  // planner again on the platform without B, which leaves A alone with the small model (13.0 fps >= 10, 59.1 %).
  Scenario sc;
  sc.name = "awd_failure";
  sc.model = zoo_model("mobilenet_v1_1.0_224");
  sc.platform = two_boards();
  sc.planner = "awd";
  sc.planner_options = {{"variants", "mobilenet_v1_1.0_224, mobilenet_v1_0.5_160"}, {"required_fps", 10.0}};
  sc.workload = {40, Arrival::Periodic, 10.0};
  sc.objective = Objective::Accuracy;
  sc.dynamics.push_back({DynamicsEvent::Kind::Failure, 2.05, "B", 0, "", 0});
  Plan first = plan_scenario(sc);
  REQUIRE(first.replicas.size() == 2);
  RunResult r = run_analytic(make_scenario_job(sc, first));
  INFO(r.provenance["replanning"]);
  CHECK_THAT(r.provenance["replanning"], Catch::Contains("t=2.05 s: awd joint: A mobilenet_v1_0.5_160 1.000;"));
  // Only a frame in flight on B at 2.05 s can be lost (B takes 0.142 s a frame); every other frame completes.
  CHECK(r.frames_failed <= 1);
  CHECK(r.frames_completed + r.frames_failed == 40);
  // After the switch A serves every frame alone, 0.077 s each, within the 0.1 s between arrivals: no queue.
  const double small_on_a_s = work_ops(zoo_model("mobilenet_v1_0.5_160")) / 1e9;
  for (const auto& f : r.frames)
    if (f.ok && f.arrival_s > 2.2) CHECK(f.completion_s - f.arrival_s == Approx(small_on_a_s).epsilon(1e-3));
  // Accuracy of the run: between the small model alone and the first deployment's mix.
  CHECK(r.accuracy_top1 > 59.1);
  CHECK(r.accuracy_top1 < first.accuracy_top1);
}
