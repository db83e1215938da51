// edgesplit planner `halp` (HALP, ICC'22 / EW'22 prototype): the geometry and schedule of a three-device case solved by
// hand (ratio, integer rows, the overlapping zone on the host, the latency), the ratio search against a brute force,
// VGG-16 on three Raspberry Pi 4, model selection against an independent brute force over the 16 MobileNet-V1
// variants and its monotone response to bandwidth, an end-to-end bandwidth trace (service reliability of HALP with
// selection against stand-alone computation), and the errors.
#include <catch2/catch.hpp>

#include <chrono>
#include <fmt/format.h>

#include "planners/halp.hpp"
#include "sim/common/error.hpp"
#include "sim/exec/analytic.hpp"
#include "sim/model/zoo.hpp"
#include "sim/scenario/platform_io.hpp"
#include "sim/scenario/profile_io.hpp"
#include "tests/planners/planner_test_util.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

namespace {

// Input 1×12×4 → conv1 3×3/1/1 → 1×12×4 → conv2 3×3/1/1 → 1×12×4. A row of either conv: 4 outputs × 9 MACs = 36 MACs.
Model strip() {
  ModelBuilder b("strip", Shape{1, 12, 4});
  b.conv("conv1", ConvSpec{.out = 1});
  b.conv("conv2", ConvSpec{.out = 1});
  return b.build();
}

// H (the requester, HALP's host), S1, S2: 36 MACs/s (1 s per conv row, no fixed cost), 32 B/s per station, so a
// station-to-station row (4 float32 = 16 B) crosses the air twice in 1 s; no latency.
Platform three() {
  Platform p = wifi_platform({"H", "S1", "S2"}, {32, 32, 32});
  for (auto& d : p.devices) d.profile = unit_profile(d.name, 36);
  return p;
}

Region rows(int r0, int r1, int w) { return Region{r0, r1, 0, w}; }

}  // namespace

