// The reference backend: naive loops with double accumulation over every layer kind, the oracle the optimised
// backends are tested against, and the fallback they use for memory-bound layers they do not implement.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "kernels/backends.hpp"

namespace edgesplit::kernels {

void add_bias_activation(float* out, int channels, std::size_t plane, const float* bias, Act act) {
  for (int k = 0; k < channels; ++k) {
    float* p = out + std::size_t(k) * plane;
    if (bias)
      for (std::size_t i = 0; i < plane; ++i) p[i] += bias[k];
  }
  apply_activation(act, out, std::size_t(channels) * plane);
}

namespace {

float act1(Act a, double x) {
  float v = static_cast<float>(x);
  apply_activation(a, &v, 1);
  return v;
}

class ReferenceKernel final : public Kernel {
 public:
  ReferenceKernel(const Layer& l, const LayerWeights& w, const Region& out) : l_(l), w_(w), g_(geometry(l, out)) {
    if (l.op == Op::Input) throw std::logic_error("the input layer has no kernel");
    if ((l.op == Op::FullyConnected || l.op == Op::GlobalAvgPool) && !(out == full_region(l.out)))
      throw std::logic_error(fmt::format("layer '{}' ({}) computes only its whole output", l.name, op_name(l.op)));
  }

  void load(const std::vector<const Tensor*>& inputs) override {
    in_.clear();
    for (const Tensor* t : inputs) {
      if (t->shape.h != g_.in.rows() || t->shape.w != g_.in.cols())
        throw std::logic_error(fmt::format("layer '{}': input is {}x{}, the region needs {}x{}", l_.name, t->shape.h,
                                           t->shape.w, g_.in.rows(), g_.in.cols()));
      in_.push_back(*t);
    }
    if (in_.empty()) throw std::logic_error(fmt::format("layer '{}': no input", l_.name));
  }

  void execute() override {
    out_ = Tensor(Shape{l_.out.c, g_.out.rows(), g_.out.cols()});
    switch (l_.op) {
      case Op::Conv: conv(); break;
      case Op::MaxPool:
      case Op::AvgPool: pool(); break;
      case Op::GlobalAvgPool: global_avgpool(); break;
      case Op::FullyConnected: fc(); break;
      case Op::Add: add(); break;
      case Op::Concat: concat(); break;
      case Op::BatchNorm: batchnorm(); break;
      case Op::Activation:
        out_.data = in_[0].data;
        apply_activation(l_.activation, out_.data.data(), out_.data.size());
        break;
      case Op::Reorg: reorg(); break;
      case Op::Upsample: upsample(); break;
      case Op::Softmax: softmax(); break;
      case Op::Input: break;
    }
  }

  void store(Tensor& out) override { out = out_; }
  std::string impl() const override { return "reference"; }

 private:
  void conv() {
    const Tensor& in = in_[0];
    int cg = l_.in.c / l_.groups, kg = l_.out_channels / l_.groups;
    int ih = in.shape.h, iw = in.shape.w;
    for (int k = 0; k < l_.out_channels; ++k) {
      int group = k / kg;
      for (int oy = 0; oy < out_.shape.h; ++oy)
        for (int ox = 0; ox < out_.shape.w; ++ox) {
          double acc = w_.bias.empty() ? 0.0 : w_.bias[k];
          for (int c = 0; c < cg; ++c)
            for (int i = 0; i < l_.kernel_h; ++i) {
              int iy = oy * l_.stride_h - g_.pad_top + i * l_.dilation_h;
              if (iy < 0 || iy >= ih) continue;
              for (int j = 0; j < l_.kernel_w; ++j) {
                int ix = ox * l_.stride_w - g_.pad_left + j * l_.dilation_w;
                if (ix < 0 || ix >= iw) continue;
                acc += double(w_.weights[((std::size_t(k) * cg + c) * l_.kernel_h + i) * l_.kernel_w + j]) *
                       in.at(group * cg + c, iy, ix);
              }
            }
          out_.at(k, oy, ox) = act1(l_.activation, acc);
        }
    }
  }

  // Taps outside the held region are padding (the region is the clipped receptive field): max ignores them, the
  // average divides by the taps inside the input (padding excluded, TF "SAME" / Darknet convention).
  void pool() {
    const Tensor& in = in_[0];
    bool is_max = l_.op == Op::MaxPool;
    for (int c = 0; c < out_.shape.c; ++c)
      for (int oy = 0; oy < out_.shape.h; ++oy)
        for (int ox = 0; ox < out_.shape.w; ++ox) {
          double acc = is_max ? -std::numeric_limits<double>::infinity() : 0.0;
          int n = 0;
          for (int i = 0; i < l_.kernel_h; ++i) {
            int iy = oy * l_.stride_h - g_.pad_top + i;
            if (iy < 0 || iy >= in.shape.h) continue;
            for (int j = 0; j < l_.kernel_w; ++j) {
              int ix = ox * l_.stride_w - g_.pad_left + j;
              if (ix < 0 || ix >= in.shape.w) continue;
              double v = in.at(c, iy, ix);
              acc = is_max ? std::max(acc, v) : acc + v;
              ++n;
            }
          }
          out_.at(c, oy, ox) = n == 0 ? 0.0f : static_cast<float>(is_max ? acc : acc / n);
        }
  }

