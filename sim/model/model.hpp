// A CNN as a DAG of layers (batch 1, CHW), with shape inference, MACs, parameter counts and activation bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgesplit {

enum class Op {
  Input,           // the image; layer 0 of every model
  Conv,            // standard, grouped, depthwise (groups == in channels), dilated; optional folded BN + activation
  MaxPool,
  AvgPool,
  GlobalAvgPool,   // H×W → 1×1
  FullyConnected,  // flattens its input
  Add,             // element-wise sum of its inputs (residual)
  Concat,          // along channels
  BatchNorm,       // explicit (not folded into the conv before it)
  Activation,      // explicit activation layer
  Reorg,           // Darknet reorg (space-to-depth) by `factor`
  Upsample,        // nearest-neighbour by `factor`
  Softmax,
};

enum class Act { None, ReLU, ReLU6, Leaky, Sigmoid };

// Operation class for the device cost model (`fixed_s + work / rate` per class).
enum class OpClass { Conv, DepthwiseConv, Pool, FullyConnected, Eltwise };

const char* op_name(Op op);
const char* act_name(Act act);
const char* op_class_name(OpClass c);

struct Shape {
  int c = 0, h = 0, w = 0;
  std::int64_t elements() const { return std::int64_t(c) * h * w; }
  bool operator==(const Shape&) const = default;
};

struct Layer {
  std::string name;
  Op op = Op::Conv;
  std::vector<int> inputs;  // indices of producer layers (earlier in the list)

  // Conv / pooling window. Padding is asymmetric-capable (Darknet and TF "same" pad unevenly).
  int out_channels = 0;  // Conv, FullyConnected
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int groups = 1;
  bool ceil_mode = false;  // pooling output size rounds up (Caffe-style GoogLeNet / SqueezeNet pools)
  bool bias = true;        // Conv / FC bias parameters
  bool batch_norm = false; // Conv followed by BN: adds 2·C_out parameters (γ, β; running stats are buffers)
  Act activation = Act::None;
  int factor = 1;          // Reorg stride, Upsample scale

  // Inferred by infer_shapes().
  Shape in;   // shape of inputs[0]
  Shape out;
};

// Published figures a zoo model carries, with their source.
struct ModelFacts {
  double top1 = 0.0;           // ImageNet top-1 % (0 = not applicable / unknown)
  std::string accuracy_source; // where top1 comes from
};

struct Model {
  std::string name;
  std::vector<Layer> layers;  // layers[0] is the Input; topological order
  ModelFacts facts;

  const Layer& input() const { return layers.front(); }
  const Layer& output() const { return layers.back(); }
  int size() const { return static_cast<int>(layers.size()); }
  int index_of(const std::string& layer_name) const;  // -1 when absent
  // For each layer, the layers that consume it.
  std::vector<std::vector<int>> consumers() const;
};

// Fill in every layer's `in`/`out` shape. Throws ModelError naming the layer on any inconsistency.
void infer_shapes(Model& model);

// Multiply-accumulates of one layer (Conv and FullyConnected; 0 for the rest, the convention of torchvision's
// published "GFLOPS", which are MACs).
std::int64_t layer_macs(const Layer& layer);
// Elementary operations of layers that do no MACs (pool window reads, element-wise ops): the work the cost model
// charges to the Pool/Eltwise op classes. 0 for Conv/FC.
std::int64_t layer_other_ops(const Layer& layer);
// Parameters: weights + biases (+ 2·C for batch norm's γ/β), the convention of torchvision's parameter counts.
std::int64_t layer_params(const Layer& layer);
// Bytes of the layer's output activation at `bits` per element (rounded up to whole bytes).
std::int64_t activation_bytes(const Shape& shape, int bits = 32);
OpClass layer_op_class(const Layer& layer);

std::int64_t model_macs(const Model& model);
std::int64_t model_params(const Model& model);

// Check structure: inputs refer to earlier layers, layer 0 is the only Input, names are unique, shapes inferred.
void validate(const Model& model);

}  // namespace edgesplit
