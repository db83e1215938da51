// edgesplit planner `deeperthings`: MAC-balanced fused blocks, an equal tile grid per block, on tiny_model.
#include <catch2/catch.hpp>

#include "tests/planners/planner_test_util.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

TEST_CASE("edgesplit::planner deeperthings: blocks and equal tiles", "[planners]") {
  Model m = tiny_model();
  Platform p = wifi_platform({"A", "B", "C", "D"}, {1e6, 1e6, 1e6, 1e6});
  // Spatial layers 1..3 (conv1 1152, conv2 2304, pool 0 MACs; cumulative 1152, 3456, 3456). Two blocks: the cut
  // nearest half of 3456 = 1728 is after conv1 (|1152 − 1728| = 576 < |3456 − 1728|). Blocks [1,1], [2,3]; fc whole.
  Plan plan = plan_by("deeperthings", m, p, {{"blocks", 2}});
  REQUIRE(plan.stages.size() == 3);
  CHECK(plan.stages[0].first_layer == 1);
  CHECK(plan.stages[0].last_layer == 1);
  CHECK(plan.stages[1].first_layer == 2);
  CHECK(plan.stages[1].last_layer == 3);
  CHECK(plan.stages[2].first_layer == 4);
  CHECK(plan.accounting == Accounting::Executed);
  // 4 stations → a 2×2 grid; tile k on station k. conv1 8×8 → 4×4 tiles; pool 4×4 → 2×2 tiles.
  const char* names[] = {"A", "B", "C", "D"};
  REQUIRE(plan.stages[0].pieces.size() == 4);
  REQUIRE(plan.stages[1].pieces.size() == 4);
  for (int k = 0; k < 4; ++k) {
    int i = k / 2, j = k % 2;
    CHECK(plan.stages[0].pieces[static_cast<std::size_t>(k)].device == names[k]);
    CHECK(plan.stages[0].pieces[static_cast<std::size_t>(k)].region == (Region{4 * i, 4 * i + 4, 4 * j, 4 * j + 4}));
    CHECK(plan.stages[1].pieces[static_cast<std::size_t>(k)].region == (Region{2 * i, 2 * i + 2, 2 * j, 2 * j + 2}));
  }
  CHECK(plan.stages[0].split == SplitKind::Tiles);
  // All stations alike: fc on the first.
  CHECK(plan.stages[2].pieces[0].device == "A");
  // One block: the whole spatial part fused.
  Plan one = plan_by("deeperthings", m, p, {{"blocks", 1}});
  REQUIRE(one.stages.size() == 2);
  CHECK(one.stages[0].last_layer == 3);
}