TEST_CASE("edgesplit::halp: the strip on S1 | H | S2 solved by hand", "[planners]") {
  const Model m = strip();
  const Platform p = three();
  const halp::Setup s = halp::make_setup("H", {"S1", "S2"});
  REQUIRE(s.layout == std::vector<std::string>{"S1", "H", "S2"});
  REQUIRE(halp::spatial_prefix(m) == 2);
  REQUIRE(halp::blocks_of(m, 2, halp::BlockScheme::Downsample) == std::vector<std::pair<int, int>>{{1, 2}});

  SECTION("the closed-form ratio") {
    // Per block-end row every device spends c = 1 s (conv1) + 1 s (conv2) = 2 s. The overlapping zone at one boundary:
    // a host strip [6, 12) of conv2 needs conv1 rows [5, 12), one row past the boundary → ε = 1 s on any device.
    // Secondaries: 2·n_i − 1 = T; host: 2·n_H + 2·1 = T; n_1 + n_H + n_2 = 12 → T (1/2 + 1/2 + 1/2) = 12 + 2/2 − 2·(1/2)
    // → T = 8, n_i = 4.5, n_H = 3. Largest remainder (ties to the upper segment): 5 / 3 / 4.
    CHECK(halp::balanced_rows(m, p, s, {1, 2}) == std::vector<int>{5, 3, 4});
  }

  // The partition the search finds (below): 4 / 4 / 4 rows of conv2.
  halp::Partition part{{{1, 2}}, {{4, 4, 4}}};

  SECTION("the overlapping zone is computed on the host") {
    auto parts = halp::layer_parts(m, s, part);
    // conv2: the segments themselves. conv1: the host's cone of conv2 rows [4, 8) is conv1 [3, 9): rows 3 and 8 lie in
    // S1's and S2's segments (the overlapping zone RFS would compute twice); the secondaries compute the rest.
    REQUIRE(parts[2].size() == 3);
    CHECK(parts[2][0].device == "S1");
    CHECK(parts[2][0].region == rows(0, 4, 4));
    CHECK(parts[2][1].device == "H");
    CHECK(parts[2][1].region == rows(4, 8, 4));
    CHECK(parts[2][2].region == rows(8, 12, 4));
    REQUIRE(parts[1].size() == 3);
    CHECK(parts[1][0].region == rows(0, 3, 4));
    CHECK(parts[1][1].device == "H");
    CHECK(parts[1][1].region == rows(3, 9, 4));
    CHECK(parts[1][2].region == rows(9, 12, 4));
    // The order each device computes its pieces: at conv1 the host's halo rows (what S1 and S2 need for conv2:
    // S1's conv2 [0, 4) needs conv1 [0, 5), i.e. host rows 3-4; S2's needs host rows 7-8) before its middle rows; at
    // conv2 each secondary's interior (inputs all its own) before its edge rows (which wait for the halo).
    std::vector<Piece> c1 = halp::layer_pieces(m, parts, 1, 2, true);
    std::vector<Piece> want1 = {{"H", rows(3, 5, 4)}, {"H", rows(7, 9, 4)}, {"S1", rows(0, 3, 4)},
                                {"H", rows(5, 7, 4)}, {"S2", rows(9, 12, 4)}};
    REQUIRE(c1.size() == want1.size());
    for (std::size_t i = 0; i < c1.size(); ++i) {
      CHECK(c1[i].device == want1[i].device);
      CHECK(c1[i].region == want1[i].region);
    }
    std::vector<Piece> c2 = halp::layer_pieces(m, parts, 2, 2, true);
    std::vector<Piece> want2 = {{"S1", rows(0, 2, 4)}, {"S2", rows(10, 12, 4)}, {"S1", rows(2, 4, 4)},
                                {"H", rows(4, 8, 4)}, {"S2", rows(8, 10, 4)}};
    REQUIRE(c2.size() == want2.size());
    for (std::size_t i = 0; i < c2.size(); ++i) {
      CHECK(c2[i].device == want2[i].device);
      CHECK(c2[i].region == want2[i].region);
    }
    // Without the overlap schedule: one piece per device and layer.
    CHECK(halp::layer_pieces(m, parts, 1, 2, false).size() == 3);
  }

  SECTION("the latency by hand") {
    Plan plan = halp::build_plan(m, s, part, "H", true);
    validate(plan, m, p);
    CHECK(plan.sequential_devices);
    // Every stage's pieces: integer rows that add up to the layer's 12 rows.
    for (const Stage& st : plan.stages) {
      int sum = 0;
      for (const Piece& pc : st.pieces) sum += pc.region.rows();
      CHECK(sum == 12);
    }
    // Host H (1 s a row, one piece at a time): conv1 halo [3,5) 0-2, halo [7,9) 2-4, middle [5,7) 4-6; conv2 [4,8)
    // 6-10. S1: its input rows [0,4) arrive at 4 (4 rows at 1 row/s, sent at 0); conv1 [0,3) 4-7; conv2 interior
    // [0,2) 7-9, sent to H 9-11; conv2 edge [2,4) needs the halo (sent at 2, in at 4): 9-11, sent 11-13. S2 mirrors
    // S1 (its input rows [8,12) in at 4; its halo in at 6, before its edge starts at 9). The result is complete at
    // 13 s. (No two transfers share a link's time here except those the analytic executor lets run side by side.)
    CHECK(latency_of(plan, m, p) == Approx(13.0).margin(1e-9));
  }

  SECTION("the ratio search reaches the optimum of a brute force over every integer partition") {
    // A secondary with n rows finishes at n (its input) + (n−1) (conv1) + (n−2) (interior) + 2 (edge) + 2 (sending
    // its edge) = 3n + 1 s once its halo is in time, so 13 s needs n ≤ 4 on both sides; the host, 1 s a row, needs
    // n_H + 2 (conv1 cone) + n_H (conv2) ≤ 13 → n_H ≤ 5. Hence exactly three optima: 4/4/4 (host 10 s), 3/5/4 and
    // 4/5/3 (host 12 s); e.g. the closed form's 5/3/4 takes 16 s (S1) and 3/6/3 14 s (the host).
    double best = 1e300;
    std::vector<std::vector<int>> argmin;
    for (int a = 0; a <= 12; ++a)
      for (int b = 0; a + b <= 12; ++b) {
        halp::Partition x{{{1, 2}}, {{a, b, 12 - a - b}}};
        double l = latency_of(halp::build_plan(m, s, x, "H", true), m, p);
        if (l < best - 1e-9) best = l, argmin.clear();
        if (l < best + 1e-9) argmin.push_back({a, b, 12 - a - b});
      }
    CHECK(best == Approx(13.0).margin(1e-9));
    CHECK(argmin == std::vector<std::vector<int>>{{3, 5, 4}, {4, 4, 4}, {4, 5, 3}});
    CHECK(latency_of(halp::build_plan(m, s, {{{1, 2}}, {{5, 3, 4}}}, "H", true), m, p) == Approx(16.0).margin(1e-9));
    CHECK(latency_of(halp::build_plan(m, s, {{{1, 2}}, {{3, 6, 3}}}, "H", true), m, p) == Approx(14.0).margin(1e-9));
    Plan planned = plan_by("halp", m, p, {{"secondaries", "S1,S2"}, {"blocks", "whole"}, {"air", "unshared"}});
    CHECK(latency_of(planned, m, p) == Approx(13.0).margin(1e-9));
    CHECK(planned.stages[1].pieces.size() == 5);
    // From the closed form's 5/3/4 the descent moves one row from S1 to the host: 4/4/4, and no single-row move improves
    // on it.
    CHECK_THAT(planned.note, Catch::Contains("block-end rows S1/H/S2 = 4/4/4"));
    CHECK(planned.model_variant.empty());
    CHECK(planned.accuracy_top1 == 0);
    // Stand-alone on the host: 24 rows at 1 s.
    Plan alone = plan_by("halp", m, p, {{"mode", "standalone"}});
    CHECK(latency_of(alone, m, p) == Approx(24.0).margin(1e-9));
  }

  SECTION("on a shared air: the frame's air time bounds the score") {
    // n1 / nH / n2 rows (n1, n2 ≥ 2): S1 receives n1 input rows and returns n1 conv2 rows, S2 likewise, and the two
    // halos carry 2 rows each; 16 B a row, every byte crosses the air twice at 32 B/s: air time = (32·(n1 + n2) + 64)
    // / 16 = 2·(n1 + n2) + 4 s. For 4/4/4: 20 s, above its 13 s latency.
    TaskGraph g = build_task_graph(halp::build_plan(m, s, part, "H", true), m, p);
    CHECK(halp::air_time_s(g, p) == Approx(20.0).margin(1e-9));
    // The planner under `air: shared` (the default) reaches the best max(latency, air time) of the brute force.
    double best = 1e300;
    for (int a = 0; a <= 12; ++a)
      for (int b = 0; a + b <= 12; ++b) {
        TaskGraph x = build_task_graph(halp::build_plan(m, s, {{{1, 2}}, {{a, b, 12 - a - b}}}, "H", true), m, p);
        best = std::min(best, std::max(evaluate(x, p).latency_s, halp::air_time_s(x, p)));
      }
    Plan planned = plan_by("halp", m, p, {{"secondaries", "S1,S2"}, {"blocks", "whole"}, {"overlap", "on"}});
    TaskGraph pg = build_task_graph(planned, m, p);
    CHECK(std::max(evaluate(pg, p).latency_s, halp::air_time_s(pg, p)) == Approx(best).margin(1e-9));
    CHECK(best < 20.0);  // the shared air moves rows back to the host
  }
}

