// Band / tile execution through receptive-field back-propagation (sim/model/receptive_field.hpp).
#include "kernels/partition.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace edgesplit::kernels {

Piece run_region(Backend& backend, const Model& model, const std::vector<LayerWeights>& weights, int first, int last,
                 const Region& out, const std::map<int, Piece>& sources) {
  if (first < 1 || last < first || last >= model.size())
    throw std::logic_error(fmt::format("run_region: bad layer run [{}, {}]", first, last));
  std::map<int, Region> needed = back_propagate(model, first, last, out);
  std::map<int, Piece> computed;
  auto piece_of = [&](int p) -> const Piece& {
    if (p >= first) return computed.at(p);
    auto it = sources.find(p);
    if (it == sources.end())
      throw std::logic_error(fmt::format("run_region: no source piece for layer '{}'", model.layers[p].name));
    return it->second;
  };
  for (int i = first; i <= last; ++i) {
    auto it = needed.find(i);
    if (it == needed.end()) continue;  // does not feed `last`
    const Layer& l = model.layers[i];
    Geometry g = geometry(l, it->second);
    std::vector<Tensor> crops;
    crops.reserve(l.inputs.size());
    for (int p : l.inputs) {
      const Piece& src = piece_of(p);
      crops.push_back(crop(src.tensor, src.region, g.in));
    }
    std::vector<const Tensor*> ptrs;
    for (const Tensor& t : crops) ptrs.push_back(&t);
    computed[i] = Piece{it->second, run_kernel(backend, l, weights[i], it->second, ptrs)};
  }
  return computed.at(last);
}

std::vector<Tensor> run_model(Backend& backend, const Model& model, const std::vector<LayerWeights>& weights,
                              const Tensor& input) {
  std::vector<Tensor> acts(model.layers.size());
  acts[0] = input;
  for (int i = 1; i < model.size(); ++i) {
    const Layer& l = model.layers[i];
    // A window op may not read the last rows/columns (floor-mode strides): hand it exactly what it needs.
    Geometry g = geometry(l, full_region(l.out));
    std::vector<Tensor> crops;
    for (int p : l.inputs) crops.push_back(crop(acts[p], full_region(model.layers[p].out), g.in));
    std::vector<const Tensor*> ins;
    for (const Tensor& t : crops) ins.push_back(&t);
    acts[i] = run_kernel(backend, l, weights[i], full_region(l.out), ins);
  }
  return acts;
}

}  // namespace edgesplit::kernels
