// Plan: how one frame's inference is split across devices — a plain value every planner produces and every
// executor (analytic, SimGrid, emulator) consumes. Geometry helpers build row bands and tile grids.
#pragma once

#include <string>
#include <vector>

#include "sim/model/model.hpp"
#include "sim/model/receptive_field.hpp"
#include "sim/platform/platform.hpp"

namespace edgesplit {

// How a stage's output is divided among its pieces (for display; the regions in the pieces are authoritative).
enum class SplitKind {
  Whole,  // one piece computes everything
  Rows,   // 1-D horizontal bands (MoDNN BODP, DistrEdge split-parts, HALP segments)
  Tiles,  // 2-D grid (DeepThings FTP, PICO's figure)
};

// How data reaches a stage from the producers of its inputs.
enum class Route {
  Direct,    // each producing device sends each consuming device exactly the rows/tiles it needs
  ViaHost,   // producers send to `host` (gather), `host` sends each piece its input region (scatter): PICO's d_f
};

// How compute is accounted for a piece of a fused stage (DESIGN.md "Tile compute accounting").
enum class Accounting {
  OutputArea,  // each layer computes exactly the back-propagated region it must produce (PICO eq. 4)
  Executed,    // each layer runs on its whole available input tile, then crops (DeepThings' implementation)
};

// How a transfer quantised below float32 carries its dequantisation parameters (DynO's data packing, papers.md §2):
// none (the bits are a plain element width, e.g. fp16), or a float32 scale and a float32 offset per tensor or per
// channel of every tensor in the message. Reconstruction: DynO's exact header format is not published; 8 bytes per
// group is the minimum for asymmetric min-max (affine) quantisation x ≈ scale·q + offset.
enum class ScaleGranularity { None, PerTensor, PerChannel };
inline constexpr int kScaleOffsetBytes = 8;  // one float32 scale + one float32 offset per group

// One device's share of a stage: the region of the stage's last layer it produces.
struct Piece {
  std::string device;
  Region region;
};

// A contiguous run of layers [first_layer, last_layer] (topological indices; a DAG piece when the model is a DAG).
struct Stage {
  int first_layer = 1;
  int last_layer = 1;
  SplitKind split = SplitKind::Whole;
  std::vector<double> fractions;  // Rows: the share of each piece as planned (informative)
  int grid_rows = 1, grid_cols = 1;  // Tiles: the grid shape (informative)
  std::vector<Piece> pieces;
  Route input_route = Route::Direct;
  std::string host;   // ViaHost: the gathering / scattering device
  int input_bits = 32;  // bits per element of every tensor transferred into this stage (DynO's b for this cut)
  ScaleGranularity input_scales = ScaleGranularity::None;  // metadata sent with each input tensor (needs bits < 32)
};

struct Plan {
  std::string planner;        // who made it
  std::string model_variant;  // e.g. MobileNet "0.75_160"; empty = the scenario's model as given
  std::vector<Stage> stages;  // in pipeline order; together they cover layers 1..L-1 exactly once
  bool pipelined = false;     // frames may overlap in the stages (PICO); else one frame at a time
  // Each device computes its compute roles one at a time, in task-graph order (stage by stage, pieces in plan order),
  // frame after frame — a worker with one compute thread. Sending does not hold the device: a piece's results travel
  // while the device computes its next piece (HALP's schedule: the host computes the rows a secondary waits for
  // first). false (default): roles that share a device run concurrently — the analytic executor gives each the whole
  // device, the SimGrid executor shares its CPU among them.
  bool sequential_devices = false;
  std::string source;         // device holding the input frame (the requester)
  std::string sink;           // device the result is due at (the requester)
  int output_bits = 32;       // bits per element of the result sent to the sink
  Accounting accounting = Accounting::OutputArea;
  std::string note;           // one line from the planner: what it chose and why
  // Top-1 accuracy of what this plan runs, when the planner changed it (a smaller model variant, quantised
  // transfers); 0 = the model's published figure. accuracy_source says where the figure comes from.
  double accuracy_top1 = 0;
  std::string accuracy_source;
  // Request-level distribution (AWD): when non-empty, `stages` is empty and each frame runs whole under one replica,
  // chosen by smooth weighted round-robin over replica_shares (normalised). Replicas are ordinary plans.
  std::vector<Plan> replicas;
  std::vector<double> replica_shares;
};

// The model a plan runs: `base`, or the zoo variant named by plan.model_variant — either a full zoo name
// ("mobilenet_v1_0.5_128") or a suffix of the base's family ("0.5_128" on mobilenet_v1_1.0_224). Throws InputError
// (key "plan.model_variant") when no such zoo model exists.
Model plan_model(const Plan& plan, const Model& base);
// Top-1 of what the plan runs: plan.accuracy_top1 when set, else the published top-1 of plan_model's result.
double plan_accuracy_top1(const Plan& plan, const Model& base);

// Row bands of a layer's output, one per fraction, in order; rounding gives each band floor(h·f) rows and hands the
// remainder one row at a time to the earliest bands. Fractions need not sum to 1 (they are normalised); a zero
// fraction gives an empty band.
std::vector<Region> row_bands(const Shape& out, const std::vector<double>& fractions);
// Explicit cut rows: bands [0, cuts[0]), [cuts[0], cuts[1]), ..., [cuts.back(), h).
std::vector<Region> row_bands_at(const Shape& out, const std::vector<int>& cuts);
// DeepThings ftp.c grid(): n rows × m columns, strides ceil(h/n), ceil(w/m), the last tile absorbing the remainder;
// row-major order.
std::vector<Region> tile_grid(const Shape& out, int n, int m);

// Convenience builders.
Stage whole_stage(const Model& model, int first, int last, const std::string& device);
Stage band_stage(const Model& model, int first, int last, const std::vector<std::string>& devices,
                 const std::vector<double>& fractions);

// Rejects a plan the executors cannot run, naming the stage/piece and what is wrong: layers not covered exactly once
// in order, unknown devices, output rows/columns of a stage that no piece computes, one device holding two
// overlapping pieces of a stage, a ViaHost stage without a known host, bits outside 1..64, scales on a transfer of
// 32 bits or more, an unknown source/sink; a plan naming a model_variant is checked against that variant; a
// replicated plan, each replica and its share.
// Throws InputError (key "plan.stages[i]...").
void validate(const Plan& plan, const Model& model, const Platform& platform);

const char* split_kind_name(SplitKind k);
const char* route_name(Route r);
const char* accounting_name(Accounting a);
const char* scale_granularity_name(ScaleGranularity g);  // "none" | "per_tensor" | "per_channel"


}  // namespace edgesplit