namespace {

// Three stations A (the requester: HALP's host), B, C computing every op class at 1e8 units/s with no fixed cost, at
// `rate` B/s each, no latency: the MobileNet-V1 variants are compute-bound enough that HALP pays off.
Platform trio(double rate) {
  Platform p = wifi_platform({"A", "B", "C"}, {rate, rate, rate});
  for (auto& d : p.devices) d.profile = unit_profile(d.name, 1e8);
  return p;
}

// The selection the planner must make, found independently: every variant planned alone (no selection), the most
// accurate (then fewer MACs) whose predicted latency meets the deadline.
std::string brute_force_selection(const Platform& p, const nlohmann::json& options, double deadline) {
  std::string best;
  double best_top1 = -1;
  std::int64_t best_macs = 0;
  for (const char* alpha : {"1.0", "0.75", "0.5", "0.25"})
    for (int res : {224, 192, 160, 128}) {
      Model v = zoo_model(fmt::format("mobilenet_v1_{}_{}", alpha, res));
      nlohmann::json o = options;
      o["variants"] = v.name;
      o.erase("deadline");
      double l = latency_of(plan_by("halp", v, p, o), v, p);
      bool better = v.facts.top1 > best_top1 || (v.facts.top1 == best_top1 && model_macs(v) < best_macs);
      if (l <= deadline && better) best = v.name, best_top1 = v.facts.top1, best_macs = model_macs(v);
    }
  return best;
}

}  // namespace

