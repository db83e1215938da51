// edgesplit planner `deepthings`: FTP geometry on YOLOv2-608's first 16 layers worked out by hand from DeepThings'
// ftp.c rules, degenerate grids, list-scheduled tile assignment, the data-reuse queue order.
#include <catch2/catch.hpp>

#include "sim/common/error.hpp"
#include "sim/model/zoo.hpp"
#include "tests/planners/planner_test_util.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

namespace {
struct Span {
  int lo, hi;  // inclusive
  bool operator==(const Span&) const = default;
};
Span rows_of(const Region& r) { return {r.r0, r.r1 - 1}; }
Span cols_of(const Region& r) { return {r.c0, r.c1 - 1}; }
}  // namespace

TEST_CASE("edgesplit::planner deepthings: FTP tiles of YOLOv2-608 first 16 layers by hand", "[planners]") {
  // The fused stack (papers.md §7.3): conv3 608 → max → conv3 304 → max → conv3, conv1, conv3 152 → max → conv3,
  // conv1, conv3 76 → max → conv3, conv1, conv3, conv1 38; output 38×38×256.
  // ftp.c grid(): stride ⌈38/N⌉, the last tile absorbs the rest. traversal() from output rows [a, b] (inclusive):
  //   conv1 1×1: [a, b]; conv 3×3: [a−1, b+1]; max 2×2/2: [2a, 2b+1]; clipped to the map at every layer.
  // Back through layers 15..0: 15 [a,b] → 14 [a−1,b+1] → 13 same → 12 [a−2,b+2] → pool 11 [2a−4, 2b+5] →
  // 10 [2a−5, 2b+6] → 9 same → 8 [2a−6, 2b+7] → pool 7 [4a−12, 4b+15] → 6 [4a−13, 4b+16] → 5 same →
  // 4 [4a−14, 4b+17] → pool 3 [8a−28, 8b+35] → 2 [8a−29, 8b+36] → pool 1 [16a−58, 16b+73] → 0 [16a−59, 16b+74],
  // clipped to [0, 607] (each layer maps its first/last row to the first/last row below, so clipping once at the
  // end equals clipping at every layer). Columns alike.
  Model m = zoo_model("yolov2_608_first16");
  REQUIRE(m.size() == 17);
  REQUIRE(m.layers[16].out == (Shape{256, 38, 38}));
  Platform p = wifi_platform({"A", "B", "C", "D"}, {1e7, 1e7, 1e7, 1e7});
  auto in_span = [](int a, int b) { return Span{std::max(0, 16 * a - 59), std::min(607, 16 * b + 74)}; };

  struct Case {
    int n;
    std::vector<Span> out;  // tile spans of layer 16's output, per row (= per column)
    std::vector<Span> in;   // the image rows each needs
  };
  std::vector<Case> cases = {
      // 2×2: stride 19 → [0,18] [19,37]; inputs [0, 16·18+74 = 362], [16·19−59 = 245, 607].
      {2, {{0, 18}, {19, 37}}, {{0, 362}, {245, 607}}},
      // 3×3: stride 13 → [0,12] [13,25] [26,37]; inputs [0,266] [149,474] [357,607].
      {3, {{0, 12}, {13, 25}, {26, 37}}, {{0, 266}, {149, 474}, {357, 607}}},
      // 5×5: stride 8 → [0,7] [8,15] [16,23] [24,31] [32,37]; inputs [0,186] [69,314] [197,442] [325,570] [453,607].
      {5, {{0, 7}, {8, 15}, {16, 23}, {24, 31}, {32, 37}}, {{0, 186}, {69, 314}, {197, 442}, {325, 570}, {453, 607}}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.n << "x" << c.n) {
      Plan plan = plan_by("deepthings", m, p, {{"grid_rows", c.n}, {"grid_cols", c.n}});
      REQUIRE(plan.stages.size() == 1);  // all 16 layers fused, nothing left for the gateway
      const Stage& s = plan.stages[0];
      CHECK(s.split == SplitKind::Tiles);
      CHECK(plan.accounting == Accounting::Executed);
      REQUIRE(s.pieces.size() == static_cast<std::size_t>(c.n * c.n));
      for (int i = 0; i < c.n; ++i)
        for (int j = 0; j < c.n; ++j) {
          const Region& out = s.pieces[static_cast<std::size_t>(i * c.n + j)].region;
          CHECK(rows_of(out) == c.out[static_cast<std::size_t>(i)]);
          CHECK(cols_of(out) == c.out[static_cast<std::size_t>(j)]);
          Region in = back_propagate(m, 1, 16, out).at(0);
          CHECK(rows_of(in) == c.in[static_cast<std::size_t>(i)]);
          CHECK(cols_of(in) == c.in[static_cast<std::size_t>(j)]);
          // The closed form agrees with the table.
          CHECK(rows_of(in) == in_span(c.out[static_cast<std::size_t>(i)].lo, c.out[static_cast<std::size_t>(i)].hi));
        }
    }
  }
}

