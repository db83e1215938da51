// Model YAML: a hand-checked small CNN, and errors located at the layer that causes them.
#include <catch2/catch.hpp>

#include "sim/common/error.hpp"
#include "sim/scenario/model_yaml.hpp"

using namespace edgesplit;

namespace {
std::string error_of(const std::string& text) {
  try {
    parse_model_yaml(text, "m.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("edgesplit::load_model_yaml: shapes, MACs and parameters of tests/data/models/tiny.yaml", "[model_yaml]") {
  Model m = load_model_yaml(std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/models/tiny.yaml");
  CHECK(m.name == "tiny");
  REQUIRE(m.size() == 11);  // input + 10 layers
  CHECK(m.layers[m.index_of("cat")].out == Shape{16, 16, 16});
  CHECK(m.layers[m.index_of("dw")].out == Shape{16, 8, 8});
  CHECK(m.layers[m.index_of("sum")].inputs == std::vector<int>{6, 7});
  CHECK(m.output().out == Shape{10, 1, 1});
  // MACs = out elements x (in channels / groups) x kernel area:
  //   conv1 16·32·32·3·9 = 442368; b1 8·16·16·16 = 32768; b2 8·16·16·16·9 = 294912;
  //   dw 16·8·8·1·9 = 9216; proj 16·8·8·16 = 16384; fc 16·10 = 160. Sum 795808.
  CHECK(layer_macs(m.layers[m.index_of("conv1")]) == 442368);
  CHECK(layer_macs(m.layers[m.index_of("dw")]) == 9216);
  CHECK(model_macs(m) == 795808);
  // Params: conv1 16·27+16 = 448; b1 8·16+8 = 136; b2 8·144+8 = 1160; dw 16·9+16 = 160; proj 16·16 (no bias) = 256;
  //   fc 16·10+10 = 170. Sum 2330.
  CHECK(model_params(m) == 2330);
  CHECK(m.layers[m.index_of("b2")].pad_top == 1);  // same: (3-1)/2
  CHECK(m.layers[m.index_of("sum")].activation == Act::ReLU);
}

TEST_CASE("edgesplit::parse_model_yaml: errors name file, line, key", "[model_yaml]") {
  SECTION("unknown op, unknown input, missing hyper-parameter, unknown key: all reported") {
    CHECK(error_of("model: m\ninput: [3, 8, 8]\nlayers:\n"
                   "  - {name: a, op: cnov, out: 4}\n"
                   "  - {name: b, op: conv, kernel: 3, inputs: [input, aa]}\n"
                   "  - {name: c, op: maxpool, kernel: 2, strid: 2}\n") ==
          "m.yaml:4:19: layers[0].op: unknown op 'cnov'; did you mean 'conv'? known: conv, maxpool, avgpool, "
          "global_avgpool, fc, add, concat, batchnorm, activation, reorg, upsample, softmax\n"
          "m.yaml:5:5: layers[1].out: missing key\n"
          "m.yaml:5:52: layers[1].inputs[1]: unknown layer 'aa'; did you mean 'a'? known: input, a (inputs name earlier "
          "layers)\n"
          "m.yaml:6:39: layers[2].strid: unknown key 'strid'; did you mean 'stride'? valid keys: name, op, inputs, kernel, "
          "stride, pad, ceil_mode");
  }
  SECTION("shape errors from infer_shapes point at the layer") {
    CHECK(error_of("model: m\ninput: [3, 8, 8]\nlayers:\n"
                   "  - {name: a, op: conv, out: 4, kernel: 3}\n"
                   "  - {name: b, op: conv, out: 6, kernel: 1, inputs: input}\n"
                   "  - {name: s, op: add, inputs: [a, b]}\n") ==
          "m.yaml:6:5: layers[2]: layer 's' (add): input 'b' is 6x8x8 but 'a' is 4x6x6");
    CHECK(error_of("model: m\ninput: [3, 8, 8]\nlayers:\n  - {name: a, op: conv, out: 4, kernel: 3, groups: 2}\n") ==
          "m.yaml:4:5: layers[0]: layer 'a' (conv): groups 2 must divide in channels 3 and out channels 4");
  }
  SECTION("duplicate names and bad input") {
    CHECK(error_of("model: m\ninput: [3, 0]\nlayers:\n  - {name: a, op: softmax}\n  - {name: a, op: softmax}\n") ==
          "m.yaml:2:8: input: expected [channels, height, width], found a list\n"
          "m.yaml:5:12: layers[1].name: duplicate layer name 'a'");
  }
}
