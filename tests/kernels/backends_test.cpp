// Every compiled backend against the reference backend, on small shapes of every layer kind the zoo uses.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "kernels/kernel.hpp"
#include "kernels/partition.hpp"
#include "sim/model/builder.hpp"

using namespace edgesplit;
using namespace edgesplit::kernels;

namespace {

// Odd sizes so that strided windows end unevenly and no backend can rely on divisibility.
constexpr Shape kInput{8, 11, 13};

Model with_asymmetric_padding() {
  ModelBuilder b("asym", kInput);
  int c = b.conv("conv_asym", {.out = 12, .k = 3, .stride = 2, .act = Act::ReLU});
  Layer& l = b.model().layers[c];
  // TF "SAME" at stride 2 pads only after the image: top/left 0, bottom/right 1.
  l.pad_top = 0, l.pad_left = 0, l.pad_bottom = 1, l.pad_right = 1;
  b.conv("conv_asym2", {.out = 6, .k = 3, .act = Act::None});
  Layer& l2 = b.model().layers.back();
  l2.pad_top = 2, l2.pad_bottom = 0, l2.pad_left = 1, l2.pad_right = 2;
  return b.build();
}

// One small model per family of layer kinds; together they cover every Op and Act the kernels implement.
std::vector<Model> layer_zoo() {
  std::vector<Model> ms;
  {
    ModelBuilder b("convs", kInput);
    b.conv("conv3x3", {.out = 16, .k = 3, .act = Act::ReLU});
    b.conv("grouped", {.out = 12, .k = 3, .groups = 4, .act = Act::Leaky});
    b.conv("depthwise", {.out = 12, .k = 3, .groups = 12, .act = Act::ReLU6});
    b.conv("pointwise", {.out = 20, .k = 1, .act = Act::None});
    b.conv("strided", {.out = 10, .k = 3, .stride = 2, .act = Act::ReLU});
    b.conv("dilated", {.out = 8, .k = 3, .dilation = 2, .act = Act::Sigmoid});
    b.conv("k1x5", {.out = 8, .k = 0, .act = Act::ReLU, .kh = 1, .kw = 5});
    b.conv("dw_stride2", {.out = 8, .k = 3, .stride = 2, .groups = 8, .act = Act::ReLU});
    b.conv("k5_nobias", {.out = 6, .k = 5, .bias = false, .act = Act::None});
    ms.push_back(b.build());
  }
  ms.push_back(with_asymmetric_padding());
  {
    ModelBuilder b("pools", kInput);
    b.maxpool("max2", {.k = 2});
    b.maxpool("max3s2p1", {.k = 3, .stride = 2, .pad = 1}, 0);
    b.maxpool("max3s2ceil", {.k = 3, .stride = 2, .ceil = true}, 0);
    b.avgpool("avg3s1p1", {.k = 3, .stride = 1, .pad = 1}, 0);
    b.avgpool("avg2", {.k = 2}, 0);
    b.maxpool("max1s1", {.k = 1, .stride = 1}, 0);
    b.global_avgpool("gap", 0);
    ms.push_back(b.build());
  }
  {
    ModelBuilder b("fc", kInput);
    b.fc("fc_relu", 24, Act::ReLU);
    b.fc("fc_plain", 10, Act::None);
    b.softmax("prob");
    ms.push_back(b.build());
  }
  {
    ModelBuilder b("eltwise", kInput);
    int a = b.conv("a", {.out = 8, .k = 3, .act = Act::None}, 0);
    int c = b.conv("c", {.out = 8, .k = 1, .act = Act::None}, 0);
    b.add("add2_relu", {a, c}, Act::ReLU);
    b.add("add3", {a, c, 0}, Act::None);
    int cat = b.concat("concat", {a, c, 0});
    b.activation("relu", Act::ReLU, cat);
    b.activation("relu6", Act::ReLU6, cat);
    b.activation("leaky", Act::Leaky, cat);
    b.batchnorm("bn", cat);
    b.reorg("reorg", 2, b.conv("even", {.out = 4, .k = 2, .stride = 1, .pad = 0}, 0));  // 10x12: divisible by 2
    b.upsample("upsample", 2, a);
    ms.push_back(b.build());
  }
  return ms;
}

}  // namespace

