// Receptive-field maps for spatial partitioning: from a region of a layer's output back to the input region it
// needs, padding-aware and clipped at the borders, through single layers, fused chains and DAG blocks.
#pragma once

#include <cstdint>
#include <map>

#include "sim/model/model.hpp"

namespace edgesplit {

// Half-open rectangle of an activation: rows [r0, r1), columns [c0, c1). Empty when r0 >= r1 or c0 >= c1.
struct Region {
  int r0 = 0, r1 = 0, c0 = 0, c1 = 0;
  int rows() const { return r1 > r0 ? r1 - r0 : 0; }
  int cols() const { return c1 > c0 ? c1 - c0 : 0; }
  bool empty() const { return rows() == 0 || cols() == 0; }
  std::int64_t area() const { return std::int64_t(rows()) * cols(); }
  bool operator==(const Region&) const = default;
};

Region full_region(const Shape& s);
Region row_band(const Shape& s, int r0, int r1);  // all columns
// Smallest rectangle holding both (the union over DAG paths; exact for row bands that overlap or touch).
Region bounding_union(const Region& a, const Region& b);
Region intersect(const Region& a, const Region& b);

// The region of the layer's input (every input, for Add/Concat) needed to compute `out` of its output.
// Conv/pool rows: [r0·s − pad_top, (r1−1)·s − pad_top + (k−1)·d + 1) clipped to [0, H_in); columns likewise.
// FullyConnected / GlobalAvgPool need their whole input; Reorg/Upsample scale; element-wise layers map 1:1.
Region input_region(const Layer& layer, const Region& out);

// The output region a layer can compute correctly from the `available` region of its input: outputs whose whole
// window lies inside it (padding is free only at the map's true borders). This is the valid part of what DeepThings
// executes on a tile; the executed MACs themselves (Darknet pads every tile as if it were the image) are counted by
// fused_run_cost in partition_cost.hpp.
Region computable_region(const Layer& layer, const Region& available);

// Back-propagation through a fused run of layers [first, last] (topological indices): given the region of `last`'s
// output to produce, the region each layer in the run must produce, and the region needed from each producer
// outside the run (index < first). Layers of the run that do not feed `last` are absent. Over several paths the
// regions are united (bounding_union).
std::map<int, Region> back_propagate(const Model& model, int first, int last, const Region& out);

}  // namespace edgesplit
