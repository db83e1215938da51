// Zoo registry and VGG-16. The other families live in zoo_imagenet.cpp (torchvision ImageNet models),
// zoo_mobilenet.cpp (MobileNet-V1 grid, MobileNet-V2) and zoo_yolo.cpp (Darknet YOLOv2); each entry carries its
// published accuracy and the source of that figure.
#include "sim/model/zoo.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/model/builder.hpp"
#include "sim/model/zoo_models.hpp"

namespace edgesplit {

namespace zoo_detail {

// VGG-16 (Simonyan & Zisserman 2015, configuration D), torchvision layout: 13 3×3/1 pad-1 convs, 5 2×2/2 max-pools,
// three FC layers (classifier dropout has no cost and is omitted).
Model vgg16() {
  ModelBuilder b("vgg16", {3, 224, 224});
  const int widths[5] = {64, 128, 256, 512, 512};
  const int convs[5] = {2, 2, 3, 3, 3};
  for (int block = 0; block < 5; ++block) {
    for (int i = 0; i < convs[block]; ++i)
      b.conv(fmt::format("conv{}_{}", block + 1, i + 1), {.out = widths[block], .k = 3, .pad = 1});
    b.maxpool(fmt::format("pool{}", block + 1), {.k = 2});
  }
  b.fc("fc6", 4096, Act::ReLU);
  b.fc("fc7", 4096, Act::ReLU);
  b.fc("fc8", 1000);
  return b.build({71.592, kTorchvision});
}

}  // namespace zoo_detail

namespace {

std::vector<ZooEntry> make_entries() {
  using namespace zoo_detail;
  std::vector<ZooEntry> e = {
      {"vgg16", "VGG-16 (configuration D), 224x224", vgg16},
      {"alexnet", "AlexNet (torchvision one-GPU variant), 224x224", alexnet},
      {"resnet18", "ResNet-18 (torchvision), 224x224", resnet18},
      {"resnet34", "ResNet-34 (torchvision), 224x224", resnet34},
      {"resnet50", "ResNet-50 v1.5 (torchvision, stride on the 3x3), 224x224", resnet50},
      {"googlenet", "GoogLeNet / Inception-v1 (torchvision, BN, no aux heads), 224x224", googlenet},
      {"inception_v3", "Inception-v3 (torchvision, inference graph without the aux head), 299x299", inception_v3},
      {"squeezenet1_0", "SqueezeNet 1.0 (torchvision, ceil-mode pools), 224x224", squeezenet1_0},
      {"squeezenet1_1", "SqueezeNet 1.1 (torchvision, ceil-mode pools), 224x224", squeezenet1_1},
      {"mobilenet_v2", "MobileNet-V2 width 1.0 (torchvision), 224x224", mobilenet_v2},
  };
  for (const char* alpha : {"1.0", "0.75", "0.5", "0.25"})
    for (int res : {224, 192, 160, 128}) {
      std::string a = alpha;
      e.push_back({fmt::format("mobilenet_v1_{}_{}", a, res),
                   fmt::format("MobileNet-V1 width {} (TF-slim), {}x{}", a, res, res),
                   [a, res] { return mobilenet_v1(a, res); }});
    }
  for (int res : {416, 448, 608})
    e.push_back({fmt::format("yolov2_{}", res), fmt::format("YOLOv2 (Darknet yolo.cfg, COCO 80 classes), {}x{}", res, res),
                 [res] { return yolov2(res); }});
  e.push_back({"yolov2_608_first16", "YOLOv2 608 Darknet layers 0-15 (DeepThings' fused stack, 12 conv + 4 pool)",
               [] { return yolov2(608, 16); }});
  return e;
}

}  // namespace

const std::vector<ZooEntry>& zoo() {
  static const std::vector<ZooEntry> entries = make_entries();
  return entries;
}

std::vector<std::string> zoo_names() {
  std::vector<std::string> names;
  for (const auto& e : zoo()) names.push_back(e.name);
  return names;
}

Model zoo_model(const std::string& name) {
  for (const auto& e : zoo())
    if (e.name == name) return e.build();
  throw InputError(InputIssue{"", 0, 0, "model", unknown_name_message("model", name, zoo_names())});
}

}  // namespace edgesplit