TEST_CASE("edgesplit::kernels::geometry: band pads worked by hand", "[kernels]") {
  ModelBuilder b("g", Shape{3, 23, 19});
  b.conv("s2", {.out = 4, .k = 3, .stride = 2, .pad = 1});
  Model m = b.build();  // out 12x10
  const Layer& l = m.layers[1];
  SECTION("top band touches the border: one row of virtual padding") {
    // rows [0,4): first window starts at 0·2 − 1 = −1 → in.r0 = 0, pad_top 1; last ends at 3·2 − 1 + 3 = 8.
    Geometry g = geometry(l, row_band(l.out, 0, 4));
    CHECK(g.in == Region{0, 8, 0, 19});
    CHECK(g.pad_top == 1);
    CHECK(g.pad_bottom == 0);
    CHECK(g.pad_left == 1);   // column −1 is padding
    CHECK(g.pad_right == 1);  // last column window (9·2 − 1) + 3 = 20 > 19 = W: one column of padding
  }
  SECTION("interior band: halo rows, no padding") {
    // rows [4,8): start 4·2 − 1 = 7, end 7·2 − 1 + 3 = 16.
    Geometry g = geometry(l, row_band(l.out, 4, 8));
    CHECK(g.in.r0 == 7);
    CHECK(g.in.r1 == 16);
    CHECK(g.pad_top == 0);
    CHECK(g.pad_bottom == 0);
  }
  SECTION("bottom band: padding below") {
    // rows [8,12): start 15, end 11·2 − 1 + 3 = 24 > 23 → in.r1 = 23, pad_bottom 1.
    Geometry g = geometry(l, row_band(l.out, 8, 12));
    CHECK(g.in.r0 == 15);
    CHECK(g.in.r1 == 23);
    CHECK(g.pad_bottom == 1);
  }
}

TEST_CASE("edgesplit::kernels::make_weights: deterministic from the seed", "[kernels]") {
  ModelBuilder b("w", kInput);
  b.conv("c", {.out = 4, .k = 3});
  Model m = b.build();
  LayerWeights a = make_weights(m.layers[1], 7), a2 = make_weights(m.layers[1], 7), c = make_weights(m.layers[1], 8);
  REQUIRE(a.weights.size() == 4u * 8 * 3 * 3);
  CHECK(a.weights == a2.weights);
  CHECK(a.bias == a2.bias);
  CHECK(a.weights != c.weights);
  // He-uniform bound sqrt(6 / (8·3·3)) = 0.2887.
  for (float w : a.weights) REQUIRE(std::fabs(w) <= 0.28868f);
}

TEST_CASE("edgesplit::kernels: every backend equals the reference on every layer kind", "[kernels]") {
  auto names = backend_names();
  REQUIRE(names.back() == "reference");
  auto ref = make_backend("reference");
  for (const Model& m : layer_zoo()) {
    auto weights = make_model_weights(m, 42);
    Tensor input = random_tensor(m.input().out, 1234);
    auto expect = run_model(*ref, m, weights, input);
    for (const std::string& name : names) {
      if (name == "reference") continue;
      auto backend = make_backend(name);
      auto got = run_model(*backend, m, weights, input);
      for (int i = 1; i < m.size(); ++i) {
        INFO(fmt::format("backend {} model {} layer {} ({}), impl {}", name, m.name, m.layers[i].name,
                         op_name(m.layers[i].op),
                         backend->prepare(m.layers[i], weights[i], full_region(m.layers[i].out))->impl()));
        REQUIRE(got[i].shape == expect[i].shape);
        REQUIRE(max_abs(expect[i]) > 0);
        CHECK(max_abs_diff(got[i], expect[i]) <= 1e-5f * max_abs(expect[i]));
      }
    }
  }
}

TEST_CASE("edgesplit::kernels: the optimised backends run conv, FC and pooling natively", "[kernels]") {
  ModelBuilder b("native", kInput);
  b.conv("conv", {.out = 8, .k = 3});
  b.maxpool("pool", {.k = 2});
  b.fc("fc", 4);
  Model m = b.build();
  auto weights = make_model_weights(m, 1);
  for (const std::string& name : backend_names()) {
    if (name == "reference") continue;
    auto backend = make_backend(name);
    INFO(name);
    CHECK(backend->prepare(m.layers[1], weights[1], full_region(m.layers[1].out))->impl() != "reference");
    CHECK(backend->prepare(m.layers[3], weights[3], full_region(m.layers[3].out))->impl() != "reference");
    if (name != "openblas")  // OpenBLAS has no pooling; it uses the reference loop
      CHECK(backend->prepare(m.layers[2], weights[2], full_region(m.layers[2].out))->impl() != "reference");
  }
}

TEST_CASE("edgesplit::kernels::make_backend: unknown name lists the known ones", "[kernels]") {
  CHECK_THROWS_WITH(make_backend("onedn"), Catch::Contains("unknown backend 'onedn'") &&
                                              Catch::Contains("reference"));
  CHECK_THROWS_WITH(make_backend("reference", 0), Catch::Contains("threads"));
}
