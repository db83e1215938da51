// edgesplit planner `aofl`: fused-block DP on linear models, solved by hand on tiny_model with two equal stations.
#include <catch2/catch.hpp>

#include "tests/planners/planner_test_util.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

TEST_CASE("edgesplit::planner aofl: block boundaries and parallelism by DP", "[planners]") {
  Model m = tiny_model();
  SECTION("fast network: the DP fuses conv2 with pool and splits every block in two") {
    // A, B at 1e3 MACs/s; air 1e12 B/s (transfers ≈ 1e-9 s). Two-way split, equal shares (block times, s):
    //   [1]: conv1 4 rows each: 4·8·2·9 = 576 → 0.576
    //   [2]: conv2 4 rows from conv1's 5 (halo): 4·8·2·18 = 1152 → 1.152;  [3]: pool 2 rows: 2·4·2·4 = 64 → 0.064
    //   [2,3]: pool 2 rows ← conv2 4 rows: 1152 + 64 → 1.216;  [1,2]: conv2 4 rows ← conv1 5 rows: 720 + 1152 → 1.872
    //   [1,3]: 720 + 1152 + 64 → 1.936
    // best: [1][2,3] = 1.792 (+ 800 B on the air) ties [1][2][3] = 1.792 (+ 1312 B): the fewer bytes win.
    // One device per block is never better (3.584 s for layers 1..3). fc (no spatial map) on the host A: 0.32 s.
    Platform p = wifi_platform({"A", "B"}, {1e12, 1e12});
    Plan plan = plan_by("aofl", m, p);
    REQUIRE(plan.stages.size() == 3);
    CHECK(plan.stages[0].last_layer == 1);
    CHECK(plan.stages[1].first_layer == 2);
    CHECK(plan.stages[1].last_layer == 3);
    CHECK(plan.stages[0].pieces.size() == 2);
    CHECK(plan.stages[1].pieces.size() == 2);
    CHECK(plan.stages[1].pieces[0].region == row_band(m.layers[3].out, 0, 2));
    CHECK(plan.stages[2].pieces.size() == 1);
    CHECK(plan.stages[2].pieces[0].device == "A");
    for (const auto& s : plan.stages) CHECK(s.input_route == Route::ViaHost);
    // 0.576 + 1.216 + 0.32 s plus a few ns of transfers.
    CHECK(latency_of(plan, m, p) == Approx(2.112).margin(1e-6));
  }
  SECTION("slow network: everything stays on the host") {
    Platform p = wifi_platform({"A", "B"}, {10, 10});
    Plan plan = plan_by("aofl", m, p);
    for (const auto& s : plan.stages)
      for (const auto& pc : s.pieces) CHECK(pc.device == "A");
    CHECK(latency_of(plan, m, p) == Approx(3.904).margin(1e-12));
  }
}
