// Shape inference and the per-layer arithmetic (MACs, parameters, bytes) of a CNN DAG.
#include "sim/model/model.hpp"

#include <fmt/format.h>

#include <set>

#include "sim/common/error.hpp"

namespace edgesplit {

const char* op_name(Op op) {
  switch (op) {
    case Op::Input: return "input";
    case Op::Conv: return "conv";
    case Op::MaxPool: return "maxpool";
    case Op::AvgPool: return "avgpool";
    case Op::GlobalAvgPool: return "global_avgpool";
    case Op::FullyConnected: return "fc";
    case Op::Add: return "add";
    case Op::Concat: return "concat";
    case Op::BatchNorm: return "batchnorm";
    case Op::Activation: return "activation";
    case Op::Reorg: return "reorg";
    case Op::Upsample: return "upsample";
    case Op::Softmax: return "softmax";
  }
  return "?";
}

const char* act_name(Act act) {
  switch (act) {
    case Act::None: return "none";
    case Act::ReLU: return "relu";
    case Act::ReLU6: return "relu6";
    case Act::Leaky: return "leaky";
    case Act::Sigmoid: return "sigmoid";
  }
  return "?";
}

const char* op_class_name(OpClass c) {
  switch (c) {
    case OpClass::Conv: return "conv";
    case OpClass::DepthwiseConv: return "depthwise_conv";
    case OpClass::Pool: return "pool";
    case OpClass::FullyConnected: return "fc";
    case OpClass::Eltwise: return "eltwise";
  }
  return "?";
}

int Model::index_of(const std::string& layer_name) const {
  for (int i = 0; i < size(); ++i)
    if (layers[i].name == layer_name) return i;
  return -1;
}

std::vector<std::vector<int>> Model::consumers() const {
  std::vector<std::vector<int>> out(layers.size());
  for (int i = 0; i < size(); ++i)
    for (int p : layers[i].inputs) out[p].push_back(i);
  return out;
}

namespace {

// out = floor((in + pads - dilation·(k-1) - 1) / stride) + 1, or ceil for ceil-mode pooling, where PyTorch drops a
// last window that would start inside the right/bottom padding.
int window_out(int in, int pad_lo, int pad_hi, int k, int stride, int dilation, bool ceil_mode) {
  int span = in + pad_lo + pad_hi - dilation * (k - 1) - 1;
  if (span < 0) return 0;
  int out = ceil_mode ? (span + stride - 1) / stride + 1 : span / stride + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad_lo) --out;
  return out;
}

[[noreturn]] void fail(const Layer& l, const std::string& what) {
  throw ModelError(fmt::format("layer '{}' ({}): {}", l.name, op_name(l.op), what));
}

std::string shape_str(const Shape& s) { return fmt::format("{}x{}x{}", s.c, s.h, s.w); }

}  // namespace

void infer_shapes(Model& model) {
  if (model.layers.empty() || model.layers[0].op != Op::Input)
    throw ModelError(fmt::format("model '{}': layer 0 must be the input", model.name));
  for (int i = 0; i < model.size(); ++i) {
    Layer& l = model.layers[i];
    if (l.op == Op::Input) {
      if (i != 0) fail(l, "only layer 0 may be an input");
      if (l.out.c <= 0 || l.out.h <= 0 || l.out.w <= 0) fail(l, "input shape must be positive");
      l.in = l.out;
      continue;
    }
    if (l.inputs.empty()) fail(l, "has no inputs");
    for (int p : l.inputs)
      if (p < 0 || p >= i) fail(l, fmt::format("input index {} does not name an earlier layer", p));
    const Shape in = model.layers[l.inputs[0]].out;
    l.in = in;
    bool single = l.op != Op::Add && l.op != Op::Concat;
    if (single && l.inputs.size() != 1) fail(l, "takes exactly one input");
    switch (l.op) {
      case Op::Conv: {
        if (l.out_channels <= 0) fail(l, "out_channels must be positive");
        if (l.groups <= 0 || in.c % l.groups != 0 || l.out_channels % l.groups != 0)
          fail(l, fmt::format("groups {} must divide in channels {} and out channels {}", l.groups, in.c,
                              l.out_channels));
        int h = window_out(in.h, l.pad_top, l.pad_bottom, l.kernel_h, l.stride_h, l.dilation_h, false);
        int w = window_out(in.w, l.pad_left, l.pad_right, l.kernel_w, l.stride_w, l.dilation_w, false);
        if (h <= 0 || w <= 0) fail(l, fmt::format("kernel larger than padded input {}", shape_str(in)));
        l.out = {l.out_channels, h, w};
        break;
      }
      case Op::MaxPool:
      case Op::AvgPool: {
        int h = window_out(in.h, l.pad_top, l.pad_bottom, l.kernel_h, l.stride_h, 1, l.ceil_mode);
        int w = window_out(in.w, l.pad_left, l.pad_right, l.kernel_w, l.stride_w, 1, l.ceil_mode);
        if (h <= 0 || w <= 0) fail(l, fmt::format("window larger than padded input {}", shape_str(in)));
        l.out = {in.c, h, w};
        break;
      }
      case Op::GlobalAvgPool: l.out = {in.c, 1, 1}; break;
      case Op::FullyConnected:
        if (l.out_channels <= 0) fail(l, "out_channels must be positive");
        l.out = {l.out_channels, 1, 1};
        break;
      case Op::Add:
        if (l.inputs.size() < 2) fail(l, "needs at least two inputs");
        for (int p : l.inputs)
          if (model.layers[p].out != in)
            fail(l, fmt::format("input '{}' is {} but '{}' is {}", model.layers[p].name,
                                shape_str(model.layers[p].out), model.layers[l.inputs[0]].name, shape_str(in)));
        l.out = in;
        break;
      case Op::Concat: {
        int c = 0;
        for (int p : l.inputs) {
          const Shape& s = model.layers[p].out;
          if (s.h != in.h || s.w != in.w)
            fail(l, fmt::format("input '{}' is {} but spatial size {}x{} was expected", model.layers[p].name,
                                shape_str(s), in.h, in.w));
          c += s.c;
        }
        l.out = {c, in.h, in.w};
        break;
      }
      case Op::BatchNorm:
      case Op::Activation:
      case Op::Softmax: l.out = in; break;
      case Op::Reorg:
        if (l.factor <= 0 || in.h % l.factor || in.w % l.factor)
          fail(l, fmt::format("reorg stride {} must divide {}x{}", l.factor, in.h, in.w));
        l.out = {in.c * l.factor * l.factor, in.h / l.factor, in.w / l.factor};
        break;
      case Op::Upsample:
        if (l.factor <= 0) fail(l, "upsample factor must be positive");
        l.out = {in.c, in.h * l.factor, in.w * l.factor};
        break;
      case Op::Input: break;
    }
  }
}

