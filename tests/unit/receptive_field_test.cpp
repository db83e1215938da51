// edgesplit receptive fields: back-propagation of output regions through single layers, fused chains and a residual
// block, and the forward (computable) map — every expected region worked out by hand beside its assert.
// Regions are half-open: rows [r0, r1), columns [c0, c1).
#include <catch2/catch.hpp>

#include "sim/model/builder.hpp"
#include "sim/model/receptive_field.hpp"
#include "sim/model/zoo.hpp"
#include "tests/unit/catch_region.hpp"

using namespace edgesplit;

namespace {
int idx(const Model& m, const std::string& name) {
  const int i = m.index_of(name);
  REQUIRE(i >= 0);
  return i;
}
}  // namespace

TEST_CASE("edgesplit::back_propagate: VGG-16 row bands need h + 2n rows, clipped at the borders", "[model][rf]") {
  Model m = zoo_model("vgg16");
  const int c11 = idx(m, "conv1_1"), c12 = idx(m, "conv1_2");
  const Shape s = m.layers[c12].out;  // 64x224x224
  SECTION("interior band") {
    // conv1_2 rows [100, 110) (h = 10): a 3x3/1 pad-1 conv needs one more row each side, so conv1_1 must produce
    // [99, 111) and the image must supply [98, 112): 14 = h + 2n rows for n = 2 convs.
    auto r = back_propagate(m, c11, c12, row_band(s, 100, 110));
    CHECK(r.at(c12) == Region{100, 110, 0, 224});
    CHECK(r.at(c11) == Region{99, 111, 0, 224});
    CHECK(r.at(0) == Region{98, 112, 0, 224});
    CHECK(r.at(0).rows() == 10 + 2 * 2);
  }
  SECTION("top border") {
    // rows [0, 10): the halo above row 0 is padding, so only the bottom side grows: [0, 11) then [0, 12).
    auto r = back_propagate(m, c11, c12, row_band(s, 0, 10));
    CHECK(r.at(c11) == Region{0, 11, 0, 224});
    CHECK(r.at(0) == Region{0, 12, 0, 224});
  }
  SECTION("bottom border") {
    // rows [214, 224): [213, 224) then [212, 224) — the rows past 223 are padding.
    auto r = back_propagate(m, c11, c12, row_band(s, 214, 224));
    CHECK(r.at(c11) == Region{213, 224, 0, 224});
    CHECK(r.at(0) == Region{212, 224, 0, 224});
  }
  SECTION("through a 2x2/2 pool: conv2_2 rows [10, 20) back to the image") {
    // conv2_2 [10,20) ← conv2_1 [9,21) ← pool1 out [8,22) ← pool1 in = conv1_2 [16,44) (2x2/2: [a,b] → [2a,2b+1],
    // i.e. half-open [8,22) → [16,44)) ← conv1_1 [15,45) ← image [14,46).
    const int c22 = idx(m, "conv2_2");
    auto r = back_propagate(m, c11, c22, row_band(m.layers[c22].out, 10, 20));
    CHECK(r.at(idx(m, "conv2_1")) == Region{9, 21, 0, 112});
    CHECK(r.at(idx(m, "pool1")) == Region{8, 22, 0, 112});
    CHECK(r.at(c12) == Region{16, 44, 0, 224});
    CHECK(r.at(0) == Region{14, 46, 0, 224});
  }
  SECTION("2-D tile at the top-right corner") {
    // rows [0, 8), columns [216, 224): each 3x3 conv grows the tile by one row down and one column left only.
    auto r = back_propagate(m, c11, c12, Region{0, 8, 216, 224});
    CHECK(r.at(c11) == Region{0, 9, 215, 224});
    CHECK(r.at(0) == Region{0, 10, 214, 224});
  }
}

