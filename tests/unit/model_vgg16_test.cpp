// edgesplit::Model: VGG-16 against torchvision's published totals and the per-layer figures of papers.md §7.1.
#include <catch2/catch.hpp>

#include "sim/model/zoo.hpp"

using namespace edgesplit;

TEST_CASE("edgesplit::zoo vgg16: totals match torchvision", "[model][zoo]") {
  Model m = zoo_model("vgg16");
  CHECK(model_params(m) == 138357544);  // torchvision VGG16_Weights.IMAGENET1K_V1 num_params, exact
  // 15.47 G MACs published; conv 15.347 G + FC (25088·4096 + 4096·4096 + 4096·1000 = 123.6 M).
  CHECK(model_macs(m) == Approx(15.47e9).epsilon(0.001));
  CHECK(m.facts.top1 == Approx(71.592));
}

TEST_CASE("edgesplit::zoo vgg16: per-layer shapes and MACs", "[model][zoo]") {
  Model m = zoo_model("vgg16");
  const Layer& c11 = m.layers[m.index_of("conv1_1")];
  CHECK(c11.out == Shape{64, 224, 224});
  CHECK(layer_macs(c11) == 224LL * 224 * 64 * 3 * 9);  // 86.7 M
  const Layer& c12 = m.layers[m.index_of("conv1_2")];
  CHECK(layer_macs(c12) == 224LL * 224 * 64 * 64 * 9);  // 1849.7 M
  CHECK(m.layers[m.index_of("pool1")].out == Shape{64, 112, 112});
  CHECK(layer_macs(m.layers[m.index_of("conv5_3")]) == 14LL * 14 * 512 * 512 * 9);  // 462.4 M
  CHECK(m.layers[m.index_of("pool5")].out == Shape{512, 7, 7});
  CHECK(layer_params(m.layers[m.index_of("fc6")]) == 25088LL * 4096 + 4096);
}

TEST_CASE("edgesplit::zoo: unknown names get a suggestion", "[model][zoo]") {
  CHECK_THROWS_WITH(zoo_model("vgg61"), Catch::Contains("unknown model 'vgg61'; did you mean 'vgg16'?"));
}