std::int64_t layer_macs(const Layer& l) {
  switch (l.op) {
    case Op::Conv:
      return l.out.elements() * (l.in.c / l.groups) * std::int64_t(l.kernel_h) * l.kernel_w;
    case Op::FullyConnected: return l.in.elements() * l.out_channels;
    default: return 0;
  }
}

std::int64_t layer_other_ops(const Layer& l) {
  switch (l.op) {
    case Op::MaxPool:
    case Op::AvgPool: return l.out.elements() * l.kernel_h * l.kernel_w;
    case Op::GlobalAvgPool: return l.in.elements();
    case Op::Add: return l.out.elements() * std::int64_t(l.inputs.size() - 1);
    case Op::Concat:
    case Op::BatchNorm:
    case Op::Activation:
    case Op::Reorg:
    case Op::Upsample:
    case Op::Softmax: return l.out.elements();
    default: return 0;
  }
}

std::int64_t layer_params(const Layer& l) {
  switch (l.op) {
    case Op::Conv: {
      std::int64_t w = std::int64_t(l.out_channels) * (l.in.c / l.groups) * l.kernel_h * l.kernel_w;
      return w + (l.bias ? l.out_channels : 0) + (l.batch_norm ? 2 * l.out_channels : 0);
    }
    case Op::FullyConnected: return l.in.elements() * l.out_channels + (l.bias ? l.out_channels : 0);
    case Op::BatchNorm: return 2 * std::int64_t(l.out.c);
    default: return 0;
  }
}

std::int64_t activation_bytes(const Shape& shape, int bits) { return (shape.elements() * bits + 7) / 8; }

OpClass layer_op_class(const Layer& l) {
  switch (l.op) {
    case Op::Conv: return (l.groups > 1 && l.groups == l.in.c) ? OpClass::DepthwiseConv : OpClass::Conv;
    case Op::MaxPool:
    case Op::AvgPool:
    case Op::GlobalAvgPool: return OpClass::Pool;
    case Op::FullyConnected: return OpClass::FullyConnected;
    default: return OpClass::Eltwise;
  }
}

std::int64_t model_macs(const Model& m) {
  std::int64_t t = 0;
  for (const auto& l : m.layers) t += layer_macs(l);
  return t;
}

std::int64_t model_params(const Model& m) {
  std::int64_t t = 0;
  for (const auto& l : m.layers) t += layer_params(l);
  return t;
}

void validate(const Model& m) {
  if (m.layers.empty()) throw ModelError(fmt::format("model '{}' has no layers", m.name));
  std::set<std::string> names;
  for (int i = 0; i < m.size(); ++i) {
    const Layer& l = m.layers[i];
    if (l.name.empty()) throw ModelError(fmt::format("model '{}': layer {} has no name", m.name, i));
    if (!names.insert(l.name).second)
      throw ModelError(fmt::format("model '{}': duplicate layer name '{}'", m.name, l.name));
    if ((l.op == Op::Input) != (i == 0)) fail(l, "the input must be layer 0 and only layer 0");
    for (int p : l.inputs)
      if (p < 0 || p >= i) fail(l, fmt::format("input index {} does not name an earlier layer", p));
    if (l.out.elements() <= 0) fail(l, "shape not inferred (call infer_shapes)");
  }
}

}  // namespace edgesplit
