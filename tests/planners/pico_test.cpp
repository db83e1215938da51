// edgesplit planner pico: graph partition, PICO's cost model by hand, the homogeneous DP against exhaustive
// enumeration under the same cost model, Alg. 2's balanced cuts, APICO's Theorem 2, and the VGG-16 × 8 plan.
// A hidden case ([.bench]) prints timings and the 1–8 device table for scripts/bench_seed_planners.sh.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <chrono>
#include <functional>

#include "planners/pico.hpp"
#include "planners/registry.hpp"
#include "sim/model/zoo.hpp"
#include "sim/plan/task_graph.hpp"
#include "sim/scenario/profile_io.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

namespace {

Plan run_planner(const std::string& name, const Model& m, const Platform& p,
                 nlohmann::json options = nlohmann::json::object()) {
  PlanningInput in{m, p, Objective::Throughput, {}, 1, options, analytic_evaluator(m, p)};
  Plan plan = planner_entry(name).make()->plan(in);
  validate(plan, m, p);
  return plan;
}

// Input 1×12×12 → c1 → c2 → pool → c3 → c4 → fc 10 (3×3 pad-1 convs, 2 channels): pieces c1 | c2+pool | c3 | c4 | fc.
Model chain_model() {
  ModelBuilder b("chain5", Shape{1, 12, 12});
  b.conv("c1", ConvSpec{.out = 2});
  b.conv("c2", ConvSpec{.out = 2});
  b.maxpool("pool", PoolSpec{.k = 2});
  b.conv("c3", ConvSpec{.out = 2});
  b.conv("c4", ConvSpec{.out = 2});
  b.fc("fc", 10);
  return b.build();
}

// PICO's ICDCS'21 testbed: n Raspberry Pi 4B restricted to one core at `pstate`, every station at 50 Mbps.
Platform pico_testbed(int n, const std::string& pstate = "1GHz", double mbps = 50) {
  Profile prof = load_profile(std::string(EDGESPLIT_SOURCE_DIR) + "/platforms/devices/rpi4b_pico.yaml");
  Platform p;
  p.name = fmt::format("rpi4b_pico_x{}", n);
  for (int i = 0; i < n; ++i) {
    Device d;
    d.name = fmt::format("pi{}", i);
    d.profile = prof;
    d.pstate = prof.pstate_index(pstate);
    d.wifi_rate_Bps = mbps * 1e6 / 8;
    p.devices.push_back(d);
  }
  p.requester = "pi0";
  return p;
}

// Exhaustive search over every chain of stages (cut set), device count per stage (total ≤ devices) and grid shape
// per stage, each candidate built as a Plan with equal grids and scored by pico::cost — independent of the DP's table.
double exhaustive_period(const Model& m, const Platform& p, int devices, double cap = pico::kInf) {
  auto pieces = pico::partition_pieces(m);
  int n = static_cast<int>(pieces.size());
  double best = pico::kInf;
  for (int mask = 0; mask < (1 << (n - 1)); ++mask) {
    std::vector<std::pair<int, int>> stages;  // piece ranges
    int start = 0;
    for (int k = 0; k < n; ++k)
      if (k == n - 1 || (mask >> k & 1)) {
        stages.push_back({start, k});
        start = k + 1;
      }
    // Every (p_s, grid_s) per stage, recursively.
    Plan plan;
    plan.source = plan.sink = p.devices[0].name;
    plan.pipelined = true;
    std::function<void(std::size_t, int)> rec = [&](std::size_t s, int next_device) {
      if (s == stages.size()) {
        pico::Cost c = pico::cost(plan, m, p);
        if (c.latency_s <= cap) best = std::min(best, c.period_s);
        return;
      }
      const Layer& last = m.layers[static_cast<std::size_t>(pieces[static_cast<std::size_t>(stages[s].second)].last_layer)];
      for (int q = 1; next_device + q <= devices; ++q)
        for (int r = 1; r <= q; ++r) {
          if (q % r || r > last.out.h || q / r > last.out.w) continue;
          Stage st;
          st.first_layer = pieces[static_cast<std::size_t>(stages[s].first)].first_layer;
          st.last_layer = pieces[static_cast<std::size_t>(stages[s].second)].last_layer;
          auto tiles = pico::equal_grid(last.out, r, q / r);
          for (int k = 0; k < q; ++k) st.pieces.push_back({p.devices[static_cast<std::size_t>(next_device + k)].name, tiles[static_cast<std::size_t>(k)]});
          plan.stages.push_back(st);
          rec(s + 1, next_device + q);
          plan.stages.pop_back();
        }
    };
    rec(0, 0);
  }
  return best;
}

}  // namespace

