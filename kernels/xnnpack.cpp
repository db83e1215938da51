// XNNPACK backend (the Feb-2022 Debian snapshot's operator API: create with weights, one-step setup, run;
// kernels-measured.md pitfall 3). NHWC: activations are converted in load()/store(), outside the timed run.
// XNNPACK is what TFLite runs on a Raspberry Pi, so this backend stands for the edge devices' kernels.
#ifdef EDGESPLIT_HAVE_XNNPACK

#include <fmt/format.h>
#include <xnnpack.h>

#include <limits>
#include <mutex>
#include <stdexcept>

#include "kernels/backends.hpp"

namespace edgesplit::kernels {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

void check(xnn_status s, const char* what, const Layer& l) {
  if (s != xnn_status_success)
    throw std::runtime_error(fmt::format("XNNPACK {} failed for layer '{}' (status {})", what, l.name, int(s)));
}

// Clamp bounds for the activations XNNPACK fuses; the others (leaky, sigmoid) run as a pass after the operator.
std::pair<float, float> clamp_of(Act a) {
  switch (a) {
    case Act::ReLU: return {0.0f, kInf};
    case Act::ReLU6: return {0.0f, 6.0f};
    default: return {-kInf, kInf};
  }
}
bool post_pass(Act a) { return a == Act::Leaky || a == Act::Sigmoid; }

void chw_to_hwc(const Tensor& t, std::vector<float>& out) {
  int c = t.shape.c, hw = t.shape.h * t.shape.w;
  out.resize(std::size_t(c) * hw + XNN_EXTRA_BYTES / sizeof(float));
  for (int ch = 0; ch < c; ++ch)
    for (int i = 0; i < hw; ++i) out[std::size_t(i) * c + ch] = t.data[std::size_t(ch) * hw + i];
}

Tensor hwc_to_chw(const std::vector<float>& in, Shape s) {
  Tensor t(s);
  int hw = s.h * s.w;
  for (int ch = 0; ch < s.c; ++ch)
    for (int i = 0; i < hw; ++i) t.data[std::size_t(ch) * hw + i] = in[std::size_t(i) * s.c + ch];
  return t;
}

class XnnKernel : public Kernel {
 public:
  XnnKernel(const Layer& l, pthreadpool_t tp, bool nhwc) : l_(l), tp_(tp), nhwc_(nhwc) {}
  ~XnnKernel() override {
    if (op_) xnn_delete_operator(op_);
  }
  void load(const std::vector<const Tensor*>& inputs) override {
    in_.resize(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (nhwc_) {
        chw_to_hwc(*inputs[i], in_[i]);
      } else {
        in_[i] = inputs[i]->data;
        in_[i].resize(in_[i].size() + XNN_EXTRA_BYTES / sizeof(float));
      }
    }
    setup();
  }
  void execute() override {
    check(xnn_run_operator(op_, tp_), "run", l_);
    if (post_pass(l_.activation)) apply_activation(l_.activation, out_.data(), out_size_);
  }
  void store(Tensor& out) override {
    if (nhwc_) {
      out = hwc_to_chw(out_, out_shape_);
    } else {
      out = Tensor(out_shape_);
      std::copy(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_size_), out.data.begin());
    }
  }
  std::string impl() const override { return impl_; }

 protected:
  virtual void setup() = 0;
  void alloc_out(Shape s) {
    out_shape_ = s;
    out_size_ = static_cast<std::size_t>(s.elements());
    out_.assign(out_size_ + XNN_EXTRA_BYTES / sizeof(float), 0.0f);
  }

  Layer l_;
  pthreadpool_t tp_;
  bool nhwc_;
  xnn_operator_t op_ = nullptr;
  std::vector<std::vector<float>> in_;
  std::vector<float> out_;
  std::size_t out_size_ = 0;
  Shape out_shape_;
  std::string impl_;
  Geometry g_;
};

