// PICO (Yang et al., ICDCS'21 "Towards Efficient Inference: Adaptively Cooperate in Heterogeneous IoT Edge Cluster";
// journal version TMC'23): graph partition into a chain of pieces, PICO's own cost model (eqs. 2–11), the homogeneous
// dynamic program (eq. 13, Alg. 1), the greedy heterogeneous adaptation (Alg. 2) and APICO's M/D/1 switch
// (Theorem 2). Exposed so tests can check the DP against exhaustive enumeration under the same cost model.
#pragma once

#include <array>
#include <functional>
#include <limits>
#include <vector>

#include "sim/model/model.hpp"
#include "sim/model/receptive_field.hpp"
#include "sim/plan/plan.hpp"
#include "sim/platform/platform.hpp"

namespace edgesplit::pico {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// A model piece: a contiguous run of layers [first_layer, last_layer] that exactly one tensor (the output of
// first_layer − 1) enters and exactly one tensor (the output of last_layer) leaves.
struct ModelPiece {
  int first_layer = 1;
  int last_layer = 1;
};

// PICO Step C (TMC "generic graph partition"). Reconstruction: a cut after layer t is admissible when every edge
// u → v with u ≤ t < v starts at t (one live tensor crosses it; residual and inception blocks stay whole). Pieces are
// the runs between admissible cuts; granularity rule: a piece that does no MACs (pool, activation, softmax) joins
// the piece before it (the first joins the next), so every piece carries a conv or FC layer.
std::vector<ModelPiece> partition_pieces(const Model& model, bool merge_without_macs = true);

// ϑ(d_k) per op class: time = (fixed_s + work / rate) per layer call — PICO eq. 5 with α_k = 1, because our profiles
// are already fitted per device; per class rather than one FLOP rate because eq. 2 counts conv MACs only and would
// make the FC tail free (Reconstruction).
struct Capacity {
  std::array<double, 5> fixed_s{};
  std::array<double, 5> rate_per_s{};
  double time_s(OpClass c, double work) const;
  double conv_rate() const { return rate_per_s[0]; }  // ϑ used to rank devices (Alg. 2 line 1)
};
Capacity device_capacity(const Device& device);
// PICO eq. 12: the homogeneous stand-in device, ϑ̄ = Σ_k ϑ(d_k) / |D| (per class; fixed costs averaged).
Capacity mean_capacity(const std::vector<Capacity>& capacities);

// The one WLAN bandwidth b of PICO's model (§1.2: all pairs share b). Reconstruction for per-station rates: a
// station→station transfer crosses the air twice, so b = 1 / (2 · mean_k 1/r_k) over the Wi-Fi stations.
double shared_bandwidth_Bps(const Platform& platform);

// The devices PICO plans over: every Wi-Fi station (PICO has no cloud), by index into platform.devices.
std::vector<int> pico_devices(const Platform& platform);

// Cost of one stage under eqs. 6–9.
struct StageCost {
  double comp_s = 0;  // eq. 6: max_k t_comp(d_k, F_j^k)
  double comm_s = 0;  // eq. 8: Σ_k (φ(F_i^k) + φ(F_j^k)) / b
  double time_s() const { return comp_s + comm_s; }  // eq. 9
};
struct Cost {
  std::vector<StageCost> stages;
  double period_s = 0;   // eq. 10: max over stages
  double latency_s = 0;  // eq. 11: sum over stages
};

// PICO's cost model (eqs. 2–11) of any plan: per piece, the region of every stage layer is back-propagated from the
// piece's output region (eq. 3, padding-aware and border-clipped like the paper's Fig. 4b), its work charged per
// layer (eqs. 2, 4, 5), its input and output regions sent over the one shared b (eq. 7) at the stage's bits.
Cost cost(const Plan& plan, const Model& model, const Platform& platform);

// An r × c grid of the map whose row and column boundaries are round(k · H / r), round(k · W / c): tiles differ by at
// most one row / column and are never empty while r ≤ H and c ≤ W. Row-major.
std::vector<Region> equal_grid(const Shape& out, int rows, int cols);

// Ts[i][j][p] of Alg. 1 for the homogeneous cluster: the stage running pieces i..j on p devices of capacity ϑ̄, its
// output split into the r × c grid (r · c = p) that minimises eq. 9.
class StageTable {
 public:
  StageTable(const Model& model, std::vector<ModelPiece> pieces, const Capacity& capacity, int max_devices,
             double bandwidth_Bps, int bits);
  int pieces() const { return n_; }
  int max_devices() const { return d_; }
  const std::vector<ModelPiece>& piece_list() const { return pieces_; }
  double time_s(int i, int j, int p) const { return at(i, j, p).time_s; }
  int grid_rows(int i, int j, int p) const { return at(i, j, p).rows; }
  int grid_cols(int i, int j, int p) const { return at(i, j, p).cols; }
  // Θ'_{i→j}: total work (MACs + other ops) of the stage over its p tiles, halo recomputation included (eq. 4).
  double work(int i, int j, int p) const { return at(i, j, p).work; }

 private:
  struct Entry {
    double time_s = kInf;
    double work = 0;
    int rows = 0, cols = 0;
  };
  const Entry& at(int i, int j, int p) const { return table_[(static_cast<std::size_t>(i) * n_ + j) * (d_ + 1) + p]; }
  Entry& at(int i, int j, int p) { return table_[(static_cast<std::size_t>(i) * n_ + j) * (d_ + 1) + p]; }
  std::vector<ModelPiece> pieces_;
  int n_ = 0, d_ = 0;
  std::vector<Entry> table_;
};

struct DpStage {
  int first_piece = 0, last_piece = 0;  // indices into the piece list
  int devices = 1;
  int grid_rows = 1, grid_cols = 1;
  double time_s = 0;
};
struct DpResult {
  std::vector<DpStage> stages;
  double period_s = kInf;
  double latency_s = kInf;
  bool feasible() const { return !stages.empty(); }
};

// PICO eq. 13 / Alg. 1: min period over chains of stages using at most max_devices devices in total, each candidate
// pruned when its latency exceeds latency_cap_s (0 = no cap). Without a cap the result is the exact optimum of the
// table; with one it is Alg. 1's heuristic (each sub-pipeline keeps only its min-period option).
DpResult homogeneous_dp(const StageTable& table, double latency_cap_s = 0);

// The best fused (non-pipelined) scheme APICO falls back to: a chain of stages run one frame at a time, each stage on
// any number of the devices, minimising latency (the OFL/AOFL family of ICDCS §VI, Reconstruction: solved exactly by
// a shortest path over the same table). Its period equals its latency.
DpResult best_fused(const StageTable& table);

// APICO (ICDCS'21 Theorem 2): predicted average latency under Poisson arrivals at rate λ of a scheme with period p
// and execution latency t: p(2 − pλ) / (2(1 − pλ)) + t; +∞ when pλ ≥ 1 (the queue is unstable). Literal: the M/D/1
// sojourn already holds one p, and the paper adds t on top.
double apico_average_latency_s(double period_s, double latency_s, double arrival_rate_hz);

// Alg. 2 line 2 + the divide-and-conquer resize (Reconstruction): cuts of [0, extent) into `parts` non-empty intervals
// minimising the largest time(part, a, b), by bisection on the target time with greedy placement; time must grow
// with the interval. Returns parts + 1 boundaries, first 0, last extent.
std::vector<int> balance_cuts(int extent, int parts, const std::function<double(int, int, int)>& time);

}  // namespace edgesplit::pico