TEST_CASE("edgesplit::halp: model selection equals a brute force over the 16 MobileNet-V1 variants, monotone in "
          "bandwidth", "[planners]") {
  const Model given = zoo_model("mobilenet_v1_1.0_224");
  const nlohmann::json options = {{"variants", "mobilenet_v1"}, {"deadline", 1.0}, {"blocks", "downsample"}};
  double previous_top1 = 1e9;
  std::vector<std::string> chosen;
  for (double rate : {1e8, 3e7, 1e7, 3e6, 1e6, 1e5}) {
    CAPTURE(rate);
    Platform p = trio(rate);
    Plan plan = plan_by("halp", given, p, options);
    const Model run = plan_model(plan, given);
    // The plan states what it runs and its published top-1 (TF-slim, papers.md §7.2).
    CHECK(plan.model_variant == run.name);
    CHECK(plan.accuracy_top1 == run.facts.top1);
    CHECK(plan.accuracy_source == run.facts.accuracy_source);
    CHECK(latency_of(plan, given, p) <= 1.0);
    CHECK(run.name == brute_force_selection(p, options, 1.0));
    // As the link slows the selection never gets more accurate.
    CHECK(run.facts.top1 <= previous_top1);
    previous_top1 = run.facts.top1;
    chosen.push_back(run.name);
  }
  // Stand-alone at 1e8 MACs/s: 1.0 s admits at most 100 M MACs — 0.5/160 (77 M MACs, 59.1 %) is the most accurate;
  // 0.75/128 (107 M) and 0.5/192 (110 M) are over. At the slowest link (1e5 B/s) HALP can do no better than that.
  Plan alone = plan_by("halp", given, trio(1e6), {{"variants", "mobilenet_v1"}, {"deadline", 1.0}, {"mode", "standalone"}});
  CHECK(alone.model_variant == "mobilenet_v1_0.5_160");
  CHECK(chosen.back() == "mobilenet_v1_0.5_160");
  // With a fast link HALP runs a more accurate variant than stand-alone computation can within the deadline.
  CHECK(zoo_model(chosen.front()).facts.top1 > 59.1);
}