class ConvKernel final : public XnnKernel {
 public:
  ConvKernel(const Layer& l, const LayerWeights& w, const Region& out, pthreadpool_t tp) : XnnKernel(l, tp, true) {
    g_ = geometry(l, out);
    const int gr = l.groups, cg = l.in.c / gr, kg = l.out_channels / gr, kh = l.kernel_h, kw = l.kernel_w;
    // Ours: [K][C/g][kh][kw]; XNNPACK's grouped layout: [g][K/g][kh][kw][C/g].
    std::vector<float> packed(w.weights.size());
    for (int k = 0; k < l.out_channels; ++k)
      for (int c = 0; c < cg; ++c)
        for (int i = 0; i < kh; ++i)
          for (int j = 0; j < kw; ++j)
            packed[((std::size_t(k) * kh + i) * kw + j) * cg + c] = w.weights[((std::size_t(k) * cg + c) * kh + i) * kw + j];
    auto [lo, hi] = clamp_of(l.activation);
    check(xnn_create_convolution2d_nhwc_f32(g_.pad_top, g_.pad_right, g_.pad_bottom, g_.pad_left, kh, kw, l.stride_h,
                                            l.stride_w, l.dilation_h, l.dilation_w, gr, cg, kg, l.in.c,
                                            l.out_channels, packed.data(), w.bias.empty() ? nullptr : w.bias.data(),
                                            lo, hi, 0, &op_),
          "create convolution", l);
    alloc_out(Shape{l.out_channels, g_.out.rows(), g_.out.cols()});
    impl_ = cg == 1 && kg == 1 && gr > 1 ? "xnn dwconv nhwc" : "xnn conv nhwc";
  }

 private:
  void setup() override {
    check(xnn_setup_convolution2d_nhwc_f32(op_, 1, g_.in.rows(), g_.in.cols(), in_[0].data(), out_.data(), tp_),
          "setup convolution", l_);
  }
};

class PoolKernel final : public XnnKernel {
 public:
  PoolKernel(const Layer& l, const Region& out, pthreadpool_t tp) : XnnKernel(l, tp, true) {
    g_ = geometry(l, out);
    const std::size_t c = l.in.c;
    if (l.op == Op::MaxPool)
      check(xnn_create_max_pooling2d_nhwc_f32(g_.pad_top, g_.pad_right, g_.pad_bottom, g_.pad_left, l.kernel_h,
                                              l.kernel_w, l.stride_h, l.stride_w, 1, 1, c, c, c, -kInf, kInf, 0, &op_),
            "create max pooling", l);
    else
      check(xnn_create_average_pooling2d_nhwc_f32(g_.pad_top, g_.pad_right, g_.pad_bottom, g_.pad_left, l.kernel_h,
                                                  l.kernel_w, l.stride_h, l.stride_w, c, c, c, -kInf, kInf, 0, &op_),
            "create average pooling", l);
    alloc_out(Shape{l.out.c, g_.out.rows(), g_.out.cols()});
    impl_ = l.op == Op::MaxPool ? "xnn maxpool nhwc" : "xnn avgpool nhwc";
  }

 private:
  void setup() override {
    auto f = l_.op == Op::MaxPool ? xnn_setup_max_pooling2d_nhwc_f32 : xnn_setup_average_pooling2d_nhwc_f32;
    check(f(op_, 1, g_.in.rows(), g_.in.cols(), in_[0].data(), out_.data(), tp_), "setup pooling", l_);
  }
};

class GlobalPoolKernel final : public XnnKernel {
 public:
  GlobalPoolKernel(const Layer& l, pthreadpool_t tp) : XnnKernel(l, tp, true) {
    const std::size_t c = l.in.c;
    check(xnn_create_global_average_pooling_nwc_f32(c, c, c, -kInf, kInf, 0, &op_), "create global pooling", l);
    alloc_out(l.out);
    impl_ = "xnn global avgpool nwc";
  }