TEST_CASE("edgesplit::pico partition_pieces: chain pieces, blocks stay whole", "[planners][pico]") {
  SECTION("VGG-16: 13 conv pieces (each pool joins its conv) and 3 FC pieces") {
    Model vgg = zoo_model("vgg16");
    auto pieces = pico::partition_pieces(vgg);
    REQUIRE(pieces.size() == 16);
    // layers: 1 conv1_1, 2 conv1_2, 3 pool1, ...
    CHECK(pieces[1].first_layer == 2);
    CHECK(pieces[1].last_layer == 3);
    CHECK(vgg.layers[static_cast<std::size_t>(pieces[12].last_layer)].name == "pool5");
    CHECK(vgg.layers[static_cast<std::size_t>(pieces[15].last_layer)].name == "fc8");
  }
  SECTION("ResNet-18: no cut inside a residual block") {
    Model r = zoo_model("resnet18");
    auto pieces = pico::partition_pieces(r);
    auto cons = r.consumers();
    for (const auto& pc : pieces)
      for (int u = pc.first_layer; u < pc.last_layer; ++u)
        for (int v : cons[static_cast<std::size_t>(u)]) CHECK(v <= pc.last_layer);  // nothing leaves mid-piece
    // stem (conv1 + maxpool), 8 basic blocks (global pool joins the last), fc.
    CHECK(pieces.size() == 10);
  }
}

TEST_CASE("edgesplit::pico cost: eqs. 2-11 on a hand-computed two-stage plan", "[planners][pico]") {
  Model m = tiny_model();  // conv1 1152 MACs, conv2 2304, pool 128 ops, fc 320, all 8×8 then 4×4
  Platform p = wifi_platform({"A", "B"}, {1000, 1000});
  Plan plan;
  plan.source = plan.sink = "A";
  Stage s0;
  s0.first_layer = 1;
  s0.last_layer = 3;
  s0.split = SplitKind::Tiles;
  s0.pieces = {{"A", {0, 2, 0, 4}}, {"B", {2, 4, 0, 4}}};
  plan.stages.push_back(s0);
  plan.stages.push_back(whole_stage(m, 4, 4, "A"));
  pico::Cost c = pico::cost(plan, m, p);
  // A: pool rows [0,2) → conv2 rows [0,4) → conv1 rows [0,5) → input rows [0,6). Work 128·8/16 + 2304·32/64 +
  // 1152·40/64 = 64 + 1152 + 720 = 1936 at 1000/s = 1.936 s; B is the mirror image. b = 1/(2·(1/1000)) = 500 B/s.
  // Each device: in 6·8·1·4 B = 192 B, out 2·4·2·4 B = 64 B → 2·256 B / 500 = 1.024 s.
  REQUIRE(c.stages.size() == 2);
  CHECK(c.stages[0].comp_s == Approx(1.936).margin(1e-12));
  CHECK(c.stages[0].comm_s == Approx(1.024).margin(1e-12));
  // fc: 320 / 1000 = 0.32 s; in 32·4 = 128 B, out 10·4 = 40 B → 168 / 500 = 0.336 s.
  CHECK(c.stages[1].time_s() == Approx(0.656).margin(1e-12));
  CHECK(c.period_s == Approx(2.96).margin(1e-12));
  CHECK(c.latency_s == Approx(3.616).margin(1e-12));
}

TEST_CASE("edgesplit::pico homogeneous_dp: period equals the exhaustive optimum", "[planners][pico]") {
  Model m = chain_model();
  for (double rate : {20.0, 400.0, 1e5}) {
    for (int devices : {1, 2, 3, 4}) {
      std::vector<std::string> names;
      std::vector<double> rates;
      for (int k = 0; k < devices; ++k) {
        names.push_back(fmt::format("d{}", k));
        rates.push_back(rate);
      }
      Platform p = wifi_platform(names, rates);
      pico::StageTable ts(m, pico::partition_pieces(m), pico::device_capacity(p.devices[0]), devices,
                          pico::shared_bandwidth_Bps(p), 32);
      pico::DpResult dp = pico::homogeneous_dp(ts);
      double oracle = exhaustive_period(m, p, devices);
      INFO("station rate " << rate << " B/s, " << devices << " devices");
      CHECK(dp.period_s == Approx(oracle).epsilon(1e-12));
      // The plan PICO outputs keeps that period (re-sizing is accepted only when it lowers a stage's time).
      Plan plan = run_planner("pico", m, p);
      CHECK(pico::cost(plan, m, p).period_s <= dp.period_s * (1 + 1e-12));
      CHECK(plan.pipelined);
      if (rate == 1e5 && devices == 4) CHECK(dp.stages.size() >= 2);  // fast network: a real pipeline wins
    }
  }
}

