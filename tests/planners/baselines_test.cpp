// edgesplit planners: the registry and the baselines local / cloud / even on tiny_model, timed by hand.
#include <catch2/catch.hpp>

#include <algorithm>

#include "planners/registry.hpp"
#include "sim/common/error.hpp"
#include "sim/plan/task_graph.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

namespace {
Plan plan_with(const std::string& name, const Model& m, const Platform& p, nlohmann::json options = nlohmann::json::object()) {
  PlanningInput in{m, p, Objective::Latency, {}, 1, options, analytic_evaluator(m, p)};
  return planner_entry(name).make()->plan(in);
}
}  // namespace

TEST_CASE("edgesplit::planner_registry: names, schemas, suggestions", "[planners]") {
  auto infos = planner_infos();
  REQUIRE(infos.size() >= 3);
  CHECK(std::is_sorted(infos.begin(), infos.end(), [](const PlannerInfo& a, const PlannerInfo& b) { return a.name < b.name; }));
  std::vector<std::string> names;
  for (const auto& i : infos) names.push_back(i.name);
  for (const char* n : {"aofl", "cloud", "coedge", "deeperthings", "deepthings", "even", "local", "modnn", "neurosurgeon",
                        "offload", "oracle"})
    CHECK(std::find(names.begin(), names.end(), n) != names.end());
  CHECK_THROWS_WITH(planner_entry("evne"), Catch::Contains("unknown planner 'evne'; did you mean 'even'?"));
  const PlannerInfo& even = planner_entry("even").info;
  CHECK_NOTHROW(check_planner_options(even, {{"bits", 8}, {"fused", true}}));
  CHECK_THROWS_WITH(check_planner_options(even, {{"bitz", 8}}),
                    Catch::Contains("planner.options.bitz: unknown option 'bitz'; did you mean 'bits'?"));
  CHECK_THROWS_WITH(check_planner_options(even, {{"bits", 0}}), Catch::Contains("planner.options.bits: 0 is outside [1, 64]"));
  CHECK_THROWS_WITH(check_planner_options(even, {{"fused", 1}}), Catch::Contains("expected bool, found 1"));
  for (const auto& i : infos) {
    CHECK_FALSE(i.description.empty());
    CHECK_FALSE(i.citation.empty());
  }
}

TEST_CASE("edgesplit::planner local: whole model on the requester", "[planners]") {
  Model m = tiny_model();
  Platform p = wifi_platform({"A", "B"}, {1000, 1000});
  Plan plan = plan_with("local", m, p);
  // 3904 ops at 1000 ops/s, nothing on the network.
  TaskGraph g = build_task_graph(plan, m, p);
  CHECK(g.network_bytes() == 0);
  CHECK(evaluate(g, p).latency_s == Approx(3.904).margin(1e-12));
}

TEST_CASE("edgesplit::planner cloud: upload, compute on the cloud, return", "[planners]") {
  Model m = tiny_model();
  Platform p = wifi_platform({"A"}, {1000}, 500);
  Plan plan = plan_with("cloud", m, p);
  // Upload 64 el · 4 B = 256 B at min(1000, 500) = 500 B/s → 0.512 s; 3904 ops at 1e4/s → 0.3904 s;
  // result 10 el · 4 B = 40 B → 0.08 s. Total 0.9824 s.
  CHECK(evaluate(build_task_graph(plan, m, p), p).latency_s == Approx(0.9824).margin(1e-12));
  // An 8-bit upload: 64 B → 0.128 s; total 0.5984 s.
  Plan q = plan_with("cloud", m, p, {{"input_bits", 8}});
  CHECK(evaluate(build_task_graph(q, m, p), p).latency_s == Approx(0.5984).margin(1e-12));
  Platform none = wifi_platform({"A"}, {1000});
  CHECK_THROWS_WITH(plan_with("cloud", m, none), Catch::Contains("needs a cloud host"));
}

TEST_CASE("edgesplit::planner even: equal bands of every layer via the requester", "[planners]") {
  Model m = tiny_model();
  Platform p = wifi_platform({"A", "B"}, {1000, 1000});
  Plan plan = plan_with("even", m, p);
  REQUIRE(plan.stages.size() == 4);  // conv1, conv2, pool, fc
  CHECK(plan.stages[0].pieces.size() == 2);
  CHECK(plan.stages[3].pieces.size() == 1);  // fc has one output row: the first band takes it
  TaskGraph g = build_task_graph(plan, m, p);
  // Stage conv1: B computes rows [4,8), needing input rows [3,8): 5·8 = 40 elements · 4 B = 160 B from the relay on A.
  std::int64_t scatter_to_b = 0;
  for (const auto& t : g.transfers)
    if (g.roles[static_cast<std::size_t>(t.from)].kind == RoleKind::Relay && g.roles[static_cast<std::size_t>(t.to)].stage == 0 &&
        !t.local)
      scatter_to_b = t.bytes;
  CHECK(scatter_to_b == 160);
  CHECK(g.total_macs() == 1152 + 2304 + 320);  // output-area: every row computed once
}

TEST_CASE("edgesplit::planner even fused: one banded stage with halos, the rest on the requester", "[planners]") {
  Model m = tiny_model();
  Platform p = wifi_platform({"A", "B"}, {1000, 1000});
  Plan plan = plan_with("even", m, p, {{"fused", true}});
  // Last layer with more than one output row: pool (4 rows) → stage 1 = conv1..pool, stage 2 = fc on A.
  REQUIRE(plan.stages.size() == 2);
  CHECK(plan.stages[0].last_layer == 3);
  TaskGraph g = build_task_graph(plan, m, p);
  // B computes pool rows [2,4) → conv2 rows [4,8) → conv1 rows [3,8) → input rows [2,8): 6·8 = 48 el = 192 B in;
  // out: pool rows [2,4), 2 ch · 2 · 4 = 16 el = 64 B to A. MACs B: conv1 5/8·1152 = 720, conv2 1152, pool 64 ops.
  CHECK(g.network_bytes() == 192 + 64);
  CHECK(g.roles[2].macs == 720 + 1152);
  CHECK(g.roles[2].other_ops == 64);
}