TEST_CASE("edgesplit::halp: a bandwidth trace — HALP with model selection meets the deadline throughout, stand-alone "
          "computation never", "[planners]") {
  REQUIRE(planner_entry("halp").info.adaptive);
  Scenario sc;
  sc.name = "halp_trace";
  sc.model = zoo_model("mobilenet_v1_1.0_224");
  sc.platform = trio(1e8);
  sc.planner = "halp";
  sc.planner_options = {{"variants", "mobilenet_v1"}, {"blocks", "downsample"}};
  // One frame a second for 11 s; the deadline 0.12 s (service reliability: the share of frames within it).
  sc.workload.frames = 11;
  sc.workload.arrival = Arrival::Periodic;
  sc.workload.rate_per_s = 1.0;
  sc.constraints.deadline_s = 0.12;
  // Every station: 1e8 B/s, 5e6 from 2.5 s, 1e7 from 5.5 s, 1e8 again from 8.5 s. Frames start on whole seconds and
  // take under 0.5 s, so none straddles a change and each runs exactly as planned for its epoch.
  for (auto [t, r] : {std::pair{2.5, 5e6}, {5.5, 1e7}, {8.5, 1e8}})
    for (const char* d : {"A", "B", "C"}) sc.dynamics.push_back({DynamicsEvent::Kind::StationRate, t, d, r, "", 0});
  // What the planner deploys at each rate (checked against the brute force in the test above): the most accurate
  // variant whose HALP latency meets 0.12 s.
  auto selected = [&](double rate) {
    Plan pl = plan_by("halp", sc.model, trio(rate), sc.planner_options, Objective::Latency, sc.constraints);
    CHECK(latency_of(pl, sc.model, trio(rate)) <= 0.12);
    return plan_model(pl, sc.model);
  };
  const Model fast = selected(1e8), slow = selected(5e6), mid = selected(1e7);
  CHECK(fast.name == "mobilenet_v1_0.25_160");  // 45.5 %
  CHECK(slow.name == "mobilenet_v1_0.25_128");  // 41.5 %: the 5e6 B/s link cannot carry 0.25/160 in time
  CHECK(mid.name == "mobilenet_v1_0.25_160");

  RunResult halp = run_analytic(make_scenario_job(sc, plan_scenario(sc)));
  REQUIRE(halp.status == "ok");
  REQUIRE(halp.frames_completed == 11);
  // Every frame within the deadline: service reliability exactly 1. Frames 0-2 and 6-10 ran 0.25/160, frames 3-5
  // 0.25/128: top-1 over the run (8 · 45.5 + 3 · 41.5) / 11.
  CHECK(halp.deadline_hit_rate == 1.0);
  CHECK(halp.latency_max_s <= 0.12);
  CHECK(halp.accuracy_top1 == Approx((8 * 45.5 + 3 * 41.5) / 11).margin(1e-9));
  CHECK_THAT(halp.provenance["replanning"], Catch::Contains("t=2.5 s: HALP 'mobilenet_v1_0.25_128'"));

  // Stand-alone computation with the same selection: even the smallest variant (0.25/128, 14 M MACs at 1e8 MACs/s)
  // takes more than 0.12 s on the host alone, so the planner falls back to it and every frame misses: reliability 0.
  Scenario alone = sc;
  alone.planner_options["mode"] = "standalone";
  Plan first = plan_scenario(alone);
  CHECK(first.model_variant == "mobilenet_v1_0.25_128");
  CHECK_THAT(first.note, Catch::StartsWith("deadline infeasible, fallback: no model variant meets the deadline 0.12 s"));
  RunResult sa = run_analytic(make_scenario_job(alone, first));
  REQUIRE(sa.frames_completed == 11);
  CHECK(sa.deadline_hit_rate == 0.0);
  CHECK(sa.latency_max_s > 0.12);
  CHECK(sa.accuracy_top1 == Approx(41.5).margin(1e-9));
}

