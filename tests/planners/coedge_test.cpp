// edgesplit planner `coedge`: the LP's row shares under latency and energy objectives, solved by hand.
#include <catch2/catch.hpp>

#include "sim/model/builder.hpp"
#include "tests/planners/planner_test_util.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

namespace {
// Input 1×8×8 → conv1 3×3 → 2×8×8 (1152 MACs) → fc 10 (1280 MACs): one spatial layer, so the LP has one x per station.
Model one_conv() {
  ModelBuilder b("one_conv", Shape{1, 8, 8});
  b.conv("conv1", ConvSpec{.out = 2});
  b.fc("fc", 10);
  return b.build();
}
std::vector<int> rows_by_device(const Plan& plan, const std::vector<std::string>& devs) {
  std::vector<int> rows(devs.size(), 0);
  for (const auto& pc : plan.stages[0].pieces)
    for (std::size_t k = 0; k < devs.size(); ++k)
      if (pc.device == devs[k]) rows[k] += pc.region.rows();
  return rows;
}
}  // namespace

TEST_CASE("edgesplit::planner coedge: LP shares by hand", "[planners]") {
  Model m = one_conv();
  // A 1e3 MACs/s, B 2e3; both busy 5 W; transfers ≈ free (1e12 B/s). Whole conv1: A 1.152 s, B 0.576 s.
  Platform p = wifi_platform({"A", "B"}, {1e12, 1e12});
  p.devices[1].profile = unit_profile("B", 2e3);
  std::vector<std::string> devs{"A", "B"};
  // Latency: min t s.t. t ≥ 1.152·x_A, t ≥ 0.576·(1 − x_A) → x_A = 1/3, t = 0.384 s.
  // Rows: floor(8/3) = 2, floor(16/3) = 5, the leftover row to the first band → A 3, B 5.
  CHECK(rows_by_device(plan_by("coedge", m, p), devs) == std::vector<int>{3, 5});
  // Energy per unit share: A 5 W·1.152 s = 5.76 J, B 5 W·0.576 s = 2.88 J: as much on B as the latency allows.
  // slack 1: T = 2·0.384 = 0.768 s ≥ 0.576 → everything on B.
  CHECK(rows_by_device(plan_by("coedge", m, p, {{"latency_slack", 1.0}}, Objective::Energy), devs) ==
        std::vector<int>{0, 8});
  // A cap of 1.83 s minus the fc tail on A (1280 / 1e3 = 1.28 s) leaves 0.55 s: x_B = 0.55 / 0.576 = 0.9549;
  // rows floor(7.64) = 7 to B, floor(0.36) = 0 to A plus the leftover row → A 1, B 7.
  Constraints c;
  c.latency_cap_s = 1.83;
  CHECK(rows_by_device(plan_by("coedge", m, p, {}, Objective::Energy, c), devs) == std::vector<int>{1, 7});
  // The fc runs whole on the requester.
  CHECK(plan_by("coedge", m, p).stages.back().pieces[0].device == "A");
}
