// edgesplit::plan_regions_json: the per-device rectangles and MACs `edgesplit plan --json` shows, by hand.
#include <catch2/catch.hpp>

#include "planners/plan_regions.hpp"
#include "sim/model/zoo.hpp"
#include "tests/planners/planner_test_util.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

TEST_CASE("edgesplit::plan_regions_json: rows, columns and MACs per device and layer", "[planners]") {
  Model m = tiny_model();
  Platform p = wifi_platform({"A", "B"}, {1000, 1000});
  nlohmann::json j = plan_regions_json(plan_by("even", m, p), m);
  CHECK(j["accounting"] == "output_area");
  // Stage 0 = conv1 in two bands; B computes output rows [4, 7] (all 8 columns) from input rows [3, 7] (3×3 halo),
  // 4·8 outputs × 2 channels × 1·9 = 576 MACs.
  const auto& b = j["stages"][0]["pieces"][1];
  CHECK(b["device"] == "B");
  CHECK(b["layers"][0]["out"] == nlohmann::json({{"rows", {4, 7}}, {"cols", {0, 7}}}));
  CHECK(b["layers"][0]["in"] == nlohmann::json({{"rows", {3, 7}}, {"cols", {0, 7}}}));
  CHECK(b["layers"][0]["macs"] == 576);
  CHECK(b["macs"] == 576);
}

TEST_CASE("edgesplit::plan_regions_json: a DeepThings tile through the fused stack", "[planners]") {
  // YOLOv2-608 first 16, 5×5 grid: tile (0, 0) produces layer-16 rows/cols [0, 7]. Back through the stack
  // (deepthings_test.cpp): the first conv's output must cover [16a − 58, 16b + 73] = [0, 185] (what the first
  // max-pool reads) and reads image rows [0, 186]; the last layer (1×1 conv) reads [0, 7] of its input.
  Model m = zoo_model("yolov2_608_first16");
  Platform p = wifi_platform({"A", "B"}, {1e7, 1e7});
  nlohmann::json j = plan_regions_json(plan_by("deepthings", m, p), m);
  CHECK(j["accounting"] == "executed");
  const auto& tile = j["stages"][0]["pieces"][0];
  REQUIRE(tile["layers"].size() == 16);
  CHECK(tile["layers"][0]["out"] == nlohmann::json({{"rows", {0, 185}}, {"cols", {0, 185}}}));
  CHECK(tile["layers"][0]["in"] == nlohmann::json({{"rows", {0, 186}}, {"cols", {0, 186}}}));
  CHECK(tile["layers"][15]["out"] == nlohmann::json({{"rows", {0, 7}}, {"cols", {0, 7}}}));
  CHECK(tile["layers"][15]["in"] == nlohmann::json({{"rows", {0, 7}}, {"cols", {0, 7}}}));
  // Executed: the first conv runs on the whole 187×187 input tile with same padding: 187²·32·3·9 MACs.
  CHECK(tile["layers"][0]["macs"] == std::int64_t(187) * 187 * 32 * 27);
}
