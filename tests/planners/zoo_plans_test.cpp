// Every baseline planner yields a plan the executors accept on every zoo model (chains and DAGs: residual, inception,
// fire, depthwise, YOLO passthrough), and Neurosurgeon's split on a DAG is a cut vertex.
#include <catch2/catch.hpp>

#include <algorithm>

#include "planners/baseline_util.hpp"
#include "sim/common/error.hpp"
#include "sim/model/builder.hpp"
#include "sim/model/zoo.hpp"
#include "tests/planners/planner_test_util.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

TEST_CASE("edgesplit::planners: every baseline plans every zoo model validly", "[planners]") {
  Platform p = wifi_platform({"A", "B", "C"}, {1e6, 2e6, 4e6}, 1e6);
  p.devices[1].profile = unit_profile("B", 2e3);
  p.devices[2].profile = unit_profile("C", 4e3);
  for (const auto& name : zoo_names()) {
    Model m = zoo_model(name);
    for (const char* planner : {"offload", "neurosurgeon", "modnn", "deeperthings", "aofl", "coedge"}) {
      INFO(name << " / " << planner);
      Plan plan;
      REQUIRE_NOTHROW(plan = plan_by(planner, m, p));
      TaskGraph g = build_task_graph(plan, m, p);
      // Every output-area plan computes at least the model's MACs (halo rows only add).
      if (plan.accounting == Accounting::OutputArea) CHECK(g.total_macs() >= model_macs(m));
      CHECK(evaluate(g, p).latency_s > 0);
    }
    // Neurosurgeon uploads one tensor: its requester stage ends at a cut vertex.
    Plan ns = plan_by("neurosurgeon", m, p);
    if (ns.stages.size() == 2) {
      auto cuts = baseline::cut_vertices(m);
      CHECK(std::find(cuts.begin(), cuts.end(), ns.stages[0].last_layer) != cuts.end());
    }
  }
}

TEST_CASE("edgesplit::planner neurosurgeon: DAG splits sit at cut vertices (ResNet-18 bandwidth sweep)", "[planners]") {
  Model m = zoo_model("resnet18");
  auto cuts = baseline::cut_vertices(m);
  std::vector<int> seen;
  for (double r : {1e9, 1e7, 1e6, 3e5, 1e5, 3e4, 1e4, 3e3, 1e3, 1e2}) {
    Platform p = wifi_platform({"A"}, {1e12}, r);
    p.devices[0].profile = unit_profile("A", 1e9);
    p.devices[1].profile = unit_profile("cloud", 1e11);
    Plan plan = plan_by("neurosurgeon", m, p);
    int k = plan.stages.size() == 2 ? plan.stages[0].last_layer : (plan.stages[0].pieces[0].device == "A" ? m.size() - 1 : 0);
    CHECK(std::find(cuts.begin(), cuts.end(), k) != cuts.end());
    if (!seen.empty()) CHECK(k >= seen.back());
    seen.push_back(k);
  }
  CHECK(seen.front() == 0);
  CHECK(seen.back() == m.size() - 1);
}

TEST_CASE("edgesplit::planner neurosurgeon: a residual block is never cut", "[planners]") {
  // 4×8×8 → conv1 1×8×8 [1] → conv2a 8×8×8 [2] → conv2b 1×8×8 [3] → add(conv1, conv2b) [4] → fc 10 [5].
  // Cuts after 2 or 3 would upload two tensors (conv1's output is still live): cut vertices are 0, 1, 4, 5.
  ModelBuilder b("residual_hourglass", Shape{4, 8, 8});
  int c1 = b.conv("conv1", ConvSpec{.out = 1});
  b.conv("conv2a", ConvSpec{.out = 8});
  int c2 = b.conv("conv2b", ConvSpec{.out = 1});
  b.add("add", {c1, c2});
  b.fc("fc", 10);
  Model m = b.build();
  CHECK(baseline::cut_vertices(m) == std::vector<int>{0, 1, 4, 5});
  // MACs: conv1 2304, conv2a 4608, conv2b 4608, add 64 ops, fc 640; A 1e3/s, cloud 1e4/s, link 300 B/s.
  //   k=0: (1024 + 40)/300 + 12224/1e4 = 4.7689 s;  k=1: 2.304 + (256 + 40)/300 + 9920/1e4 = 4.2827 s;
  //   k=4: 11.584 + 296/300 + 0.064 = 12.635 s;  k=5: 12.224 s.
  Platform p = wifi_platform({"A"}, {1e9}, 300);
  Plan plan = plan_by("neurosurgeon", m, p);
  REQUIRE(plan.stages.size() == 2);
  CHECK(plan.stages[0].last_layer == 1);
  CHECK(latency_of(plan, m, p) == Approx(2.304 + 296.0 / 300 + 0.992).epsilon(1e-12));
}
