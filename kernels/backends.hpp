// Factories of the compiled backends (internal to kernels/; users call make_backend by name).
#pragma once

#include <memory>

#include "kernels/kernel.hpp"

namespace edgesplit::kernels {

std::unique_ptr<Backend> make_reference_backend(int threads);
std::unique_ptr<Backend> make_openblas_backend(int threads);
std::unique_ptr<Backend> make_onednn_backend(int threads);
std::unique_ptr<Backend> make_xnnpack_backend(int threads);

// Shared by the backends for the epilogue of their own kernels: out[k][i] = act(out[k][i] + bias[k]).
void add_bias_activation(float* out, int channels, std::size_t plane, const float* bias, Act act);

}  // namespace edgesplit::kernels
