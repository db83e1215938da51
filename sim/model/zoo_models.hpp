// Internal to the zoo: the model definitions, one function per family, spread over sim/model/zoo_*.cpp.
#pragma once

#include <string>

#include "sim/model/builder.hpp"
#include "sim/model/model.hpp"

namespace edgesplit::zoo_detail {

inline constexpr const char* kTorchvision = "torchvision ImageNet-1K weight metadata (Acc@1)";

// Conv without bias followed by batch norm (torchvision's BasicConv2d / conv-bn pairs, Darknet's
// batch_normalize=1): the parameter count then includes BN's γ and β, as torchvision's does.
inline ConvSpec bn_conv(int out, int k, int stride = 1, int pad = -1, Act act = Act::ReLU) {
  return {.out = out, .k = k, .stride = stride, .pad = pad, .bias = false, .bn = true, .act = act};
}

Model vgg16();
Model alexnet();
Model resnet18();
Model resnet34();
Model resnet50();
Model googlenet();
Model inception_v3();
Model squeezenet1_0();
Model squeezenet1_1();
Model mobilenet_v2();
// alpha_tag is the TF-slim spelling: "1.0", "0.75", "0.5", "0.25".
Model mobilenet_v1(const std::string& alpha_tag, int resolution);
// fused_layers = 0: the whole network; 16: DeepThings' fused stack (Darknet layers 0-15).
Model yolov2(int resolution, int fused_layers = 0);

}  // namespace edgesplit::zoo_detail
