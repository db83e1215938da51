// Partitioned execution: compute a row band or a 2-D tile of one layer, or of a fused run of layers, from only the
// input region it needs (halo included), so that pieces computed apart compose to the monolithic output.
#pragma once

#include <map>
#include <vector>

#include "kernels/kernel.hpp"

namespace edgesplit::kernels {

// A region of one layer's output activation and its values (tensor shape: C × region.rows × region.cols).
struct Piece {
  Region region;
  Tensor tensor;
};

// Runs layers [first, last] (topological indices) over the regions back_propagate() assigns them for `out` of
// `last`, each layer on exactly the input region it needs. `sources` maps every producer outside the run
// (index < first, including layer 0, the input) to a piece covering what the run needs from it; a whole activation
// is a piece with its full region. Returns the piece `out` of layer `last`.
Piece run_region(Backend& backend, const Model& model, const std::vector<LayerWeights>& weights, int first, int last,
                 const Region& out, const std::map<int, Piece>& sources);

// The monolithic reference: every layer's whole output, in order (index 0 is `input`).
std::vector<Tensor> run_model(Backend& backend, const Model& model, const std::vector<LayerWeights>& weights,
                              const Tensor& input);

}  // namespace edgesplit::kernels