TEST_CASE("edgesplit::halp: VGG-16 on three Raspberry Pi 4 (calibrated rpi4b) on one Wi-Fi AP", "[planners]") {
  const Platform p = load_platform(std::string(EDGESPLIT_SOURCE_DIR) + "/platforms/clusters/halp_3pi4.yaml");
  const Model m = zoo_model("vgg16");
  Plan plan = plan_by("halp", m, p, {{"blocks", "downsample"}});
  CHECK(plan.sequential_devices);
  // One stage per layer up to pool5 (13 conv + 5 pool), the three FC layers whole on the host.
  REQUIRE(plan.stages.size() == 19);
  CHECK(plan.stages.back().first_layer == 19);
  CHECK(plan.stages.back().pieces.front().device == "pi0");
  // Integer rows: every stage's pieces add up to the layer's height (validate() has checked they cover it once).
  for (std::size_t s = 0; s + 1 < plan.stages.size(); ++s) {
    int sum = 0;
    for (const Piece& pc : plan.stages[s].pieces) sum += pc.region.rows();
    CHECK(sum == m.layers[static_cast<std::size_t>(plan.stages[s].last_layer)].out.h);
  }
  // Block 2 (conv2_1, conv2_2, pool2): the host's share of pool2 back-propagated is its share of conv2_2 plus one
  // row on each side at conv2_1 — the overlapping zone it computes for pi1 and pi2.
  halp::Setup s = halp::make_setup("pi0", {"pi1", "pi2"});
  halp::Partition part;
  part.blocks = halp::blocks_of(m, halp::spatial_prefix(m), halp::BlockScheme::Downsample);
  REQUIRE(part.blocks.size() == 5);
  CHECK(part.blocks[1] == std::pair{4, 6});
  for (const auto& b : part.blocks) part.rows.push_back(halp::balanced_rows(m, p, s, b));
  auto parts = halp::layer_parts(m, s, part);
  const auto& pool2 = part.rows[1];  // pi1 / pi0 / pi2 rows of pool2 (56 rows)
  CHECK(pool2[0] + pool2[1] + pool2[2] == 56);
  const Region host_c22 = parts[5][1].region, host_c21 = parts[4][1].region;
  CHECK(parts[5][1].device == "pi0");
  CHECK(host_c22.r0 == 2 * pool2[0]);
  CHECK(host_c22.r1 == 2 * (pool2[0] + pool2[1]));
  CHECK(host_c21.r0 == host_c22.r0 - 1);  // one row of pi1's segment
  CHECK(host_c21.r1 == host_c22.r1 + 1);  // one row of pi2's segment
  CHECK(parts[4][0].region.r1 == host_c21.r0);
  // Faster than one Pi 4 (the speed-up itself is a figure, scripts/bench_halp.sh).
  Plan local = plan_by("local", m, p);
  CHECK(latency_of(plan, m, p) < latency_of(local, m, p));
}

