// edgesplit planner `oracle`: equals the hand-solved optimum where its space holds it, bounds the other planners
// inside its space, and refuses large spaces.
#include <catch2/catch.hpp>

#include "sim/model/builder.hpp"
#include "sim/model/zoo.hpp"
#include "tests/planners/planner_test_util.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

TEST_CASE("edgesplit::planner oracle: the hand-solved single-split optimum", "[planners]") {
  // The hourglass chain of neurosurgeon_test.cpp: 4×8×8 → conv1 1×8×8 → conv2 8×8×8 → fc 10; requester A 1e3
  // MACs/s, cloud 1e4, cloud link r. One device per stage (fraction_steps 1), at most 2 stages: the space is the
  // single splits either way round. The cloud-first splits are worse (e.g. conv1 on the cloud, the rest on A:
  // 1024/r + 0.2304 + 256/r + 9.728 s), so the optimum is Neurosurgeon's:
  //   r = 400: cloud-only 1064/400 + 1.2032 = 3.8632 s;  r = 300: split after conv1 3.2768 + 296/300 s;
  //   r = 30: device-only 12.032 s.
  ModelBuilder b("hourglass", Shape{4, 8, 8});
  b.conv("conv1", ConvSpec{.out = 1});
  b.conv("conv2", ConvSpec{.out = 8});
  b.fc("fc", 10);
  Model m = b.build();
  nlohmann::json o = {{"max_stages", 2}, {"fraction_steps", 1}};
  struct Case {
    double r, latency_s;
  };
  for (Case c : {Case{400, 3.8632}, Case{300, 3.2768 + 296.0 / 300}, Case{30, 12.032}}) {
    Platform p = wifi_platform({"A"}, {1e9}, c.r);
    CHECK(latency_of(plan_by("oracle", m, p, o), m, p) == Approx(c.latency_s).epsilon(1e-12));
    CHECK(latency_of(plan_by("neurosurgeon", m, p), m, p) == Approx(c.latency_s).epsilon(1e-12));
  }
}

TEST_CASE("edgesplit::planner oracle: no planner beats it inside its space", "[planners]") {
  // tiny_model on A (1e3 MACs/s) and B (2e3): local, offload, even and MoDNN's plans (row bands with 1/3 : 2/3
  // shares are off the 1/4 grid, but every stage's latency is monotone in the rows a device holds) are all
  // dominated by direct-route candidates the oracle scores.
  Model m = tiny_model();
  Platform p = wifi_platform({"A", "B"}, {1e4, 1e4});
  p.devices[1].profile = unit_profile("B", 2e3);
  double best = latency_of(plan_by("oracle", m, p, {{"max_stages", 4}, {"fraction_steps", 4}}), m, p);
  for (const char* other : {"local", "offload", "even", "modnn", "aofl", "coedge"}) {
    INFO(other);
    CHECK(best <= latency_of(plan_by(other, m, p), m, p) + 1e-12);
  }
  // The two-stage restriction can only be worse or equal.
  CHECK(best <= latency_of(plan_by("oracle", m, p, {{"max_stages", 2}, {"fraction_steps", 4}}), m, p) + 1e-12);
}

TEST_CASE("edgesplit::planner oracle: refuses spaces that are too large", "[planners]") {
  Model m = zoo_model("vgg16");
  Platform p = wifi_platform({"A", "B", "C", "D"}, {1e6, 1e6, 1e6, 1e6});
  CHECK_THROWS_WITH(plan_by("oracle", m, p), Catch::Contains("oracle: the space has") &&
                                                  Catch::Contains("more than max_candidates = 200000"));
  std::vector<std::string> names;
  for (char c = 'a'; c < 'a' + 13; ++c) names.push_back(std::string(2, c));
  Platform many = wifi_platform(names, std::vector<double>(13, 1e6));
  CHECK_THROWS_WITH(plan_by("oracle", tiny_model(), many), Catch::Contains("oracle: 13 devices is too many"));
}