TEST_CASE("edgesplit::pico homogeneous_dp: under a latency cap, the exhaustive capped optimum", "[planners][pico]") {
  Model m = chain_model();
  int feasible = 0, infeasible = 0;
  for (double rate : {400.0, 2000.0, 1e5}) {
    Platform p = wifi_platform({"a", "b", "c", "d"}, {rate, rate, rate, rate});
    pico::StageTable ts(m, pico::partition_pieces(m), pico::device_capacity(p.devices[0]), 4,
                        pico::shared_bandwidth_Bps(p), 32);
    pico::DpResult free = pico::homogeneous_dp(ts);
    for (double f = 1.0; f > 0.3; f -= 0.05) {
      double cap = f * free.latency_s;
      pico::DpResult capped = pico::homogeneous_dp(ts, cap);
      double oracle = exhaustive_period(m, p, 4, cap);
      INFO("rate " << rate << " B/s, cap " << cap << " s");
      if (oracle == pico::kInf) {
        CHECK_FALSE(capped.feasible());
        ++infeasible;
        continue;
      }
      REQUIRE(capped.feasible());
      CHECK(capped.period_s == Approx(oracle).epsilon(1e-12));
      CHECK(capped.latency_s <= cap);
      ++feasible;
    }
  }
  CHECK(feasible >= 3);   // each free optimum itself
  CHECK(infeasible >= 3);  // caps below every pipeline's latency are refused
}

TEST_CASE("edgesplit::pico balance_cuts and Alg. 2 on heterogeneous devices", "[planners][pico]") {
  // 10 units, speeds 3 and 1: cut 7 → max(7/3, 3) = 3; cut 8 → max(8/3, 2) = 2.67; cut 9 → 3. Best: 8.
  auto cuts = pico::balance_cuts(10, 2, [](int k, int a, int b) { return (b - a) / (k == 0 ? 3.0 : 1.0); });
  CHECK(cuts == std::vector<int>{0, 8, 10});

  // Two fast and two slow stations on one fused stage: the re-sized tiles give the fast devices more rows and cut
  // the stage's compute time below the equal split's.
  Model m = chain_model();
  Platform p = wifi_platform({"f1", "f2", "s1", "s2"}, {1e7, 1e7, 1e7, 1e7});
  p.devices[0].profile = unit_profile("fast", 3000);
  p.devices[1].profile = unit_profile("fast", 3000);
  Plan balanced = run_planner("pico", m, p);
  Plan equal = run_planner("pico", m, p, {{"resize", false}});
  CHECK(pico::cost(balanced, m, p).period_s < pico::cost(equal, m, p).period_s);
  // Alg. 2: the fastest device goes to the stage with the largest per-device requirement. The DP (on the mean
  // device) makes stages c1..pool on 3 devices and c3..fc on 1: Θ'/|D'| = (2592 + 5184 + 288 + halo) / 3 ≈ 2700
  // against (1296 + 1296 + 720) / 1 = 3312, so f1 takes the single-device tail.
  REQUIRE(balanced.stages.size() == 2);
  REQUIRE(balanced.stages[1].pieces.size() == 1);
  CHECK(balanced.stages[1].pieces[0].device == "f1");
}

TEST_CASE("edgesplit::pico APICO: Theorem 2 and the load-dependent switch", "[planners][pico]") {
  // p = 2, t = 3, λ = 0.25: ρ = 0.5 → 2·1.5 / (2·0.5) + 3 = 6.
  CHECK(pico::apico_average_latency_s(2, 3, 0.25) == Approx(6.0).margin(1e-12));
  CHECK(pico::apico_average_latency_s(2, 3, 0.5) == pico::kInf);  // ρ = 1: unstable
  Model vgg = zoo_model("vgg16");
  Platform p = pico_testbed(8);
  Plan light = run_planner("pico", vgg, p, {{"apico", true}, {"arrival_rate_hz", 0.0}});
  CHECK_FALSE(light.pipelined);  // idle cluster: one frame at a time on the fused scheme is faster
  Plan pipe = run_planner("pico", vgg, p);
  double period = pico::cost(pipe, vgg, p).period_s;
  // Just below the pipeline's capacity the fused scheme (period = its latency > the pipeline's period) is unstable.
  Plan heavy = run_planner("pico", vgg, p, {{"apico", true}, {"arrival_rate_hz", 0.95 / period}});
  CHECK(heavy.pipelined);
}