TEST_CASE("edgesplit::halp: layouts, options and errors", "[planners]") {
  SECTION("layouts: host strips between consecutive secondaries") {
    CHECK(halp::make_setup("H", {"S"}).layout == std::vector<std::string>{"S", "H"});
    CHECK(halp::make_setup("H", {"a", "b", "c"}).layout == std::vector<std::string>{"a", "H", "b", "H", "c"});
    CHECK_THROWS_WITH(halp::make_setup("H", {}), Catch::Contains("planner.options.secondaries") &&
                                                      Catch::Contains("needs at least one secondary device"));
    CHECK_THROWS_WITH(halp::make_setup("H", {"S", "H"}), Catch::Contains("cannot also be a secondary"));
  }
  const Model m = strip();
  const Platform p = three();
  SECTION("one secondary, and four: every plan valid, the host's strips between the secondaries") {
    Plan one = plan_by("halp", m, p, {{"secondaries", "S2"}});
    for (const Stage& st : one.stages)
      for (const Piece& pc : st.pieces) CHECK(pc.device != "S1");
    Platform five = wifi_platform({"H", "a", "b", "c", "d"}, {32, 32, 32, 32, 32});
    for (auto& d : five.devices) d.profile = unit_profile(d.name, 36);
    Plan many = plan_by("halp", m, five);
    CHECK(latency_of(many, m, five) <= latency_of(plan_by("halp", m, five, {{"mode", "standalone"}}), m, five));
  }
  SECTION("errors name the key") {
    Platform lone = wifi_platform({"H"}, {32});
    CHECK_THROWS_WITH(plan_by("halp", m, lone), Catch::Contains("needs at least one secondary device besides the host 'H'"));
    try {
      plan_by("halp", m, lone);
    } catch (const InputError& e) {
      CHECK(e.issues().front().key == "platform.devices");
    }
    CHECK_THROWS_WITH(plan_by("halp", m, p, {{"secondaries", "S1,S9"}}),
                      Catch::Contains("planner.options.secondaries") && Catch::Contains("S9"));
    CHECK_THROWS_WITH(plan_by("halp", m, p, {{"host", "X"}}), Catch::Contains("planner.options.host"));
    CHECK_THROWS_WITH(plan_by("halp", m, p, {{"secondaries", "S1,H"}}), Catch::Contains("cannot also be a secondary"));
    CHECK_THROWS_WITH(check_planner_options(planner_entry("halp").info, {{"blocs", "layer"}}),
                      Catch::Contains("planner.options.blocs") && Catch::Contains("blocks"));
    CHECK_THROWS_AS(check_planner_options(planner_entry("halp").info, {{"blocks", "pools"}}), InputError);
    CHECK_THROWS_AS(check_planner_options(planner_entry("halp").info, {{"overlap", true}}), InputError);
    CHECK_THROWS_WITH(plan_by("halp", m, p, {{"variants", "mobilenet_v9"}}), Catch::Contains("planner.options.variants"));
    // An infeasible deadline: 13 s is the best HALP does (above), 24 s stand-alone.
    Constraints c;
    c.latency_cap_s = 12.0;
    CHECK_THROWS_WITH(plan_by("halp", m, p, {{"on_infeasible", "error"}}, Objective::Latency, c),
                      Catch::Contains("constraints.latency_cap") && Catch::Contains("no plan meets the deadline 12 s"));
    CHECK_THROWS_WITH(plan_by("halp", m, p, {{"on_infeasible", "error"}, {"deadline", 5.0}}),
                      Catch::Contains("planner.options.deadline"));
    Plan fallback = plan_by("halp", m, p, {{"air", "unshared"}}, Objective::Latency, c);
    CHECK_THAT(fallback.note, Catch::StartsWith("deadline infeasible, fallback"));
    CHECK(latency_of(fallback, m, p) == Approx(13.0).margin(1e-9));
    // A model without rows to split.
    ModelBuilder b("flat", Shape{16, 1, 1});
    b.fc("fc", 4);
    CHECK_THROWS_WITH(plan_by("halp", b.build(), p), Catch::Contains("has no spatial layer to partition"));
  }
}

TEST_CASE("edgesplit::halp: every zoo model (chains and DAGs) gets a valid plan that computes each row once",
          "[planners]") {
  // Cuts between blocks sit at single-tensor cuts (a residual or inception block is never split across blocks); inside
  // a block every layer is a stage of its own, so a DAG's branches and joins are ordinary producers and consumers.
  Platform p = wifi_platform({"A", "B", "C"}, {1e6, 2e6, 4e6});
  p.devices[1].profile = unit_profile("B", 2e3);
  p.devices[2].profile = unit_profile("C", 4e3);
  for (const auto& name : zoo_names()) {
    INFO(name);
    Model m = zoo_model(name);
    Plan plan;
    REQUIRE_NOTHROW(plan = plan_by("halp", m, p, {{"blocks", "downsample"}, {"overlap", "on"}, {"max_evaluations", 30}}));
    TaskGraph g = build_task_graph(plan, m, p);
    // The overlapping zones are computed once, on the host: no MAC is computed twice (output-area accounting).
    CHECK(g.total_macs() == model_macs(m));
    CHECK(evaluate(g, p).latency_s > 0);
  }
}

