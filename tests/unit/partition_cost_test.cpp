// edgesplit::fused_run_cost / region_macs: output-area vs executed MACs of fused tiles, worked by hand on a small
// chain, and checked against the padding-aware fused-tile redundancy of VGG-16 in papers.md §1.7.
#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "sim/common/error.hpp"
#include "sim/model/builder.hpp"
#include "sim/model/partition_cost.hpp"
#include "sim/model/zoo.hpp"
#include "tests/unit/catch_region.hpp"

using namespace edgesplit;

namespace {

// input 2x12x12 → A: conv 3x3/1 pad 1, 4 ch (12x12; 4·2·9 = 72 MACs per output pixel) → P: max 2x2/2 (6x6)
// → B: conv 3x3/1 pad 1, 3 ch (6x6; 3·4·9 = 108 MACs per output pixel). Monolithic: 144·72 + 36·108 = 14,256.
Model chain() {
  ModelBuilder b("chain", {2, 12, 12});
  b.conv("A", {.out = 4, .k = 3, .pad = 1});
  b.maxpool("P", {.k = 2});
  b.conv("B", {.out = 3, .k = 3, .pad = 1});
  return b.build();
}

// Tiles of an n-long axis cut into k parts that differ by at most one (the larger ones first).
std::vector<std::pair<int, int>> split(int n, int k) {
  std::vector<std::pair<int, int>> v;
  for (int i = 0, a = 0; i < k; ++i) {
    const int len = n / k + (i < n % k ? 1 : 0);
    v.emplace_back(a, a + len);
    a += len;
  }
  return v;
}

}  // namespace

TEST_CASE("edgesplit::fused_run_cost: a 3-layer chain worked by hand", "[model][partition]") {
  Model m = chain();
  REQUIRE(model_macs(m) == 14256);
  SECTION("top band: B rows [0, 3)") {
    // B out [0,3)x[0,6) needs P out [0,4) (top is padding); P out [0,4) needs A out [0,8)x[0,12); A needs the
    // image [0,9)x[0,12).
    // Output-area: B 3·6·108 = 1,944; A 8·12·72 = 6,912 → 8,856.
    // Executed: A runs on the 9-row tile with pad 1 → 9x12 outputs = 108·72 = 7,776 (crop to 8 rows);
    // P on 8x12 → 4x6; B on the 4-row tile → 4x6 = 24·108 = 2,592 (crop to 3 rows) → 10,368.
    auto c = fused_run_cost(m, 1, 3, Region{0, 3, 0, 6});
    REQUIRE(c.layers.size() == 3);
    CHECK(c.inputs.at(0) == Region{0, 9, 0, 12});
    CHECK(c.layers[0].out == Region{0, 8, 0, 12});
    CHECK(c.layers[0].in == Region{0, 9, 0, 12});
    CHECK(c.layers[0].executed_rows == 9);
    CHECK(c.layers[0].output_area_macs == 6912);
    CHECK(c.layers[0].executed_macs == 7776);
    CHECK(c.layers[1].out == Region{0, 4, 0, 6});
    CHECK(c.layers[1].executed_macs == 0);
    CHECK(c.layers[2].in == Region{0, 4, 0, 6});
    CHECK(c.layers[2].valid == Region{0, 3, 0, 6});  // row 3's window reaches row 4, outside the tile
    CHECK(c.layers[2].output_area_macs == 1944);
    CHECK(c.layers[2].executed_macs == 2592);
    CHECK(c.output_area_macs == 8856);
    CHECK(c.executed_macs == 10368);
    CHECK(c.macs(ComputeAccounting::Executed) == 10368);
  }
  SECTION("interior band: B rows [2, 4)") {
    // B [2,4) ← P [1,5) ← A [2,10) ← image [1,11).
    // Output-area: B 2·6·108 = 1,296; A 8·12·72 = 6,912 → 8,208.
    // Executed: A on 10 rows → 10·12·72 = 8,640; B on 4 rows → 4·6·108 = 2,592 → 11,232.
    auto c = fused_run_cost(m, 1, 3, Region{2, 4, 0, 6});
    CHECK(c.inputs.at(0) == Region{1, 11, 0, 12});
    CHECK(c.layers[0].out == Region{2, 10, 0, 12});
    CHECK(c.output_area_macs == 8208);
    CHECK(c.executed_macs == 11232);
  }
  SECTION("full frame: both equal the monolithic MACs") {
    auto c = fused_run_cost(m, 1, 3, full_region(m.output().out));
    CHECK(c.output_area_macs == 14256);
    CHECK(c.executed_macs == 14256);
  }
  SECTION("a run that does not start at the image") {
    // P..B for B rows [0, 3): P out [0,4), P needs A's output rows [0,8) — A is outside the run, so it is an input.
    auto c = fused_run_cost(m, 2, 3, Region{0, 3, 0, 6});
    CHECK(c.inputs.at(1) == Region{0, 8, 0, 12});
    CHECK(c.output_area_macs == 1944);
    CHECK_THROWS_AS(fused_run_cost(m, 0, 3, Region{0, 3, 0, 6}), ModelError);
  }
}