TEST_CASE("edgesplit::pico VGG-16 on 8 Raspberry Pi 4B at 50 Mbps: several multi-device stages", "[planners][pico]") {
  Model vgg = zoo_model("vgg16");
  Platform p = pico_testbed(8);
  Plan plan = run_planner("pico", vgg, p);
  int multi = 0;
  for (const auto& st : plan.stages) multi += st.pieces.size() > 1;
  CHECK(multi >= 2);
  CHECK(plan.pipelined);
  pico::Cost c = pico::cost(plan, vgg, p);
  pico::Cost one = pico::cost(run_planner("pico", vgg, pico_testbed(1)), vgg, pico_testbed(1));
  // PICO's Fig. (period vs n, 1 GHz): 22.6 s → 4.8 s, a 4.7× scaling (papers.md §8.2 check 3). Our profile and
  // model give their own absolute numbers; the scaling must be of that order (±40 %: our comm model is eq. 8's).
  INFO("period 1 device " << one.period_s << " s, 8 devices " << c.period_s << " s");
  CHECK(one.period_s / c.period_s == Approx(4.7).epsilon(0.4));
  // The analytic executor runs the same plan: its period is bounded below by PICO's compute term.
  Evaluation ev = evaluate(build_task_graph(plan, vgg, p), p);
  CHECK(ev.period_s > 0);
}

TEST_CASE("edgesplit::pico bench: planning time and the 1-8 device table", "[.bench]") {
  Model vgg = zoo_model("vgg16");
  fmt::print("# PICO on VGG-16, rpi4b_pico @1GHz, 50 Mbps stations (PICO-model figures simulated; times measured)\n");
  fmt::print("{:>2} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12} {:>10}\n", "n", "pico_T_s", "pico_lat_s",
             "fused_T_s", "exec_T_s", "exec_lat_s", "stages", "plan_ms");
  for (int n = 1; n <= 8; ++n) {
    Platform p = pico_testbed(n);
    auto t0 = std::chrono::steady_clock::now();
    Plan plan = run_planner("pico", vgg, p);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    pico::Cost c = pico::cost(plan, vgg, p);
    pico::StageTable ts(vgg, pico::partition_pieces(vgg), pico::device_capacity(p.devices[0]), n,
                        pico::shared_bandwidth_Bps(p), 32);
    pico::DpResult fc = pico::best_fused(ts);
    Evaluation ev = evaluate(build_task_graph(plan, vgg, p), p);
    std::string shape;
    for (const auto& st : plan.stages) shape += fmt::format("{}{}", shape.empty() ? "" : "+", st.pieces.size());
    fmt::print("{:>2} {:>12.3f} {:>12.3f} {:>12.3f} {:>12.3f} {:>12.3f} {:>12} {:>10.2f}\n", n, c.period_s,
               c.latency_s, fc.latency_s, ev.period_s, ev.latency_s, shape, ms);
  }
  // PICO against the fused (one frame at a time) baselines the paper compares with, all under the analytic executor:
  // a non-pipelined plan's period is its latency (the next frame starts when the previous one is done).
  fmt::print("\n# Period / latency (s) under the analytic executor, same testbed (simulated): PICO vs fused baselines\n");
  const std::vector<std::string> names{"pico", "aofl", "deepthings", "deeperthings", "even", "local"};
  fmt::print("{:>2}", "n");
  for (const auto& name : names) fmt::print(" {:>13}_T {:>11}_lat", name, name);
  fmt::print("\n");
  for (int n = 1; n <= 8; ++n) {
    Platform p = pico_testbed(n);
    fmt::print("{:>2}", n);
    for (const auto& name : names) {
      Plan plan = run_planner(name, vgg, p);
      Evaluation ev = evaluate(build_task_graph(plan, vgg, p), p);
      double period = plan.pipelined ? ev.period_s : ev.latency_s;
      fmt::print(" {:>15.3f} {:>15.3f}", period, ev.latency_s);
    }
    fmt::print("\n");
  }
}
