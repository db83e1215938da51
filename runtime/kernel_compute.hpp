// The emulator's real compute: the "regions" compute a worker runs for every role of a TaskGraph. It assembles the
// tensor cells it received per producer layer, optionally runs a layer run [first, last] for one output region
// through the bundled kernels (band / tile execution by receptive field, kernels/partition.hpp semantics, keeping
// every intermediate layer), and emits the requested cells of any layer it holds. The time in kernel execute() calls
// is reported to the worker (add_kernel_time), so the rest of the task counts as framework time.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/worker.hpp"
#include "sim/model/model.hpp"

namespace edgesplit::runtime {

// setup: {"model": {"zoo": NAME} | {"file": PATH}, "weights_seed": N, "backend": NAME, "threads": N}
// params: {"in_layers": [layer of each input slot], "run": {"first", "last", "out": [r0, r1, c0, c1]} (optional),
//          "out_cells": [[layer, r0, r1, c0, c1] per output], "out_bits": [bits per output]}
ComputeRegistry kernel_computes();

// The model a setup names (zoo or YAML file).
Model setup_model(const nlohmann::json& setup);

}  // namespace edgesplit::runtime