 private:
  void setup() override {
    check(xnn_setup_global_average_pooling_nwc_f32(op_, 1, std::size_t(l_.in.h) * l_.in.w, in_[0].data(),
                                                   out_.data(), tp_),
          "setup global pooling", l_);
  }
};

// FC consumes the CHW-flattened input as one row: no layout conversion (weights are [K][C·H·W] in both).
class FcKernel final : public XnnKernel {
 public:
  FcKernel(const Layer& l, const LayerWeights& w, pthreadpool_t tp) : XnnKernel(l, tp, false) {
    const std::size_t n = static_cast<std::size_t>(l.in.elements()), k = l.out_channels;
    auto [lo, hi] = clamp_of(l.activation);
    check(xnn_create_fully_connected_nc_f32(n, k, n, k, w.weights.data(), w.bias.empty() ? nullptr : w.bias.data(),
                                            lo, hi, 0, &op_),
          "create fully connected", l);
    alloc_out(l.out);
    impl_ = "xnn fully_connected";
  }

 private:
  void setup() override {
    check(xnn_setup_fully_connected_nc_f32(op_, 1, in_[0].data(), out_.data(), tp_), "setup fully connected", l_);
  }
};

// Element-wise: layout-free, runs on CHW directly.
class AddKernel final : public XnnKernel {
 public:
  AddKernel(const Layer& l, const Region& out, pthreadpool_t tp) : XnnKernel(l, tp, false) {
    auto [lo, hi] = clamp_of(l.activation);
    check(xnn_create_add_nd_f32(lo, hi, 0, &op_), "create add", l);
    alloc_out(Shape{l.out.c, out.rows(), out.cols()});
    impl_ = "xnn add";
  }

 private:
  void setup() override {
    const std::size_t shape[1] = {out_size_};
    check(xnn_setup_add_nd_f32(op_, 1, shape, 1, shape, in_[0].data(), in_[1].data(), out_.data(), tp_), "setup add",
          l_);
  }
};

class XnnpackBackend final : public Backend {
 public:
  explicit XnnpackBackend(int threads) : Backend(threads) {
    static std::once_flag once;
    static xnn_status init = xnn_status_success;
    std::call_once(once, [] { init = xnn_initialize(nullptr); });
    if (init != xnn_status_success) throw std::runtime_error("xnn_initialize failed");
    tp_ = threads > 1 ? pthreadpool_create(std::size_t(threads)) : nullptr;
  }
  ~XnnpackBackend() override {
    if (tp_) pthreadpool_destroy(tp_);
  }
  std::string name() const override { return "xnnpack"; }
  std::string version() const override { return "XNNPACK 0.0~git20220216.ae108ef (Debian 12 libxnnpack0)"; }
  std::unique_ptr<Kernel> prepare(const Layer& l, const LayerWeights& w, const Region& out) override {
    switch (l.op) {
      case Op::Conv: return std::make_unique<ConvKernel>(l, w, out, tp_);
      case Op::MaxPool:
      case Op::AvgPool:
        if (l.kernel_h * l.kernel_w > 1) return std::make_unique<PoolKernel>(l, out, tp_);
        return make_reference_kernel(l, w, out);  // XNNPACK rejects 1x1 pooling windows
      case Op::GlobalAvgPool: return std::make_unique<GlobalPoolKernel>(l, tp_);
      case Op::FullyConnected: return std::make_unique<FcKernel>(l, w, tp_);
      case Op::Add:
        if (l.inputs.size() == 2) return std::make_unique<AddKernel>(l, out, tp_);
        return make_reference_kernel(l, w, out);
      default: return make_reference_kernel(l, w, out);
    }
  }

 private:
  pthreadpool_t tp_ = nullptr;
};

}  // namespace

std::unique_ptr<Backend> make_xnnpack_backend(int threads) { return std::make_unique<XnnpackBackend>(threads); }

}  // namespace edgesplit::kernels

#endif  // EDGESPLIT_HAVE_XNNPACK
