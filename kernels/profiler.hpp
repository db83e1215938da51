// The profiling benchmark behind `edgesplit profile`: times every layer of a model on one backend (warm-up, then the
// median of repeats, min and max kept), times row bands of several heights for the window layers (the time(rows)
// tables), and fits the per-op-class cost model `fixed + work / rate` by least squares with its residuals.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "kernels/kernel.hpp"
#include "sim/platform/platform.hpp"

namespace edgesplit::kernels {

struct ProfileOptions {
  std::vector<std::string> models;  // zoo names
  std::string backend = "onednn";
  int threads = 1;
  std::vector<int> band_rows = {1, 8, 28, 56, 0};  // 0 = the layer's full height; clipped to it and deduplicated
  int repeats = 5;                                  // timed runs per measurement (at least; tiny kernels run more)
  std::uint64_t seed = 1;
  // Called after each measurement: (done, total, estimated seconds left).
  std::function<void(int, int, double)> progress;
};

struct Timing {
  double median_s = 0, min_s = 0, max_s = 0;
  int repeats = 0;
};

struct BandTiming {
  int rows = 0;
  Timing time;
};

struct LayerMeasurement {
  std::string model, layer, kind, impl;  // kind: "conv3x3", "conv3x3/s2", "dwconv3x3", "conv1x1", "fc", "maxpool2x2/s2"…
  Op op = Op::Conv;
  OpClass op_class = OpClass::Conv;
  double work = 0;  // MACs (conv, fc) or elementary ops (pool, eltwise): the cost model's work of the whole layer
  int out_rows = 0;
  Timing whole;
  double clock_hz = 0;  // measured right after the whole-layer timing (for % of peak at the clock of the moment)
  std::vector<BandTiming> bands;  // ascending rows; the last is the full height; empty for non-window layers
};

struct ClassFit {
  OpClass op_class = OpClass::Conv;
  OpCost cost;
  int points = 0;                   // measurements fitted (whole layers and bands)
  double mean_abs_residual = 0;     // mean |predicted / measured − 1|
  double max_abs_residual = 0;
};

struct ProfileRun {
  std::string backend, backend_version;
  int threads = 1;
  double clock_hz = 0;  // measured before the run
  double elapsed_s = 0;
  std::vector<LayerMeasurement> layers;
  std::vector<ClassFit> fits;
};

// Times everything; throws InputError for an unknown model or backend.
ProfileRun run_profile(const ProfileOptions& options);

// Least squares on relative residuals: minimise Σ ((fixed + w_i / rate) / t_i − 1)² with fixed ≥ 0.
ClassFit fit_op_class(OpClass c, const std::vector<std::pair<double, double>>& work_time);

// The measured device profile: one pstate at the measured clock (power not measured: 0 W, said in notes), the fitted
// costs, the band tables, and `source: measured` provenance.
Profile to_profile(const ProfileRun& run, const std::string& name);

}  // namespace edgesplit::kernels
