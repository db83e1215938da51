// What each device computes under a plan, layer by layer: the output and input rectangles (inclusive pixel
// coordinates, as DeepThings' ftp.c prints them) and the MACs under the plan's compute accounting. Shown by
// `edgesplit plan --json` for spatial plans.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/plan/plan.hpp"

namespace edgesplit {

// {"accounting": "...", "stages": [{"stage", "first_layer", "last_layer", "split", "pieces": [{"device", "macs",
//   "layers": [{"layer", "name", "out": {"rows": [r0, r1], "cols": [c0, c1]}, "in": {...}, "macs"}]}]}]}
// `out` is the region of the layer's output the piece must produce (back-propagated from the piece's region of the
// stage's last layer, PICO eq. 3 / ftp.c traversal), `in` the region of the layer's input(s) that needs (for a
// multi-input layer, the bounding union), both inclusive [first, last]; `macs` the layer's MACs for this piece —
// output-area or executed (DeepThings runs every layer on its whole input tile) per `plan.accounting`.
nlohmann::json plan_regions_json(const Plan& plan, const Model& model);

}  // namespace edgesplit
