// The model zoo: published CNNs built layer by layer, with their published accuracy and its source.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sim/model/model.hpp"

namespace edgesplit {

struct ZooEntry {
  std::string name;         // e.g. "vgg16", "mobilenet_v1_0.75_160", "yolov2_608"
  std::string description;  // one line
  std::function<Model()> build;
};

// Every model in the zoo, in listing order.
const std::vector<ZooEntry>& zoo();
std::vector<std::string> zoo_names();
// Build a zoo model by name; throws InputError with a nearest-name suggestion when unknown.
Model zoo_model(const std::string& name);

}  // namespace edgesplit