TEST_CASE("edgesplit::planner deepthings: degenerate grids are rejected", "[planners]") {
  Model m = zoo_model("yolov2_608_first16");
  Platform p = wifi_platform({"A", "B"}, {1e7, 1e7});
  // 20 rows on 38: stride ⌈38/20⌉ = 2, 19·2 = 38 ≥ 38 leaves row 20 empty; 19 rows (stride 2, 36 < 38) work.
  CHECK_THROWS_WITH(plan_by("deepthings", m, p, {{"grid_rows", 20}, {"grid_cols", 2}}),
                    Catch::Contains("degenerate FTP grid: 20 rows on the 38×38 output") &&
                        Catch::Contains("the largest count below 20 that works is 19"));
  CHECK_NOTHROW(plan_by("deepthings", m, p, {{"grid_rows", 19}, {"grid_cols", 2}}));
  // More columns than the map has.
  CHECK_THROWS_WITH(plan_by("deepthings", m, p, {{"grid_rows", 2}, {"grid_cols", 40}}),
                    Catch::Contains("degenerate FTP grid: 40 cols"));
  // The fused stack must be spatial and end at a cut.
  Model t = tiny_model();
  CHECK_THROWS_WITH(plan_by("deepthings", t, p, {{"fused_layers", 4}, {"grid_rows", 1}, {"grid_cols", 1}}),
                    Catch::Contains("FTP fuses spatial layers only"));
  CHECK_THROWS_WITH(plan_by("deepthings", t, p, {{"fused_layers", 9}}), Catch::Contains("exceeds the model's 4 layers"));
}

TEST_CASE("edgesplit::planner deepthings: tiles go to the device that finishes them first", "[planners]") {
  // tiny_model, layers 1..2 fused, 2×2 grid of conv2's 8×8 output: 4×4 tiles. Output-area accounting: a tile costs
  // conv2 4·4·2·18 = 576 + conv1 5·5·2·9 = 450 (its 5×5 halo region) = 1026 MACs. A (gateway) at 1e3 MACs/s:
  // 1.026 s a tile; B at 2e3: 0.513 s plus the upload of its 6×6 input tile (144 B at 1/(1/1e6 + 1/1e6) =
  // 5e5 B/s: 0.000288 s).
  // Every tile needs a 6×6 input tile (e.g. tile (0,1): conv1 cols [3,8), image cols [2,8)), so all cost alike.
  // Queue 0,1,2,3: t0 → B (0.513288 < 1.026); t1 → A (1.026 < 0.513288 + 0.513288 = 1.026576);
  // t2 → B (1.026576 < A's 2.052); t3 → B (1.539864 < 2.052).
  Model m = tiny_model();
  Platform p = wifi_platform({"A", "B"}, {1e6, 1e6});
  p.devices[1].profile = unit_profile("B", 2e3);
  nlohmann::json o = {{"fused_layers", 2}, {"grid_rows", 2}, {"grid_cols", 2}, {"accounting", "output_area"}};
  Plan plan = plan_by("deepthings", m, p, o);
  REQUIRE(plan.stages.size() == 2);
  const Stage& s = plan.stages[0];
  REQUIRE(s.pieces.size() == 4);
  CHECK(s.pieces[0].device == "B");
  CHECK(s.pieces[1].device == "A");
  CHECK(s.pieces[2].device == "B");
  CHECK(s.pieces[3].device == "B");
  // The rest (pool, fc) on the gateway.
  CHECK(plan.stages[1].first_layer == 3);
  CHECK(plan.stages[1].pieces[0].device == "A");
  // The gateway takes no tile when told so.
  Plan g = plan_by("deepthings", m, p, {{"fused_layers", 2}, {"grid_rows", 2}, {"grid_cols", 2}, {"gateway_tiles", false}});
  for (const auto& pc : g.stages[0].pieces) CHECK(pc.device == "B");

  SECTION("data reuse queues the checkerboard: level 0 (i+j even) first") {
    Plan r = plan_by("deepthings", m, p, {{"fused_layers", 2}, {"grid_rows", 2}, {"grid_cols", 2}, {"data_reuse", true}});
    // Row-major ids 0 (0,0), 3 (1,1) are level 0; 1 (0,1), 2 (1,0) level 1.
    std::vector<Region> tiles = tile_grid(m.layers[2].out, 2, 2);
    REQUIRE(r.stages[0].pieces.size() == 4);
    CHECK(r.stages[0].pieces[0].region == tiles[0]);
    CHECK(r.stages[0].pieces[1].region == tiles[3]);
    CHECK(r.stages[0].pieces[2].region == tiles[1]);
    CHECK(r.stages[0].pieces[3].region == tiles[2]);
  }
}

TEST_CASE("edgesplit::planner deepthings: executed accounting costs at least the output area", "[planners]") {
  // papers.md §8.7: total MACs over tiles ≥ the un-partitioned MACs, and the redundancy grows with the grid.
  Model m = zoo_model("yolov2_608_first16");
  Platform p = wifi_platform({"A", "B"}, {1e7, 1e7});
  std::int64_t whole = model_macs(m);
  std::int64_t prev = whole;
  for (int n : {2, 3, 5}) {
    Plan plan = plan_by("deepthings", m, p, {{"grid_rows", n}, {"grid_cols", n}});
    std::int64_t macs = build_task_graph(plan, m, p).total_macs();
    CHECK(macs > prev);
    prev = macs;
  }
}
