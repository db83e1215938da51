// ModelBuilder: appends layers with their hyper-parameters; shapes are inferred once in build().
#include "sim/model/builder.hpp"

namespace edgesplit {

ModelBuilder::ModelBuilder(std::string name, Shape input) {
  model_.name = std::move(name);
  Layer in;
  in.name = "input";
  in.op = Op::Input;
  in.out = input;
  model_.layers.push_back(in);
}

int ModelBuilder::push(Layer layer, int from) {
  if (layer.inputs.empty()) layer.inputs.push_back(from < 0 ? last() : from);
  model_.layers.push_back(std::move(layer));
  return last();
}

int ModelBuilder::conv(const std::string& name, const ConvSpec& s, int from) {
  Layer l;
  l.name = name;
  l.op = Op::Conv;
  l.out_channels = s.out;
  l.kernel_h = s.kh ? s.kh : s.k;
  l.kernel_w = s.kw ? s.kw : s.k;
  l.stride_h = l.stride_w = s.stride;
  l.dilation_h = l.dilation_w = s.dilation;
  int ph = s.pad_h >= 0 ? s.pad_h : (s.pad >= 0 ? s.pad : (l.kernel_h - 1) / 2 * s.dilation);
  int pw = s.pad_w >= 0 ? s.pad_w : (s.pad >= 0 ? s.pad : (l.kernel_w - 1) / 2 * s.dilation);
  l.pad_top = l.pad_bottom = ph;
  l.pad_left = l.pad_right = pw;
  l.groups = s.groups;
  l.bias = s.bias;
  l.batch_norm = s.bn;
  l.activation = s.act;
  return push(std::move(l), from);
}

namespace {
Layer pool_layer(const std::string& name, Op op, const PoolSpec& s) {
  Layer l;
  l.name = name;
  l.op = op;
  l.kernel_h = l.kernel_w = s.k;
  l.stride_h = l.stride_w = s.stride > 0 ? s.stride : s.k;
  l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = s.pad;
  l.ceil_mode = s.ceil;
  l.bias = false;
  return l;
}
Layer simple(const std::string& name, Op op) {
  Layer l;
  l.name = name;
  l.op = op;
  l.bias = false;
  return l;
}
}  // namespace

int ModelBuilder::maxpool(const std::string& name, const PoolSpec& s, int from) {
  return push(pool_layer(name, Op::MaxPool, s), from);
}
int ModelBuilder::avgpool(const std::string& name, const PoolSpec& s, int from) {
  return push(pool_layer(name, Op::AvgPool, s), from);
}
int ModelBuilder::global_avgpool(const std::string& name, int from) {
  return push(simple(name, Op::GlobalAvgPool), from);
}
int ModelBuilder::fc(const std::string& name, int out, Act act, int from) {
  Layer l = simple(name, Op::FullyConnected);
  l.out_channels = out;
  l.bias = true;
  l.activation = act;
  return push(std::move(l), from);
}
int ModelBuilder::add(const std::string& name, std::initializer_list<int> inputs, Act act) {
  Layer l = simple(name, Op::Add);
  l.inputs.assign(inputs);
  l.activation = act;
  return push(std::move(l), -1);
}
int ModelBuilder::concat(const std::string& name, std::initializer_list<int> inputs) {
  return concat(name, std::vector<int>(inputs));
}
int ModelBuilder::concat(const std::string& name, const std::vector<int>& inputs) {
  Layer l = simple(name, Op::Concat);
  l.inputs = inputs;
  return push(std::move(l), -1);
}
int ModelBuilder::batchnorm(const std::string& name, int from) { return push(simple(name, Op::BatchNorm), from); }
int ModelBuilder::activation(const std::string& name, Act act, int from) {
  Layer l = simple(name, Op::Activation);
  l.activation = act;
  return push(std::move(l), from);
}
int ModelBuilder::reorg(const std::string& name, int stride, int from) {
  Layer l = simple(name, Op::Reorg);
  l.factor = stride;
  return push(std::move(l), from);
}
int ModelBuilder::upsample(const std::string& name, int factor, int from) {
  Layer l = simple(name, Op::Upsample);
  l.factor = factor;
  return push(std::move(l), from);
}
int ModelBuilder::softmax(const std::string& name, int from) { return push(simple(name, Op::Softmax), from); }

Model ModelBuilder::build(ModelFacts facts) {
  model_.facts = std::move(facts);
  infer_shapes(model_);
  validate(model_);
  return std::move(model_);
}

}  // namespace edgesplit
