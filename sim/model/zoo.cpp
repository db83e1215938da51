// Zoo registry and the model definitions. Layer lists follow torchvision's definitions (ImageNet models) and
// Darknet's cfg files (YOLOv2); the accuracy figures and their sources are listed beside each entry.
#include "sim/model/zoo.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/model/builder.hpp"

namespace edgesplit {

namespace {

const char* kTorchvision = "torchvision ImageNet-1K weight metadata (Acc@1)";

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

}  // namespace

const std::vector<ZooEntry>& zoo() {
  static const std::vector<ZooEntry> entries = {
      {"vgg16", "VGG-16 (configuration D), 224x224", vgg16},
  };
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
