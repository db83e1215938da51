// edgesplit planner `offload`: the best single device, chosen with transfers included, on tiny_model.
#include <catch2/catch.hpp>

#include "tests/planners/planner_test_util.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

TEST_CASE("edgesplit::planner offload: best device with upload and return counted", "[planners]") {
  Model m = tiny_model();  // 3904 ops; input 64 elements (256 B), result 10 elements (40 B)
  Platform p = wifi_platform({"A", "B"}, {1000, 1000}, 250);
  p.devices[1].profile = unit_profile("B", 1e4);
  // A (local): 3904 / 1e3 = 3.904 s.
  // B: upload 256 B at 1/(1/1000 + 1/1000) = 500 B/s = 0.512 s, compute 0.3904 s, return 40 B 0.08 s → 0.9824 s.
  // cloud: upload at min(1000, 250) = 250 B/s = 1.024 s, compute 0.3904 s, return 0.16 s → 1.5744 s.
  Plan plan = plan_by("offload", m, p);
  REQUIRE(plan.stages.size() == 1);
  CHECK(plan.stages[0].pieces[0].device == "B");
  CHECK(latency_of(plan, m, p) == Approx(0.9824).margin(1e-12));

  SECTION("a device too slow to pay for its transfers loses to local") {
    // B at 1.1e3 ops/s: 0.512 + 3.549 + 0.08 = 4.141 s > 3.904 s; cloud behind 10 B/s: 25.6 + 0.39 + 4 s.
    Platform q = wifi_platform({"A", "B"}, {1000, 1000}, 10);
    q.devices[1].profile = unit_profile("B", 1.1e3);
    CHECK(plan_by("offload", m, q).stages[0].pieces[0].device == "A");
  }
  SECTION("the cloud wins when its link is fast, unless excluded") {
    // cloud behind 1e6 B/s: the air limits to 1000 B/s: 0.256 + 0.3904 + 0.04 = 0.6864 s < B's 0.9824 s.
    Platform q = wifi_platform({"A", "B"}, {1000, 1000}, 1e6);
    q.devices[1].profile = unit_profile("B", 1e4);
    CHECK(plan_by("offload", m, q).stages[0].pieces[0].device == "cloud");
    CHECK(plan_by("offload", m, q, {{"include_cloud", false}}).stages[0].pieces[0].device == "B");
  }
}