  void global_avgpool() {
    const Tensor& in = in_[0];
    std::size_t plane = std::size_t(in.shape.h) * in.shape.w;
    for (int c = 0; c < in.shape.c; ++c) {
      double s = 0;
      for (std::size_t i = 0; i < plane; ++i) s += in.data[c * plane + i];
      out_.data[c] = static_cast<float>(s / double(plane));
    }
  }

  void fc() {
    const Tensor& in = in_[0];
    std::size_t n = in.data.size();
    for (int k = 0; k < l_.out_channels; ++k) {
      double acc = w_.bias.empty() ? 0.0 : w_.bias[k];
      const float* row = &w_.weights[std::size_t(k) * n];
      for (std::size_t i = 0; i < n; ++i) acc += double(row[i]) * in.data[i];
      out_.data[k] = act1(l_.activation, acc);
    }
  }

  void add() {
    for (std::size_t i = 0; i < out_.data.size(); ++i) {
      double s = 0;
      for (const Tensor& t : in_) s += t.data[i];
      out_.data[i] = act1(l_.activation, s);
    }
  }

  void concat() {
    std::size_t offset = 0;
    for (const Tensor& t : in_) {
      std::copy(t.data.begin(), t.data.end(), out_.data.begin() + static_cast<std::ptrdiff_t>(offset));
      offset += t.data.size();
    }
  }

  void batchnorm() {
    std::size_t plane = std::size_t(out_.shape.h) * out_.shape.w;
    for (int c = 0; c < out_.shape.c; ++c)
      for (std::size_t i = 0; i < plane; ++i)
        out_.data[c * plane + i] = in_[0].data[c * plane + i] * w_.weights[c] + w_.bias[c];
    apply_activation(l_.activation, out_.data.data(), out_.data.size());
  }

  // Space-to-depth: out[(dy·f + dx)·C + c][y][x] = in[c][y·f + dy][x·f + dx].
  void reorg() {
    int f = l_.factor, cin = l_.in.c;
    for (int dy = 0; dy < f; ++dy)
      for (int dx = 0; dx < f; ++dx)
        for (int c = 0; c < cin; ++c)
          for (int y = 0; y < out_.shape.h; ++y)
            for (int x = 0; x < out_.shape.w; ++x)
              out_.at((dy * f + dx) * cin + c, y, x) = in_[0].at(c, y * f + dy, x * f + dx);
  }

  // Nearest neighbour: out[c][y][x] = in[c][y / f][x / f] in absolute coordinates.
  void upsample() {
    int f = l_.factor;
    for (int c = 0; c < out_.shape.c; ++c)
      for (int y = 0; y < out_.shape.h; ++y)
        for (int x = 0; x < out_.shape.w; ++x)
          out_.at(c, y, x) = in_[0].at(c, (g_.out.r0 + y) / f - g_.in.r0, (g_.out.c0 + x) / f - g_.in.c0);
  }

  // Over channels at each position (a 1×1 map for classifiers).
  void softmax() {
    for (int y = 0; y < out_.shape.h; ++y)
      for (int x = 0; x < out_.shape.w; ++x) {
        double mx = -std::numeric_limits<double>::infinity(), s = 0;
        for (int c = 0; c < out_.shape.c; ++c) mx = std::max(mx, double(in_[0].at(c, y, x)));
        for (int c = 0; c < out_.shape.c; ++c) s += std::exp(double(in_[0].at(c, y, x)) - mx);
        for (int c = 0; c < out_.shape.c; ++c)
          out_.at(c, y, x) = static_cast<float>(std::exp(double(in_[0].at(c, y, x)) - mx) / s);
      }
  }

  Layer l_;
  const LayerWeights& w_;
  Geometry g_;
  std::vector<Tensor> in_;
  Tensor out_;
};

class ReferenceBackend final : public Backend {
 public:
  explicit ReferenceBackend(int threads) : Backend(threads) {}
  std::string name() const override { return "reference"; }
  std::string version() const override { return "naive loops, double accumulation"; }
  std::unique_ptr<Kernel> prepare(const Layer& l, const LayerWeights& w, const Region& out) override {
    return make_reference_kernel(l, w, out);
  }
};

}  // namespace

std::unique_ptr<Kernel> make_reference_kernel(const Layer& layer, const LayerWeights& weights, const Region& out) {
  return std::make_unique<ReferenceKernel>(layer, weights, out);
}

std::unique_ptr<Backend> make_reference_backend(int threads) { return std::make_unique<ReferenceBackend>(threads); }

}  // namespace edgesplit::kernels