TEST_CASE("edgesplit::region_macs: per-op convention", "[model][partition]") {
  Model v = zoo_model("vgg16");
  const Layer& c12 = v.layers[v.index_of("conv1_2")];
  CHECK(region_macs(c12, Region{0, 2, 0, 3}) == 6LL * 64 * 64 * 9);           // 2x3 outputs
  CHECK(region_macs(c12, Region{220, 230, 0, 224}) == 4LL * 224 * 64 * 64 * 9);  // clipped to rows [220, 224)
  CHECK(region_macs(c12, full_region(c12.out)) == layer_macs(c12));
  CHECK(region_macs(v.layers[v.index_of("pool1")], Region{0, 10, 0, 10}) == 0);
  CHECK(region_macs(v.layers[v.index_of("fc6")], Region{0, 1, 0, 1}) == 25088LL * 4096);
  CHECK(compute_accounting_from_name("executed") == ComputeAccounting::Executed);
  CHECK_THROWS_WITH(compute_accounting_from_name("executd"), Catch::Contains("did you mean 'executed'?"));
}

TEST_CASE("edgesplit::fused_run_cost: VGG-16 fused-tile redundancy matches papers.md §1.7", "[model][partition]") {
  // §1.7 [C]: total MACs of an r×c grid of fused tiles (padding-aware back-propagation, border clipping, tiles
  // differing by at most one row/column) over the monolithic MACs of the block, rounded to 1 % — this is the
  // output-area convention. Executed (Darknet same-padding on every tile) must be at least that.
  Model m = zoo_model("vgg16");
  struct Case {
    const char* last;
    int rows, cols;
    double percent;
  };
  const Case cases[] = {
      {"conv3_1", 1, 2, 105}, {"conv3_1", 2, 2, 109}, {"conv3_1", 2, 3, 114}, {"conv3_1", 3, 3, 119},
      {"conv4_3", 1, 2, 121}, {"conv4_3", 2, 2, 149}, {"conv4_3", 2, 3, 176}, {"conv4_3", 3, 3, 210},
      {"pool5", 1, 2, 160},   {"pool5", 2, 2, 259},   {"pool5", 2, 3, 350},   {"pool5", 3, 3, 474},
  };
  for (const auto& k : cases) {
    const int last = m.index_of(k.last);
    std::int64_t mono = 0;
    for (int i = 1; i <= last; ++i) mono += layer_macs(m.layers[i]);
    const Shape s = m.layers[last].out;
    std::int64_t area = 0, executed = 0;
    for (auto [r0, r1] : split(s.h, k.rows))
      for (auto [c0, c1] : split(s.w, k.cols)) {
        auto c = fused_run_cost(m, 1, last, Region{r0, r1, c0, c1});
        area += c.output_area_macs;
        executed += c.executed_macs;
        for (const auto& l : c.layers) CHECK(l.executed_macs >= l.output_area_macs);
      }
    INFO(k.last << " " << k.rows << "x" << k.cols);
    CHECK(100.0 * area / mono == Approx(k.percent).margin(0.5));
    CHECK(executed > area);
  }
}

TEST_CASE("edgesplit::fused_run_cost: DeepThings 2x2 grid on YOLOv2's first 16 layers", "[model][partition]") {
  Model f = zoo_model("yolov2_608_first16");
  const std::int64_t mono = model_macs(f);  // 13,000,343,552
  auto whole = fused_run_cost(f, 1, f.size() - 1, full_region(f.output().out));
  CHECK(whole.output_area_macs == mono);
  CHECK(whole.executed_macs == mono);
  // DeepThings grid(): 38 rows cut with stride ceil(38/2) = 19. Overlapping tiles cost more than the whole; the
  // last layer (1x1, no halo) alone is split exactly.
  std::int64_t area = 0, executed = 0, last_layer = 0;
  for (auto [r0, r1] : split(38, 2))
    for (auto [c0, c1] : split(38, 2)) {
      auto c = fused_run_cost(f, 1, f.size() - 1, Region{r0, r1, c0, c1});
      area += c.output_area_macs;
      executed += c.executed_macs;
      last_layer += c.layers.back().output_area_macs;
    }
  CHECK(last_layer == layer_macs(f.output()));
  CHECK(area > mono);
  CHECK(executed > area);
}
