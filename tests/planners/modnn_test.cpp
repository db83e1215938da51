// edgesplit planner `modnn`: BODP shares proportional to capability, via the requester, on tiny_model.
#include <catch2/catch.hpp>

#include "tests/planners/planner_test_util.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

TEST_CASE("edgesplit::planner modnn: rows proportional to capability, gathered and scattered via the host", "[planners]") {
  Model m = tiny_model();
  Platform p = wifi_platform({"A", "B"}, {1e6, 1e6});
  p.devices[1].profile = unit_profile("B", 2e3);  // B twice as fast as A for every op class
  Plan plan = plan_by("modnn", m, p);
  REQUIRE(plan.stages.size() == 4);
  for (const auto& s : plan.stages) {
    CHECK(s.input_route == Route::ViaHost);
    CHECK(s.host == "A");
  }
  // Shares 1/3 : 2/3. conv1/conv2 (8 rows): floor(8/3) = 2, floor(16/3) = 5, the leftover row to the first band:
  // A [0,3), B [3,8). pool (4 rows): floor(4/3) = 1, floor(8/3) = 2, leftover to A: A [0,2), B [2,4).
  for (int s : {0, 1}) {
    REQUIRE(plan.stages[static_cast<std::size_t>(s)].pieces.size() == 2);
    CHECK(plan.stages[static_cast<std::size_t>(s)].pieces[0].region == row_band(m.layers[1].out, 0, 3));
    CHECK(plan.stages[static_cast<std::size_t>(s)].pieces[1].region == row_band(m.layers[1].out, 3, 8));
  }
  CHECK(plan.stages[2].pieces[0].region == row_band(m.layers[3].out, 0, 2));
  CHECK(plan.stages[2].pieces[1].region == row_band(m.layers[3].out, 2, 4));
  // fc has no spatial map: whole on the faster B (MSCC is not expressible as row bands).
  REQUIRE(plan.stages[3].pieces.size() == 1);
  CHECK(plan.stages[3].pieces[0].device == "B");
  // The biased split beats the equal one on this heterogeneous pair (same route, same layers).
  CHECK(latency_of(plan, m, p) < latency_of(plan_by("even", m, p), m, p));
}
