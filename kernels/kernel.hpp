// Layer kernels behind one interface: tensors (CHW, batch 1), deterministic weights, the geometry of computing a
// region of a layer's output from exactly the input region it needs, and the backends (reference, im2col + OpenBLAS,
// oneDNN, XNNPACK) that run it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/model/model.hpp"
#include "sim/model/receptive_field.hpp"

namespace edgesplit::kernels {

// A dense fp32 activation in CHW order (batch 1).
struct Tensor {
  Shape shape;
  std::vector<float> data;

  Tensor() = default;
  explicit Tensor(Shape s) : shape(s), data(static_cast<std::size_t>(s.elements()), 0.0f) {}
  float& at(int c, int y, int x) { return data[(std::size_t(c) * shape.h + y) * shape.w + x]; }
  float at(int c, int y, int x) const { return data[(std::size_t(c) * shape.h + y) * shape.w + x]; }
};

// Deterministic pseudo-random fill in [-scale, scale] (splitmix64), so runs are reproducible from a seed.
void fill_uniform(std::vector<float>& v, std::uint64_t seed, float scale);
Tensor random_tensor(Shape s, std::uint64_t seed);

// `have` is the region of an activation that `t` holds; returns the sub-region `want` (must lie inside `have`).
Tensor crop(const Tensor& t, const Region& have, const Region& want);
// Write `piece` (holding region `where`) into `whole` (holding the full activation).
void paste(Tensor& whole, const Tensor& piece, const Region& where);
// max |x| over the tensor, and max |a - b| (same shapes).
float max_abs(const Tensor& t);
float max_abs_diff(const Tensor& a, const Tensor& b);

// Parameters of one layer. Conv: weights [K][C/groups][kh][kw], bias [K]; FullyConnected: weights [K][C·H·W] (the
// input flattened in CHW order), bias [K]; BatchNorm: weights = per-channel scale, bias = shift. Conv batch norm is
// folded into the conv weights (inference), so it adds nothing here.
struct LayerWeights {
  std::vector<float> weights;
  std::vector<float> bias;
};
// He-uniform weights (scale sqrt(6 / fan_in)) keep activations O(1) through deep stacks; bias in ±0.1.
LayerWeights make_weights(const Layer& layer, std::uint64_t seed);
// One entry per layer of the model (empty for parameter-free layers); layer i uses seed + i.
std::vector<LayerWeights> make_model_weights(const Model& model, std::uint64_t seed);

// How to compute the output region `out` of a layer from exactly the input region `in` it needs
// (input_region(), clipped at the borders). For window ops the virtual padding around `in` is
//   pad_top = in.r0 − (out.r0·s − p_top)                              (> 0 only where `out` touches the top border)
//   pad_bottom = ((out.r1 − 1)·s − p_top + (k − 1)·d + 1) − in.r1     (idem at the bottom, incl. ceil-mode overhang)
// and likewise for columns, so that a window op over `in` with these pads yields exactly out.rows × out.cols.
struct Geometry {
  Region out;
  Region in;
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
};
Geometry geometry(const Layer& layer, const Region& out);

// One layer prepared for one output region on one backend. Only execute() is timed; load() and store() convert
// between CHW and the backend's own layout (NHWC, blocked) outside the timed region.
class Kernel {
 public:
  virtual ~Kernel() = default;
  // inputs[i] holds geometry().in of the layer's i-th producer (all producers share the region), CHW.
  virtual void load(const std::vector<const Tensor*>& inputs) = 0;
  virtual void execute() = 0;
  // Output in CHW: layer.out.c × out.rows × out.cols.
  virtual void store(Tensor& out) = 0;
  // Implementation actually used, e.g. "brgconv:avx512_core", "im2col+sgemm", "reference".
  virtual std::string impl() const = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  virtual std::string version() const = 0;
  // `weights` must outlive the kernel (it is not copied: VGG-16 fc6 alone is 411 MB).
  virtual std::unique_ptr<Kernel> prepare(const Layer& layer, const LayerWeights& weights, const Region& out) = 0;
  int threads() const { return threads_; }

 protected:
  explicit Backend(int threads) : threads_(threads) {}
  int threads_;
};

// Backends compiled into this build, in preference order ("reference" always last).
std::vector<std::string> backend_names();
// Throws InputError naming the known backends when `name` is not compiled in.
std::unique_ptr<Backend> make_backend(const std::string& name, int threads = 1);

// The reference kernel for any layer (naive loops; the oracle). Backends fall back to it for memory-bound layers
// they do not implement natively (their impl() then says "reference").
std::unique_ptr<Kernel> make_reference_kernel(const Layer& layer, const LayerWeights& weights, const Region& out);
// Apply a layer's activation in place (leaky slope 0.1, Darknet's).
void apply_activation(Act act, float* data, std::size_t n);

// Convenience: prepare, load, execute, store.
Tensor run_kernel(Backend& backend, const Layer& layer, const LayerWeights& weights, const Region& out,
                  const std::vector<const Tensor*>& inputs);

}  // namespace edgesplit::kernels