TEST_CASE("edgesplit::input_region: strides, pools, dilation, ceil mode and reorg by hand", "[model][rf]") {
  ModelBuilder b("rf", {4, 16, 16});
  const int s2 = b.conv("s2", {.out = 4, .k = 3, .stride = 2, .pad = 1}, 0);      // 16 → 8
  const int pool = b.maxpool("pool", {.k = 2}, 0);                                 // 16 → 8
  const int dil = b.conv("dil", {.out = 4, .k = 3, .pad = 2, .dilation = 2}, 0);  // 16 → 16
  const int s7 = b.conv("s7", {.out = 4, .k = 7, .stride = 2, .pad = 3}, 0);      // 16 → 8 (ResNet stem)
  const int ceil = b.maxpool("ceil", {.k = 3, .stride = 2, .ceil = true}, 0);     // ceil(13/2)+1 = 8
  const int reorg = b.reorg("reorg", 2, 0);                                        // 16x16x4 → 8x8x16
  b.concat("join", {s2, pool, s7, ceil, reorg});
  Model m = b.build();
  REQUIRE(m.layers[ceil].out.h == 8);

  SECTION("3x3/2 pad 1") {
    // out rows [2, 5): first window starts at 2·2 − 1 = 3, last ends at (5−1)·2 − 1 + 3 = 10 → [3, 10).
    CHECK(input_region(m.layers[s2], Region{2, 5, 0, 8}) == Region{3, 10, 0, 16});
    // top row [0, 1): window [−1, 2) clipped → [0, 2).
    CHECK(input_region(m.layers[s2], Region{0, 1, 0, 1}) == Region{0, 2, 0, 2});
  }
  SECTION("7x7/2 pad 3") {
    // out rows [3, 5): [3·2 − 3, 4·2 − 3 + 7) = [3, 12).
    CHECK(input_region(m.layers[s7], Region{3, 5, 3, 5}) == Region{3, 12, 3, 12});
  }
  SECTION("2x2/2 pool maps [a, b] to [2a, 2b+1]") {
    // closed rows [3, 5] = half-open [3, 6) → closed [6, 11] = [6, 12).
    CHECK(input_region(m.layers[pool], Region{3, 6, 0, 8}) == Region{6, 12, 0, 16});
  }
  SECTION("dilation 2, 3x3, pad 2") {
    // effective kernel (3−1)·2 + 1 = 5: out rows [5, 8) → [5 − 2, 7 − 2 + 5) = [3, 10).
    CHECK(input_region(m.layers[dil], Region{5, 8, 0, 16}) == Region{3, 10, 0, 16});
  }
  SECTION("ceil-mode pool: the last window hangs over the edge and is clipped") {
    // out row 7: window [14, 17) clipped to the 16 input rows → [14, 16).
    CHECK(input_region(m.layers[ceil], Region{7, 8, 0, 8}) == Region{14, 16, 0, 16});
  }
  SECTION("reorg (space-to-depth) by 2") {
    CHECK(input_region(m.layers[reorg], Region{1, 3, 0, 8}) == Region{2, 6, 0, 16});
  }
  SECTION("forward map inverts the backward one") {
    // 3x3/2: input [3, 10) computes out o when [2o − 1, 2o + 2) ⊆ [3, 10): o ∈ [2, 5).
    CHECK(computable_region(m.layers[s2], Region{3, 10, 0, 16}) == Region{2, 5, 0, 8});
    // pool: [7, 12) starts mid-window, so only outputs 4 and 5 (windows [8,10), [10,12)).
    CHECK(computable_region(m.layers[pool], Region{7, 12, 0, 16}) == Region{4, 6, 0, 8});
    // at the top border padding is free: [0, 2) computes output row 0 of the 3x3/2 conv.
    CHECK(computable_region(m.layers[s2], Region{0, 2, 0, 16}) == Region{0, 1, 0, 8});
  }
}

TEST_CASE("edgesplit::back_propagate: ResNet residual blocks unite the paths", "[model][rf]") {
  Model m = zoo_model("resnet18");
  SECTION("identity block layer1.1 (56x56)") {
    // add [a,b) ← conv2 [a,b) ← conv1 [a−1,b+1) ← x [a−2,b+2); the identity path needs x [a,b) only.
    // Union for [10, 20): x rows [8, 22).
    const int c1 = idx(m, "layer1.1.conv1"), add = idx(m, "layer1.1.add");
    auto r = back_propagate(m, c1, add, row_band(m.layers[add].out, 10, 20));
    CHECK(r.at(idx(m, "layer1.1.conv2")) == Region{10, 20, 0, 56});
    CHECK(r.at(c1) == Region{9, 21, 0, 56});
    CHECK(r.at(idx(m, "layer1.0.add")) == Region{8, 22, 0, 56});  // the block input, outside the run
  }
  SECTION("downsampling block layer2.0 (56 → 28)") {
    // add rows [4, 8) ← conv2 (3x3/1) [4,8) ← conv1 out [3, 9) ← x [2·3 − 1, 8·2 − 1 + 3) = [5, 18);
    // downsample (1x1/2, pad 0) [4,8) ← x [8, 7·2 + 1) = [8, 15). Union: x [5, 18); columns likewise [0, 56).
    const int c1 = idx(m, "layer2.0.conv1"), add = idx(m, "layer2.0.add");
    auto r = back_propagate(m, c1, add, row_band(m.layers[add].out, 4, 8));
    CHECK(r.at(idx(m, "layer2.0.downsample")) == Region{4, 8, 0, 28});
    CHECK(r.at(idx(m, "layer2.0.conv2")) == Region{4, 8, 0, 28});
    CHECK(r.at(c1) == Region{3, 9, 0, 28});
    CHECK(r.at(idx(m, "layer1.1.add")) == Region{5, 18, 0, 56});
  }
  SECTION("a region larger than the map is clipped to it") {
    const int add = idx(m, "layer1.1.add");
    auto r = back_propagate(m, add, add, Region{50, 70, 0, 56});
    CHECK(r.at(add) == Region{50, 56, 0, 56});
  }
}

