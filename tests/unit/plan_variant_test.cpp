// Plans that change what runs: a zoo model variant (HALP's model selection), the accuracy a planner states (DynO's
// quantised transfers), and request-level replicas (AWD) — resolution, validation, deployment and JSON round trip.
#include <catch2/catch.hpp>

#include "sim/common/error.hpp"
#include "sim/exec/job.hpp"
#include "sim/model/zoo.hpp"
#include "sim/plan/plan_json.hpp"
#include "sim/plan/task_graph.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

namespace {
Plan local(const Model& m, const std::string& dev, const std::string& variant = "") {
  Plan p;
  p.source = p.sink = "A";
  p.model_variant = variant;
  Model run = variant.empty() ? m : plan_model(p, m);
  p.stages.push_back(whole_stage(run, 1, run.size() - 1, dev));
  return p;
}
}  // namespace

TEST_CASE("edgesplit::plan_model: a variant by suffix or full zoo name, refused when unknown", "[plan]") {
  Model base = zoo_model("mobilenet_v1_1.0_224");
  Plan p;
  CHECK(plan_model(p, base).name == "mobilenet_v1_1.0_224");
  p.model_variant = "0.5_128";
  Model v = plan_model(p, base);
  CHECK(v.name == "mobilenet_v1_0.5_128");
  CHECK(v.input().out.h == 128);
  // papers.md §7.2: MobileNet-V1 0.5/128 top-1 56.3 % (the zoo's published figure).
  CHECK(plan_accuracy_top1(p, base) == zoo_model("mobilenet_v1_0.5_128").facts.top1);
  p.model_variant = "mobilenet_v1_0.25_160";
  CHECK(plan_model(p, base).name == "mobilenet_v1_0.25_160");
  p.model_variant = "0.3_128";
  CHECK_THROWS_WITH(plan_model(p, base), Catch::Contains("no zoo model '0.3_128' nor a variant '0.3_128' of 'mobilenet_v1_1.0_224'"));
  // A planner's own figure (e.g. after 4-bit transfers) wins over the published one.
  p.model_variant = "";
  p.accuracy_top1 = 69.1;
  CHECK(plan_accuracy_top1(p, base) == 69.1);
}

TEST_CASE("edgesplit::build_task_graph: a variant plan runs the variant's layers", "[plan]") {
  Model base = zoo_model("mobilenet_v1_1.0_224");
  Platform pl = wifi_platform({"A", "B"}, {1e6, 1e6});
  Plan p = local(base, "B", "0.5_128");
  TaskGraph g = build_task_graph(p, base, pl);
  CHECK(g.model == "mobilenet_v1_0.5_128");
  CHECK(g.total_macs() == model_macs(zoo_model("mobilenet_v1_0.5_128")));
  // The input image crosses A → B: 3·128·128 float32 elements.
  CHECK(g.network_bytes() == 3 * 128 * 128 * 4 + 1000 * 4);
}

TEST_CASE("edgesplit::validate: replicated plans", "[plan]") {
  Model m = tiny_model();
  Platform pl = wifi_platform({"A", "B", "C"}, {1e6, 1e6, 1e6});
  Plan p;
  p.source = p.sink = "A";
  p.replicas = {local(m, "B"), local(m, "C")};
  p.replica_shares = {3, 1};
  CHECK_NOTHROW(validate(p, m, pl));
  Deployment d = deploy_plan(p, m, pl);
  REQUIRE(d.graphs.size() == 2);
  CHECK(d.shares == std::vector<double>{0.75, 0.25});
  CHECK_THROWS_WITH(build_task_graph(p, m, pl), Catch::Contains("one task graph per replica"));

  Plan bad = p;
  bad.replica_shares = {1};
  CHECK_THROWS_WITH(validate(bad, m, pl), Catch::Contains("plan.replica_shares: 1 shares for 2 replicas"));
  bad = p;
  bad.replicas[1].stages[0].pieces[0].device = "Z";
  CHECK_THROWS_WITH(validate(bad, m, pl), Catch::Contains("plan.replicas[1].stages[0].pieces[0].device"));
  bad = p;
  bad.replica_shares = {0, 0};
  CHECK_THROWS_WITH(validate(bad, m, pl), Catch::Contains("at least one replica needs a positive share"));
}

TEST_CASE("edgesplit::plan JSON: accuracy and replicas round-trip", "[plan]") {
  Model m = tiny_model();
  Plan p;
  p.source = p.sink = "A";
  p.replicas = {local(m, "B"), local(m, "C")};
  p.replicas[1].accuracy_top1 = 55.5;
  p.replicas[1].accuracy_source = "test";
  p.replica_shares = {0.6, 0.4};
  Plan back = plan_from_json(plan_to_json(p, m));
  REQUIRE(back.replicas.size() == 2);
  CHECK(back.replica_shares == std::vector<double>{0.6, 0.4});
  CHECK(back.replicas[1].accuracy_top1 == 55.5);
  CHECK(back.replicas[1].accuracy_source == "test");
  CHECK(back.replicas[0].stages[0].pieces[0].device == "B");
}
