// Compute accounting of spatially partitioned (fused) layer runs: the MACs a piece costs under the two conventions
// of DESIGN.md — output-area (ideal) and executed (what DeepThings/Darknet actually runs).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/model/model.hpp"
#include "sim/model/receptive_field.hpp"

namespace edgesplit {

enum class ComputeAccounting {
  OutputArea,  // each layer computes exactly the output region its consumers need (back_propagate)
  Executed,    // DeepThings forward_partition: each layer runs on its whole input tile with its own padding, as if the
               // tile were the image, and the result is cropped to the needed region
};

const char* compute_accounting_name(ComputeAccounting a);  // "output_area", "executed"
// Throws InputError (key "compute_accounting") with a suggestion for an unknown name.
ComputeAccounting compute_accounting_from_name(const std::string& name);

// MACs to compute `out` of the layer's output (clipped to it): Conv out.area()·C_out·(C_in/groups)·k_h·k_w; FC its
// full MACs when `out` is non-empty; every other op 0 (the same convention as layer_macs).
std::int64_t region_macs(const Layer& layer, const Region& out);

struct LayerRegionCost {
  int layer = 0;
  Region out;            // output region this layer must produce (the union over its consumers in the run)
  Region in;             // the region of its input(s) that `out` needs: the tile the layer is run on
  Region valid;          // computable_region(layer, in): outputs whose whole window lies in the tile (⊇ out)
  int executed_rows = 0; // output size when run on the tile as a standalone image (Darknet 'same' padding)
  int executed_cols = 0;
  std::int64_t output_area_macs = 0;  // region_macs(layer, out)
  std::int64_t executed_macs = 0;     // MACs of the executed_rows × executed_cols output
};

struct FusedRunCost {
  std::vector<LayerRegionCost> layers;  // the run's layers that feed `last`, in topological order
  std::map<int, Region> inputs;         // producers before `first` (e.g. the image) and the regions they supply
  std::int64_t output_area_macs = 0;
  std::int64_t executed_macs = 0;
  std::int64_t macs(ComputeAccounting a) const {
    return a == ComputeAccounting::Executed ? executed_macs : output_area_macs;
  }
};

// The cost of producing region `out` of layer `last` with the fused run [first, last] (topological indices).
FusedRunCost fused_run_cost(const Model& model, int first, int last, const Region& out);

}  // namespace edgesplit
