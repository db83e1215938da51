// Tensors, deterministic weights, region geometry and the backend registry.
#include "kernels/kernel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "kernels/backends.hpp"
#include "sim/common/error.hpp"

namespace edgesplit::kernels {

namespace {
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
}  // namespace

void fill_uniform(std::vector<float>& v, std::uint64_t seed, float scale) {
  std::uint64_t state = seed;
  for (float& x : v) {
    // 24 random bits → [0, 1), exactly representable in fp32.
    float u = static_cast<float>(splitmix64(state) >> 40) * (1.0f / 16777216.0f);
    x = (2.0f * u - 1.0f) * scale;
  }
}

Tensor random_tensor(Shape s, std::uint64_t seed) {
  Tensor t(s);
  fill_uniform(t.data, seed, 1.0f);
  return t;
}

Tensor crop(const Tensor& t, const Region& have, const Region& want) {
  if (want.r0 < have.r0 || want.r1 > have.r1 || want.c0 < have.c0 || want.c1 > have.c1)
    throw std::logic_error(fmt::format("crop: rows [{},{}) cols [{},{}) outside the held rows [{},{}) cols [{},{})",
                                       want.r0, want.r1, want.c0, want.c1, have.r0, have.r1, have.c0, have.c1));
  if (want == have) return t;
  Tensor out(Shape{t.shape.c, want.rows(), want.cols()});
  for (int c = 0; c < t.shape.c; ++c)
    for (int y = 0; y < want.rows(); ++y) {
      const float* src = &t.data[(std::size_t(c) * t.shape.h + (want.r0 - have.r0 + y)) * t.shape.w +
                                 (want.c0 - have.c0)];
      std::copy(src, src + want.cols(), &out.at(c, y, 0));
    }
  return out;
}

void paste(Tensor& whole, const Tensor& piece, const Region& where) {
  for (int c = 0; c < piece.shape.c; ++c)
    for (int y = 0; y < where.rows(); ++y)
      std::copy(&piece.data[(std::size_t(c) * piece.shape.h + y) * piece.shape.w],
                &piece.data[(std::size_t(c) * piece.shape.h + y) * piece.shape.w] + where.cols(),
                &whole.at(c, where.r0 + y, where.c0));
}

float max_abs(const Tensor& t) {
  float m = 0;
  for (float x : t.data) m = std::max(m, std::fabs(x));
  return m;
}

float max_abs_diff(const Tensor& a, const Tensor& b) {
  if (a.shape != b.shape) return INFINITY;
  float m = 0;
  for (std::size_t i = 0; i < a.data.size(); ++i) m = std::max(m, std::fabs(a.data[i] - b.data[i]));
  return m;
}

LayerWeights make_weights(const Layer& l, std::uint64_t seed) {
  LayerWeights w;
  switch (l.op) {
    case Op::Conv: {
      std::size_t fan_in = std::size_t(l.in.c / l.groups) * l.kernel_h * l.kernel_w;
      w.weights.resize(std::size_t(l.out_channels) * fan_in);
      fill_uniform(w.weights, seed, std::sqrt(6.0f / float(fan_in)));
      w.bias.resize(l.out_channels);
      if (l.bias || l.batch_norm) fill_uniform(w.bias, seed ^ 0xB1A5ull, 0.1f);
      break;
    }
    case Op::FullyConnected: {
      std::size_t fan_in = static_cast<std::size_t>(l.in.elements());
      w.weights.resize(std::size_t(l.out_channels) * fan_in);
      fill_uniform(w.weights, seed, std::sqrt(6.0f / float(fan_in)));
      w.bias.resize(l.out_channels);
      if (l.bias) fill_uniform(w.bias, seed ^ 0xB1A5ull, 0.1f);
      break;
    }
    case Op::BatchNorm: {
      w.weights.resize(l.in.c);
      fill_uniform(w.weights, seed, 0.5f);
      for (float& s : w.weights) s += 1.0f;  // scale in [0.5, 1.5]
      w.bias.resize(l.in.c);
      fill_uniform(w.bias, seed ^ 0xB1A5ull, 0.1f);
      break;
    }
    default: break;
  }
  return w;
}

std::vector<LayerWeights> make_model_weights(const Model& m, std::uint64_t seed) {
  std::vector<LayerWeights> out;
  out.reserve(m.layers.size());
  for (int i = 0; i < m.size(); ++i) out.push_back(make_weights(m.layers[i], seed + std::uint64_t(i)));
  return out;
}

Geometry geometry(const Layer& l, const Region& out) {
  Geometry g;
  g.out = out;
  g.in = input_region(l, out);
  if (l.op == Op::Conv || l.op == Op::MaxPool || l.op == Op::AvgPool) {
    int dh = l.op == Op::Conv ? l.dilation_h : 1;
    int dw = l.op == Op::Conv ? l.dilation_w : 1;
    int top = out.r0 * l.stride_h - l.pad_top;
    int bottom = (out.r1 - 1) * l.stride_h - l.pad_top + (l.kernel_h - 1) * dh + 1;
    int left = out.c0 * l.stride_w - l.pad_left;
    int right = (out.c1 - 1) * l.stride_w - l.pad_left + (l.kernel_w - 1) * dw + 1;
    g.pad_top = g.in.r0 - top;
    g.pad_bottom = bottom - g.in.r1;
    g.pad_left = g.in.c0 - left;
    g.pad_right = right - g.in.c1;
  }
  return g;
}

std::vector<std::string> backend_names() {
  std::vector<std::string> names;
#ifdef EDGESPLIT_HAVE_ONEDNN
  names.push_back("onednn");
#endif
#ifdef EDGESPLIT_HAVE_XNNPACK
  names.push_back("xnnpack");
#endif
#ifdef EDGESPLIT_HAVE_OPENBLAS
  names.push_back("openblas");
#endif
  names.push_back("reference");
  return names;
}

std::unique_ptr<Backend> make_backend(const std::string& name, int threads) {
  if (threads < 1) throw InputError(InputIssue{"", 0, 0, "threads", fmt::format("must be >= 1, found {}", threads)});
  if (name == "reference") return make_reference_backend(threads);
#ifdef EDGESPLIT_HAVE_OPENBLAS
  if (name == "openblas") return make_openblas_backend(threads);
#endif
#ifdef EDGESPLIT_HAVE_ONEDNN
  if (name == "onednn") return make_onednn_backend(threads);
#endif
#ifdef EDGESPLIT_HAVE_XNNPACK
  if (name == "xnnpack") return make_xnnpack_backend(threads);
#endif
  throw InputError(InputIssue{"", 0, 0, "backend", unknown_name_message("backend", name, backend_names())});
}

void apply_activation(Act act, float* d, std::size_t n) {
  switch (act) {
    case Act::None: break;
    case Act::ReLU:
      for (std::size_t i = 0; i < n; ++i) d[i] = std::max(d[i], 0.0f);
      break;
    case Act::ReLU6:
      for (std::size_t i = 0; i < n; ++i) d[i] = std::clamp(d[i], 0.0f, 6.0f);
      break;
    case Act::Leaky:
      for (std::size_t i = 0; i < n; ++i) d[i] = d[i] > 0 ? d[i] : 0.1f * d[i];
      break;
    case Act::Sigmoid:
      for (std::size_t i = 0; i < n; ++i) d[i] = 1.0f / (1.0f + std::exp(-d[i]));
      break;
  }
}

Tensor run_kernel(Backend& backend, const Layer& layer, const LayerWeights& weights, const Region& out,
                  const std::vector<const Tensor*>& inputs) {
  auto k = backend.prepare(layer, weights, out);
  k->load(inputs);
  k->execute();
  Tensor t;
  k->store(t);
  return t;
}

}  // namespace edgesplit::kernels
