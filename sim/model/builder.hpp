// A small fluent builder for writing models in C++ (the zoo, tests). Each call appends a layer and returns its index;
// `from = -1` means "the previous layer".
#pragma once

#include <initializer_list>
#include <string>

#include "sim/model/model.hpp"

namespace edgesplit {

struct ConvSpec {
  int out = 0;
  int k = 3;
  int stride = 1;
  int pad = -1;  // -1: "same"-style ((k-1)/2 · dilation) on every side
  int groups = 1;
  int dilation = 1;
  bool bias = true;
  bool bn = false;
  Act act = Act::ReLU;
  int kh = 0, kw = 0;        // non-square kernels (Inception 1×7 / 7×1); 0 = k
  int pad_h = -1, pad_w = -1; // per-axis padding; -1 = from pad
};

struct PoolSpec {
  int k = 2;
  int stride = -1;  // -1 = k
  int pad = 0;
  bool ceil = false;
};

class ModelBuilder {
 public:
  ModelBuilder(std::string name, Shape input);

  int conv(const std::string& name, const ConvSpec& spec, int from = -1);
  int maxpool(const std::string& name, const PoolSpec& spec, int from = -1);
  int avgpool(const std::string& name, const PoolSpec& spec, int from = -1);
  int global_avgpool(const std::string& name, int from = -1);
  int fc(const std::string& name, int out, Act act = Act::None, int from = -1);
  int add(const std::string& name, std::initializer_list<int> inputs, Act act = Act::None);
  int concat(const std::string& name, std::initializer_list<int> inputs);
  int concat(const std::string& name, const std::vector<int>& inputs);
  int batchnorm(const std::string& name, int from = -1);
  int activation(const std::string& name, Act act, int from = -1);
  int reorg(const std::string& name, int stride, int from = -1);
  int upsample(const std::string& name, int factor, int from = -1);
  int softmax(const std::string& name, int from = -1);

  int last() const { return static_cast<int>(model_.layers.size()) - 1; }
  Model& model() { return model_; }

  // Infer shapes, validate, and hand the model over.
  Model build(ModelFacts facts = {});

 private:
  int push(Layer layer, int from);
  Model model_;
};

}  // namespace edgesplit