TEST_CASE("edgesplit::back_propagate: YOLOv2 passthrough and the fused first-16 stack", "[model][rf]") {
  Model y = zoo_model("yolov2_608");
  // route28 rows [2, 4) of 19: reorg27 [2,4) ← conv26 (1x1) [4, 8) ← conv16 [4, 8); conv24 path: conv24 [2,4)
  // ← conv23 [1,5) … the passthrough needs conv16 rows [4, 8) of 38, while the main path reaches conv16 only
  // through max17 beyond this run.
  const int reorg = idx(y, "reorg27"), route = idx(y, "route28");
  auto r = back_propagate(y, reorg - 1, route, row_band(y.layers[route].out, 2, 4));
  CHECK(r.at(reorg) == Region{2, 4, 0, 19});
  CHECK(r.at(idx(y, "conv26")) == Region{4, 8, 0, 38});
  CHECK(r.at(idx(y, "conv16")) == Region{4, 8, 0, 38});
  CHECK(r.at(idx(y, "conv24")) == Region{2, 4, 0, 19});

  Model f = zoo_model("yolov2_608_first16");
  // One output row of the 38x38 map (row 10), the region each layer must produce: conv15 (1x1) [10,11); conv14
  // [10,11); conv13 (1x1) [9,12); conv12 [9,12); max11 [8,13); conv10 [16,26) (2x2/2: ×2); conv9 (1x1) [15,27);
  // conv8 [15,27); max7 [14,28); conv6 [28,56); conv5 (1x1) [27,57); conv4 [27,57); max3 [26,58); conv2 [52,116);
  // max1 [51,117); conv0 [102,234); image [101,235) — 134 rows for one output row.
  auto t = back_propagate(f, 1, f.size() - 1, row_band(f.output().out, 10, 11));
  CHECK(t.at(idx(f, "conv12")) == Region{9, 12, 0, 38});
  CHECK(t.at(idx(f, "max11")) == Region{8, 13, 0, 38});
  CHECK(t.at(idx(f, "conv8")) == Region{15, 27, 0, 76});
  CHECK(t.at(idx(f, "conv4")) == Region{27, 57, 0, 152});
  CHECK(t.at(idx(f, "conv2")) == Region{52, 116, 0, 304});
  CHECK(t.at(idx(f, "conv0")) == Region{102, 234, 0, 608});
  CHECK(t.at(0) == Region{101, 235, 0, 608});
}

TEST_CASE("edgesplit::input_region: asymmetric kernels and TF 'SAME' padding", "[model][rf]") {
  SECTION("Inception-v3 1x7 conv, pad (0, 3)") {
    // rows map 1:1; columns [5, 8) → [5 − 3, 7 − 3 + 7) = [2, 11).
    Model m = zoo_model("inception_v3");
    const Layer& l = m.layers[idx(m, "Mixed_6b.branch7x7_2")];
    CHECK(input_region(l, Region{2, 4, 5, 8}) == Region{2, 4, 2, 11});
  }
  SECTION("MobileNet-V1 stem, 3x3/2 with pad_top 0, pad_bottom 1") {
    // out row 0: window [0, 3) (no padding above); out row 79 of 80: [158, 161) clipped to the 160 rows.
    Model m = zoo_model("mobilenet_v1_1.0_160");
    const Layer& l = m.layers[idx(m, "Conv2d_0")];
    CHECK(input_region(l, Region{0, 1, 0, 1}) == Region{0, 3, 0, 3});
    CHECK(input_region(l, Region{79, 80, 79, 80}) == Region{158, 160, 158, 160});
    // PyTorch's symmetric pad 1 would give [−1, 2) → [0, 2) for row 0: the two conventions differ by one row.
  }
}
