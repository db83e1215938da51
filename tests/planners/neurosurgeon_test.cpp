// edgesplit planner `neurosurgeon`: the split point on a 3-layer chain worked out by hand, its monotone move from
// cloud-only to device-only as bandwidth falls (papers.md §8.7), the energy objective, and DAG cut vertices.
#include <catch2/catch.hpp>

#include "planners/baseline_util.hpp"
#include "sim/model/zoo.hpp"
#include "tests/planners/planner_test_util.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

namespace {
// Input 4×8×8 (256 el, 1024 B) → conv1 3×3 → 1×8×8 (2304 MACs, 64 el = 256 B) → conv2 3×3 → 8×8×8 (4608 MACs,
// 2048 B) → fc 10 (5120 MACs, 40 B). The narrow conv1 output is the natural split point.
Model hourglass() {
  ModelBuilder b("hourglass", Shape{4, 8, 8});
  b.conv("conv1", ConvSpec{.out = 1});
  b.conv("conv2", ConvSpec{.out = 8});
  b.fc("fc", 10);
  return b.build();
}
// The requester A computes 1e3 MACs/s, the cloud 1e4; the Wi-Fi air is not the bottleneck (1e9 B/s), the cloud link
// runs at `cloud_Bps`.
Platform mobile_cloud(double cloud_Bps) { return wifi_platform({"A"}, {1e9}, cloud_Bps); }
// Last layer on the requester: 0 = cloud-only, 3 = device-only.
int split_of(const Plan& p) {
  if (p.stages.size() == 2) return p.stages[0].last_layer;
  return p.stages[0].pieces[0].device == "A" ? p.stages[0].last_layer : 0;
}
}  // namespace

TEST_CASE("edgesplit::planner neurosurgeon: split point by hand", "[planners]") {
  Model m = hourglass();
  // Latency at link rate r (bytes/s), split after layer k:
  //   k=0: (1024 + 40)/r + 12032/1e4          = 1064/r + 1.2032
  //   k=1: 2304/1e3 + (256 + 40)/r + 9728/1e4  = 3.2768 + 296/r
  //   k=2: 6912/1e3 + (2048 + 40)/r + 5120/1e4 = 7.424 + 2088/r   (never better than k=1)
  //   k=3: 12032/1e3                           = 12.032
  // k=0 beats k=1 when 768/r < 2.0736, i.e. r > 370.37 B/s; k=1 beats k=3 when r > 33.81 B/s.
  Platform p = mobile_cloud(300);
  Plan plan = plan_by("neurosurgeon", m, p);
  CHECK(split_of(plan) == 1);
  CHECK(latency_of(plan, m, p) == Approx(3.2768 + 296.0 / 300).epsilon(1e-12));
  CHECK(split_of(plan_by("neurosurgeon", m, mobile_cloud(400))) == 0);
  CHECK(split_of(plan_by("neurosurgeon", m, mobile_cloud(30))) == 3);
  CHECK_THROWS_WITH(plan_by("neurosurgeon", m, wifi_platform({"A"}, {1e9})), Catch::Contains("needs a cloud host"));
}

TEST_CASE("edgesplit::planner neurosurgeon: split moves monotonically to the device as bandwidth falls", "[planners]") {
  Model m = hourglass();
  int prev = -1;
  std::vector<int> seen;
  for (double r : {1e6, 1e4, 1000.0, 400.0, 370.0, 300.0, 100.0, 40.0, 33.0, 10.0, 1.0}) {
    int k = split_of(plan_by("neurosurgeon", m, mobile_cloud(r)));
    CHECK(k >= prev);  // never back towards the cloud as the link slows
    prev = k;
    seen.push_back(k);
  }
  // Thresholds 370.37 and 33.81 B/s from the table above.
  CHECK(seen == std::vector<int>{0, 0, 0, 0, 1, 1, 1, 1, 3, 3, 3});
}

TEST_CASE("edgesplit::planner neurosurgeon: the energy objective minimises mobile energy", "[planners]") {
  Model m = hourglass();
  // Mobile energy at r = 100 B/s (busy 5 W, radio tx 1 W, rx 0.5 W):
  //   k=0: upload 1024/100 s × 1 W + result 40/100 s × 0.5 W = 10.44 J
  //   k=1: 2.304 s × 5 W + 256/100 × 1 + 40/100 × 0.5 = 14.28 J;  k=3: 12.032 s × 5 W = 60.16 J.
  // Latency picks k=1 (6.2368 s vs k=0's 11.8432 s); energy picks k=0.
  Platform p = mobile_cloud(100);
  CHECK(split_of(plan_by("neurosurgeon", m, p)) == 1);
  Plan e = plan_by("neurosurgeon", m, p, nlohmann::json::object(), Objective::Energy);
  CHECK(split_of(e) == 0);
  CHECK(baseline::frame_energy_J(build_task_graph(e, m, p), p, 0) == Approx(10.44).epsilon(1e-12));
}

TEST_CASE("edgesplit::baseline::cut_vertices: single-tensor cuts of chains and DAGs", "[planners]") {
  CHECK(baseline::cut_vertices(hourglass()) == std::vector<int>{0, 1, 2, 3});
  // ResNet-18: no cut inside a residual block. Every cut k must have all consumers of layers < k at or before k.
  Model r = zoo_model("resnet18");
  auto cons = r.consumers();
  auto cuts = baseline::cut_vertices(r);
  CHECK(cuts.size() < static_cast<std::size_t>(r.size()));
  for (int k = 0; k < r.size(); ++k) {
    bool single = true;
    for (int l = 0; l < k; ++l)
      for (int c : cons[static_cast<std::size_t>(l)]) single = single && c <= k;
    CHECK((std::find(cuts.begin(), cuts.end(), k) != cuts.end()) == single);
  }
}
