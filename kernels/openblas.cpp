// im2col + OpenBLAS sgemm backend (Caffe-style, CHW): convs as one GEMM per group, FC as sgemv. The core OpenBLAS
// picks is fixed when the library loads: on Zen 5 set OPENBLAS_CORETYPE=SkylakeX (1.8x faster sgemm than the
// Haswell kernels it detects; kernels-measured.md pitfall 6). version() reports the core in use.
#ifdef EDGESPLIT_HAVE_OPENBLAS

#include <cblas.h>
#include <fmt/format.h>

#include <algorithm>

#include "kernels/backends.hpp"

namespace edgesplit::kernels {
namespace {

class ConvKernel final : public Kernel {
 public:
  ConvKernel(const Layer& l, const LayerWeights& w, const Region& out) : l_(l), w_(w), g_(geometry(l, out)) {
    oh_ = g_.out.rows();
    ow_ = g_.out.cols();
    cg_ = l.in.c / l.groups;
    kg_ = l.out_channels / l.groups;
    direct_ = l.kernel_h == 1 && l.kernel_w == 1 && l.stride_h == 1 && l.stride_w == 1 && g_.pad_top == 0 &&
              g_.pad_bottom == 0 && g_.pad_left == 0 && g_.pad_right == 0;
    if (!direct_) col_.resize(std::size_t(cg_) * l.kernel_h * l.kernel_w * oh_ * ow_);
    out_.resize(std::size_t(l.out_channels) * oh_ * ow_);
  }

  void load(const std::vector<const Tensor*>& inputs) override {
    in_ = *inputs.at(0);
    ih_ = in_.shape.h;
    iw_ = in_.shape.w;
  }

  void execute() override {
    const int n = oh_ * ow_, kdim = cg_ * l_.kernel_h * l_.kernel_w;
    const std::size_t plane_in = std::size_t(ih_) * iw_;
    for (int g = 0; g < l_.groups; ++g) {
      const float* b = in_.data.data() + std::size_t(g) * cg_ * plane_in;
      if (!direct_) {
        im2col(b);
        b = col_.data();
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, kg_, n, kdim, 1.0f,
                  w_.weights.data() + std::size_t(g) * kg_ * kdim, kdim, b, n, 0.0f,
                  out_.data() + std::size_t(g) * kg_ * n, n);
    }
    add_bias_activation(out_.data(), l_.out_channels, std::size_t(n), w_.bias.empty() ? nullptr : w_.bias.data(),
                        l_.activation);
  }

  void store(Tensor& out) override {
    out = Tensor(Shape{l_.out_channels, oh_, ow_});
    out.data = out_;
  }
  std::string impl() const override { return direct_ ? "sgemm (1x1)" : "im2col+sgemm"; }

 private:
  void im2col(const float* in) {
    float* col = col_.data();
    for (int c = 0; c < cg_; ++c)
      for (int i = 0; i < l_.kernel_h; ++i)
        for (int j = 0; j < l_.kernel_w; ++j) {
          for (int oy = 0; oy < oh_; ++oy) {
            int iy = oy * l_.stride_h - g_.pad_top + i * l_.dilation_h;
            if (iy < 0 || iy >= ih_) {
              std::fill(col, col + ow_, 0.0f);
              col += ow_;
              continue;
            }
            const float* row = in + (std::size_t(c) * ih_ + iy) * iw_;
            for (int ox = 0; ox < ow_; ++ox) {
              int ix = ox * l_.stride_w - g_.pad_left + j * l_.dilation_w;
              *col++ = (ix < 0 || ix >= iw_) ? 0.0f : row[ix];
            }
          }
        }
  }

  Layer l_;
  const LayerWeights& w_;
  Geometry g_;
  int oh_, ow_, cg_, kg_, ih_ = 0, iw_ = 0;
  bool direct_;
  Tensor in_;
  std::vector<float> col_, out_;
};

class FcKernel final : public Kernel {
 public:
  FcKernel(const Layer& l, const LayerWeights& w) : l_(l), w_(w), out_(std::size_t(l.out_channels)) {}
  void load(const std::vector<const Tensor*>& inputs) override { in_ = inputs.at(0)->data; }
  void execute() override {
    int n = static_cast<int>(in_.size());
    if (!w_.bias.empty()) std::copy(w_.bias.begin(), w_.bias.end(), out_.begin());
    else std::fill(out_.begin(), out_.end(), 0.0f);
    cblas_sgemv(CblasRowMajor, CblasNoTrans, l_.out_channels, n, 1.0f, w_.weights.data(), n, in_.data(), 1, 1.0f,
                out_.data(), 1);
    apply_activation(l_.activation, out_.data(), out_.size());
  }
  void store(Tensor& out) override {
    out = Tensor(Shape{l_.out_channels, 1, 1});
    out.data = out_;
  }
  std::string impl() const override { return "sgemv"; }

 private:
  Layer l_;
  const LayerWeights& w_;
  std::vector<float> in_, out_;
};

class OpenBlasBackend final : public Backend {
 public:
  explicit OpenBlasBackend(int threads) : Backend(threads) { openblas_set_num_threads(threads); }
  std::string name() const override { return "openblas"; }
  std::string version() const override {
    std::string v = OPENBLAS_VERSION;  // " OpenBLAS 0.3.21 "
    auto b = v.find_first_not_of(' '), e = v.find_last_not_of(' ');
    return fmt::format("{} (core {})", b == std::string::npos ? "OpenBLAS" : v.substr(b, e - b + 1),
                       openblas_get_corename());
  }
  std::unique_ptr<Kernel> prepare(const Layer& l, const LayerWeights& w, const Region& out) override {
    if (l.op == Op::Conv) return std::make_unique<ConvKernel>(l, w, out);
    if (l.op == Op::FullyConnected) return std::make_unique<FcKernel>(l, w);
    return make_reference_kernel(l, w, out);
  }
};

}  // namespace

std::unique_ptr<Backend> make_openblas_backend(int threads) { return std::make_unique<OpenBlasBackend>(threads); }

}  // namespace edgesplit::kernels

#endif  // EDGESPLIT_HAVE_OPENBLAS