// Figures for scripts/bench_halp.sh (hidden: prints, asserts nothing about time). Latencies simulated by the analytic
// executor (the planner's own prediction); planning times measured on this host.
TEST_CASE("edgesplit::halp bench: 3x Pi 4, VGG-16 speed-up, MobileNet-V1 variants, planning time", "[.bench]") {
  const std::string root = EDGESPLIT_SOURCE_DIR;
  auto platform = [&](const std::string& profile, double mbps) {
    Platform p = load_platform(root + "/platforms/clusters/halp_3pi4.yaml");
    Profile pr = load_profile(root + "/platforms/devices/" + profile + ".yaml");
    for (auto& d : p.devices) {
      d.profile = pr;
      d.pstate = pr.reference_pstate;
      d.wifi_rate_Bps = mbps * 1e6 / 8;
    }
    return p;
  };
  auto timed = [](auto&& f, double& ms) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = f();
    ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return r;
  };
  const Model vgg = zoo_model("vgg16");
  fmt::print("## VGG-16 on 3x Pi 4 (simulated, analytic executor; plan_ms measured)\n");
  fmt::print("| profile | Wi-Fi | local s | halp s | speed-up | modnn s | modnn speed-up | halp plan_ms | halp choice |\n");
  fmt::print("|---|---|---|---|---|---|---|---|---|\n");
  for (const char* prof : {"rpi4b", "rpi4b_pico"})
    for (double mbps : {25.0, 50.0, 100.0, 200.0, 400.0, 1000.0}) {
      Platform p = platform(prof, mbps);
      double ms = 0;
      Plan h = timed([&] { return plan_by("halp", vgg, p); }, ms);
      double l = latency_of(plan_by("local", vgg, p), vgg, p), lh = latency_of(h, vgg, p);
      double lm = latency_of(plan_by("modnn", vgg, p), vgg, p);
      std::string choice = h.note.substr(h.note.find("; ") + 2);
      choice = choice.substr(0, choice.find(", block-end"));
      fmt::print("| {} | {:g} Mbps | {:.4f} | {:.4f} | {:.2f}x | {:.4f} | {:.2f}x | {:.0f} | {} |\n", prof, mbps, l, lh,
                 l / lh, lm, l / lm, ms, choice);
    }
  fmt::print("\n## MobileNet-V1 variants on 3x Pi 4: stand-alone vs HALP latency in ms (simulated, analytic executor)\n");
  for (const char* prof : {"rpi4b_pico", "rpi4b"}) {
    fmt::print("\n{}: | variant | top-1 % | stand-alone | HALP 25 Mbps | 50 | 100 | 200 | 1000 |\n|---|---|---|---|---|---|---|---|\n",
               prof);
    double plan_ms_max = 0;
    for (const char* alpha : {"1.0", "0.75", "0.5", "0.25"})
      for (int res : {224, 192, 160, 128}) {
        Model v = zoo_model(fmt::format("mobilenet_v1_{}_{}", alpha, res));
        std::string row = fmt::format("| {}_{} | {:.1f} | {:.1f}", alpha, res, v.facts.top1,
                                      1e3 * latency_of(plan_by("halp", v, platform(prof, 100), {{"mode", "standalone"}}), v, platform(prof, 100)));
        for (double mbps : {25.0, 50.0, 100.0, 200.0, 1000.0}) {
          Platform p = platform(prof, mbps);
          double ms = 0;
          Plan h = timed([&] { return plan_by("halp", v, p, {{"blocks", "layer"}}); }, ms);
          plan_ms_max = std::max(plan_ms_max, ms);
          row += fmt::format(" | {:.1f}", 1e3 * latency_of(h, v, p));
        }
        fmt::print("{} |\n", row);
      }
    fmt::print("(blocks: layer, overlap: auto; slowest plan {:.0f} ms)\n", plan_ms_max);
  }
  Constraints c;
  c.latency_cap_s = 0.25;
  Platform p = platform("rpi4b_pico", 100);
  double ms = 0;
  Plan sel = timed([&] { return plan_by("halp", zoo_model("mobilenet_v1_1.0_224"), p, {{"variants", "mobilenet_v1"}, {"blocks", "layer"}}, Objective::Latency, c); }, ms);
  fmt::print("\nmodel selection over the 16 variants, rpi4b_pico at 100 Mbps, deadline 250 ms, blocks layer: planned in "
             "{:.0f} ms (measured) -> {}\n", ms, sel.model_variant);
}
