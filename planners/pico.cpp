// Seed planners `pico` and `apico` (Yang et al., ICDCS'21; TMC'23): the chain-of-pieces partition, PICO's cost model,
// the homogeneous DP, the greedy heterogeneous adaptation and APICO's load-dependent switch. Paper ↔ code map:
// docs/planners.md "PICO"; digest: shared/reference/papers.md §1.
#include "planners/pico.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "planners/planner.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"

namespace edgesplit::pico {
namespace {

std::size_t cls(OpClass c) { return static_cast<std::size_t>(c); }

double region_work(const Layer& l, const Region& r) {
  std::int64_t full = std::int64_t(l.out.h) * l.out.w;
  if (full == 0 || r.empty()) return 0;
  // The task-graph builder's convention: work per output position is uniform, so the region's share is exact.
  return static_cast<double>((layer_macs(l) + layer_other_ops(l)) * r.area() / full);
}

bool is_chain(const Model& m, const ModelPiece& pc) {
  for (int l = pc.first_layer; l <= pc.last_layer; ++l) {
    const auto& in = m.layers[static_cast<std::size_t>(l)].inputs;
    if (in.size() != 1 || (l > pc.first_layer && in[0] != l - 1)) return false;
  }
  return true;
}

// One piece of a stage for one tile: eq. 3 back-propagation of the tile through the piece, eqs. 2/4/5 charged per layer.
struct Step {
  double time_s = 0;
  double work = 0;
  Region in;         // region of the producer's output the piece needs (φ(F_i^k) when the piece opens the stage)
  int producer = 0;  // the layer whose output enters the piece
};

Step step_back(const Model& m, const ModelPiece& pc, bool chain, const Region& out, const Capacity& cap) {
  Step s;
  if (chain) {
    Region r = intersect(out, full_region(m.layers[static_cast<std::size_t>(pc.last_layer)].out));
    for (int l = pc.last_layer; l >= pc.first_layer; --l) {
      const Layer& layer = m.layers[static_cast<std::size_t>(l)];
      double w = region_work(layer, r);
      s.work += w;
      s.time_s += cap.time_s(layer_op_class(layer), w);
      r = input_region(layer, r);
    }
    s.in = r;
    s.producer = m.layers[static_cast<std::size_t>(pc.first_layer)].inputs[0];
    return s;
  }
  for (const auto& [l, reg] : back_propagate(m, pc.first_layer, pc.last_layer, out)) {
    if (l < pc.first_layer) {
      s.in = reg;
      s.producer = l;
      continue;
    }
    const Layer& layer = m.layers[static_cast<std::size_t>(l)];
    double w = region_work(layer, reg);
    s.work += w;
    s.time_s += cap.time_s(layer_op_class(layer), w);
  }
  return s;
}

double elements_bytes(std::int64_t elements, int bits) { return std::ceil(static_cast<double>(elements) * bits / 8.0); }

}  // namespace

double Capacity::time_s(OpClass c, double work) const {
  if (work <= 0) return 0;
  double rate = rate_per_s[cls(c)];
  if (rate <= 0) return kInf;
  return fixed_s[cls(c)] + work / rate;
}

Capacity device_capacity(const Device& d) {
  Capacity c;
  double speed = d.profile.pstates.empty() ? 1.0 : d.profile.pstates.at(static_cast<std::size_t>(d.pstate)).speed;
  for (const auto& [oc, cost] : d.profile.cost) {
    c.fixed_s[cls(oc)] = cost.fixed_s / speed;
    c.rate_per_s[cls(oc)] = cost.rate_per_s * speed;
  }
  return c;
}

Capacity mean_capacity(const std::vector<Capacity>& caps) {
  Capacity m;
  for (const auto& c : caps)
    for (std::size_t k = 0; k < m.rate_per_s.size(); ++k) {
      m.fixed_s[k] += c.fixed_s[k] / static_cast<double>(caps.size());
      m.rate_per_s[k] += c.rate_per_s[k] / static_cast<double>(caps.size());
    }
  return m;
}

std::vector<int> pico_devices(const Platform& p) {
  std::vector<int> v;
  for (std::size_t i = 0; i < p.devices.size(); ++i)
    if (p.devices[i].attachment == Attachment::WifiStation) v.push_back(static_cast<int>(i));
  return v;
}

double shared_bandwidth_Bps(const Platform& p) {
  double inv = 0;
  int n = 0;
  for (int i : pico_devices(p)) {
    inv += 1.0 / p.devices[static_cast<std::size_t>(i)].wifi_rate_Bps;
    ++n;
  }
  return n == 0 ? 0 : 1.0 / (2.0 * inv / n);
}

std::vector<ModelPiece> partition_pieces(const Model& m, bool merge) {
  int L = m.size();
  std::vector<std::vector<int>> cons = m.consumers();
  std::vector<ModelPiece> raw;
  int reach = 0, start = 1;  // reach: the furthest consumer of any layer before t
  for (int t = 1; t < L; ++t) {
    for (int v : cons[static_cast<std::size_t>(t - 1)]) reach = std::max(reach, v);
    if (reach <= t || t == L - 1) {  // every edge from a layer before t ends at or before t: cut after t
      raw.push_back({start, t});
      start = t + 1;
    }
  }
  if (!merge) return raw;
  // Granularity: pieces without MACs join their predecessor (the first joins its successor).
  std::vector<ModelPiece> pieces;
  int pending = -1;
  for (ModelPiece pc : raw) {
    std::int64_t macs = 0;
    for (int l = pc.first_layer; l <= pc.last_layer; ++l) macs += layer_macs(m.layers[static_cast<std::size_t>(l)]);
    if (pending >= 0) {
      pc.first_layer = pending;
      pending = -1;
    }
    if (macs == 0 && !pieces.empty()) {
      pieces.back().last_layer = pc.last_layer;
    } else if (macs == 0) {
      pending = pc.first_layer;
    } else {
      pieces.push_back(pc);
    }
  }
  if (pending >= 0) pieces.push_back({pending, L - 1});
  return pieces;
}

std::vector<Region> equal_grid(const Shape& out, int rows, int cols) {
  std::vector<Region> tiles;
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j)
      tiles.push_back({static_cast<int>(std::lround(double(i) * out.h / rows)),
                       static_cast<int>(std::lround(double(i + 1) * out.h / rows)),
                       static_cast<int>(std::lround(double(j) * out.w / cols)),
                       static_cast<int>(std::lround(double(j + 1) * out.w / cols))});
  return tiles;
}

Cost cost(const Plan& plan, const Model& m, const Platform& platform) {
  double b = shared_bandwidth_Bps(platform);
  Cost c;
  for (std::size_t s = 0; s < plan.stages.size(); ++s) {
    const Stage& st = plan.stages[s];
    int out_bits = s + 1 < plan.stages.size() ? plan.stages[s + 1].input_bits : plan.output_bits;
    const Layer& last = m.layers[static_cast<std::size_t>(st.last_layer)];
    StageCost sc;
    for (const Piece& pc : st.pieces) {
      if (pc.region.empty()) continue;
      int d = platform.index_of(pc.device);
      if (d < 0) throw InputError(InputIssue{"", 0, 0, fmt::format("plan.stages[{}]", s), "unknown device " + pc.device});
      Capacity cap = device_capacity(platform.devices[static_cast<std::size_t>(d)]);
      double t = 0;
      std::int64_t in_elements = 0;
      for (const auto& [l, reg] : back_propagate(m, st.first_layer, st.last_layer, pc.region)) {
        const Layer& layer = m.layers[static_cast<std::size_t>(l)];
        if (l < st.first_layer)
          in_elements += reg.area() * layer.out.c;
        else
          t += cap.time_s(layer_op_class(layer), region_work(layer, reg));  // eqs. 2, 4, 5
      }
      sc.comp_s = std::max(sc.comp_s, t);  // eq. 6
      // eq. 7–8: input tile to d_k and output tile back, serialised on the one WLAN.
      sc.comm_s += (elements_bytes(in_elements, st.input_bits) +
                    elements_bytes(intersect(pc.region, full_region(last.out)).area() * last.out.c, out_bits)) / b;
    }
    c.stages.push_back(sc);
    c.period_s = std::max(c.period_s, sc.time_s());  // eq. 10
    c.latency_s += sc.time_s();                      // eq. 11
  }
  return c;
}

StageTable::StageTable(const Model& m, std::vector<ModelPiece> pieces, const Capacity& cap, int max_devices,
                       double b, int bits)
    : pieces_(std::move(pieces)), n_(static_cast<int>(pieces_.size())), d_(max_devices) {
  table_.assign(static_cast<std::size_t>(n_) * n_ * (d_ + 1), Entry{});
  std::vector<char> chain(pieces_.size());
  for (std::size_t k = 0; k < pieces_.size(); ++k) chain[k] = is_chain(m, pieces_[k]);
  std::vector<double> comp_max(static_cast<std::size_t>(n_)), in_bytes(static_cast<std::size_t>(n_)),
      work(static_cast<std::size_t>(n_));
  for (int j = 0; j < n_; ++j) {
    const Layer& last = m.layers[static_cast<std::size_t>(pieces_[static_cast<std::size_t>(j)].last_layer)];
    for (int p = 1; p <= d_; ++p)
      for (int r = 1; r <= p; ++r) {
        if (p % r != 0) continue;
        int c = p / r;
        if (r > last.out.h || c > last.out.w) continue;  // a tile would be empty
        std::fill(comp_max.begin(), comp_max.end(), 0.0);
        std::fill(in_bytes.begin(), in_bytes.end(), 0.0);
        std::fill(work.begin(), work.end(), 0.0);
        double out_bytes = 0;
        for (const Region& tile : equal_grid(last.out, r, c)) {
          out_bytes += elements_bytes(tile.area() * last.out.c, bits);
          // Walk back from piece j: stage (i..j) of this tile costs the sum of the pieces' steps (eq. 4).
          Region reg = tile;
          double t = 0, w = 0;
          for (int i = j; i >= 0; --i) {
            Step st = step_back(m, pieces_[static_cast<std::size_t>(i)], chain[static_cast<std::size_t>(i)], reg, cap);
            t += st.time_s;
            comp_max[static_cast<std::size_t>(i)] = std::max(comp_max[static_cast<std::size_t>(i)], t);
            w += st.work;
            work[static_cast<std::size_t>(i)] += w;
            in_bytes[static_cast<std::size_t>(i)] +=
                elements_bytes(st.in.area() * m.layers[static_cast<std::size_t>(st.producer)].out.c, bits);
            reg = st.in;
          }
        }
        for (int i = 0; i <= j; ++i) {
          // eq. 9 = eq. 6 + eq. 8 for the homogeneous stage.
          double T = comp_max[static_cast<std::size_t>(i)] + (in_bytes[static_cast<std::size_t>(i)] + out_bytes) / b;
          Entry& e = at(i, j, p);
          if (T < e.time_s) e = Entry{T, work[static_cast<std::size_t>(i)], r, c};
        }
      }
  }
}

DpResult homogeneous_dp(const StageTable& ts, double cap) {
  int n = ts.pieces(), D = ts.max_devices();
  if (cap <= 0) cap = kInf;
  // For every sub-pipeline (pieces 0..j on exactly p devices) the (period, latency) options that no other option
  // beats on both: Alg. 1 threads the remaining budget T_lim − Ts into its recursion, and keeping the whole front
  // makes that recursion exact instead of memoising one option per (i, j, p). Back-pointers R (split point s, −1 =
  // one stage), S (devices of the last stage) and the option of the sub-pipeline used.
  struct Option {
    double period_s, latency_s;
    int split, last_devices, sub;
  };
  auto idx = [D](int j, int p) { return static_cast<std::size_t>(j) * (D + 1) + p; };
  std::vector<std::vector<Option>> front(static_cast<std::size_t>(n) * (D + 1));
  std::vector<Option> cand;
  for (int j = 0; j < n; ++j)
    for (int p = 1; p <= D; ++p) {
      cand.clear();
      double one = ts.time_s(0, j, p);
      if (one <= cap) cand.push_back({one, one, -1, p, -1});
      // eq. 13: max(P[0][s][p − p'], Ts[s+1][j][p']) over split points s and last-stage sizes p'. (Alg. 1 line 15
      // compares against T[i][j][p−p']; T[i][s][p−p'] is meant, papers.md §1.5.)
      for (int s = 0; s < j; ++s)
        for (int pl = 1; pl < p; ++pl) {
          double last = ts.time_s(s + 1, j, pl);
          if (last > cap) continue;
          const auto& sub = front[idx(s, p - pl)];
          for (std::size_t o = 0; o < sub.size(); ++o) {
            double lat = sub[o].latency_s + last;
            if (lat > cap) continue;  // Alg. 1: the sub-pipeline must fit in T_lim − Ts
            cand.push_back({std::max(sub[o].period_s, last), lat, s, pl, static_cast<int>(o)});
          }
        }
      std::sort(cand.begin(), cand.end(), [](const Option& a, const Option& b) {
        return a.period_s != b.period_s ? a.period_s < b.period_s : a.latency_s < b.latency_s;
      });
      auto& f = front[idx(j, p)];
      for (const Option& o : cand)
        if (f.empty() || o.latency_s < f.back().latency_s) f.push_back(o);
    }
  // Reconstruction: the answer may leave the slowest devices idle (min over p ≤ |D|) — Alg. 1 answers P[1][L][|D|],
  // which can only be worse when one more device costs more communication than it saves.
  DpResult res;
  int best_p = 0;
  for (int p = 1; p <= D; ++p) {
    const auto& f = front[idx(n - 1, p)];
    if (f.empty()) continue;
    if (f[0].period_s < res.period_s || (f[0].period_s == res.period_s && f[0].latency_s < res.latency_s)) {
      res.period_s = f[0].period_s;
      res.latency_s = f[0].latency_s;
      best_p = p;
    }
  }
  if (best_p == 0) return res;
  for (int j = n - 1, p = best_p, o = 0;;) {
    const Option& opt = front[idx(j, p)][static_cast<std::size_t>(o)];
    int first = opt.split + 1, pl = opt.last_devices;
    res.stages.push_back({first, j, pl, ts.grid_rows(first, j, pl), ts.grid_cols(first, j, pl), ts.time_s(first, j, pl)});
    if (opt.split < 0) break;
    j = opt.split;
    p -= pl;
    o = opt.sub;
  }
  std::reverse(res.stages.begin(), res.stages.end());
  return res;
}

DpResult best_fused(const StageTable& ts) {
  int n = ts.pieces(), D = ts.max_devices();
  std::vector<double> best(static_cast<std::size_t>(n) + 1, kInf);
  std::vector<int> from(best.size(), -1), dev(best.size(), 0);
  best[0] = 0;
  for (int j = 1; j <= n; ++j)
    for (int i = 0; i < j; ++i)
      for (int p = 1; p <= D; ++p) {
        double t = best[static_cast<std::size_t>(i)] + ts.time_s(i, j - 1, p);
        if (t < best[static_cast<std::size_t>(j)]) {
          best[static_cast<std::size_t>(j)] = t;
          from[static_cast<std::size_t>(j)] = i;
          dev[static_cast<std::size_t>(j)] = p;
        }
      }
  DpResult res;
  if (best[static_cast<std::size_t>(n)] == kInf) return res;
  res.period_s = res.latency_s = best[static_cast<std::size_t>(n)];
  for (int j = n; j > 0; j = from[static_cast<std::size_t>(j)]) {
    int i = from[static_cast<std::size_t>(j)], p = dev[static_cast<std::size_t>(j)];
    res.stages.push_back({i, j - 1, p, ts.grid_rows(i, j - 1, p), ts.grid_cols(i, j - 1, p), ts.time_s(i, j - 1, p)});
  }
  std::reverse(res.stages.begin(), res.stages.end());
  return res;
}

double apico_average_latency_s(double p, double t, double lambda) {
  if (p == kInf || t == kInf) return kInf;
  double rho = p * lambda;
  if (rho >= 1) return kInf;
  return p * (2 - rho) / (2 * (1 - rho)) + t;  // Theorem 2
}

std::vector<int> balance_cuts(int extent, int parts, const std::function<double(int, int, int)>& time) {
  std::vector<int> best_cuts;
  auto place = [&](double tau, std::vector<int>& cuts) {
    cuts.assign(1, 0);
    int a = 0;
    for (int k = 0; k + 1 < parts; ++k) {
      int lo = a + 1, hi = extent - (parts - 1 - k);  // leave one unit for every later part
      // largest b in [lo, hi] with time(k, a, b) ≤ tau (time grows with b)
      int b = lo;
      while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (time(k, a, mid) <= tau) {
          b = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      cuts.push_back(b);
      a = b;
    }
    cuts.push_back(extent);
    double worst = 0;
    for (int k = 0; k < parts; ++k) worst = std::max(worst, time(k, cuts[static_cast<std::size_t>(k)], cuts[static_cast<std::size_t>(k) + 1]));
    return worst;
  };
  double hi = 0;
  for (int k = 0; k < parts; ++k) hi = std::max(hi, time(k, 0, extent));
  double lo = 0, best = kInf;
  std::vector<int> cuts;
  for (int it = 0; it < 40 && hi - lo > 1e-6 * hi; ++it) {
    double tau = 0.5 * (lo + hi);
    double worst = place(tau, cuts);
    if (worst < best) {
      best = worst;
      best_cuts = cuts;
    }
    if (worst <= tau)
      hi = tau;
    else
      lo = tau;
  }
  if (best_cuts.empty()) {
    place(hi, cuts);
    best_cuts = cuts;
  }
  return best_cuts;
}

namespace {

// ---------------------------------------------------------------------------------------------------------------
// Planner: DP on the homogeneous stand-in, Alg. 2 device assignment, per-stage resize, Plan.

struct Context {
  const Model& model;
  const Platform& platform;
  std::vector<int> devices;          // stations, fastest first (Alg. 2 line 1)
  std::vector<Capacity> capacities;  // same order
  std::vector<ModelPiece> pieces;
  std::vector<char> chain;
  double b = 0;
  int bits = 32;
};

// PICO eq. 9 for one stage with real devices: slot k of `devs` produces `tiles[k]`.
StageCost stage_cost(const Context& cx, const DpStage& st, const std::vector<int>& devs, const std::vector<Region>& tiles) {
  StageCost c;
  const Layer& last = cx.model.layers[static_cast<std::size_t>(cx.pieces[static_cast<std::size_t>(st.last_piece)].last_layer)];
  for (std::size_t k = 0; k < tiles.size(); ++k) {
    Region reg = tiles[k];
    double t = 0, in = 0;
    for (int i = st.last_piece; i >= st.first_piece; --i) {
      Step s = step_back(cx.model, cx.pieces[static_cast<std::size_t>(i)], cx.chain[static_cast<std::size_t>(i)], reg,
                         cx.capacities[static_cast<std::size_t>(devs[k])]);
      t += s.time_s;
      reg = s.in;
      if (i == st.first_piece)
        in = elements_bytes(s.in.area() * cx.model.layers[static_cast<std::size_t>(s.producer)].out.c, cx.bits);
    }
    c.comp_s = std::max(c.comp_s, t);
    c.comm_s += (in + elements_bytes(tiles[k].area() * last.out.c, cx.bits)) / cx.b;
  }
  return c;
}

// Compute time of a region of the stage's output on a capacity.
double region_time(const Context& cx, const DpStage& st, Region reg, const Capacity& cap) {
  double t = 0;
  for (int i = st.last_piece; i >= st.first_piece; --i) {
    Step s = step_back(cx.model, cx.pieces[static_cast<std::size_t>(i)], cx.chain[static_cast<std::size_t>(i)], reg, cap);
    t += s.time_s;
    reg = s.in;
  }
  return t;
}

// Alg. 2 step 3 (Reconstruction of the unspecified divide-and-conquer): devices of the stage (slot order = fastest
// first) go to grid rows in snake order; the row boundaries balance each grid row's band on the row's summed capacity,
// then the column boundaries inside each grid row balance its devices' tile times (halos recomputed on every probe).
// Returns tiles in slot order.
std::vector<Region> resize_tiles(const Context& cx, const DpStage& st, const std::vector<int>& devs) {
  const Shape& out = cx.model.layers[static_cast<std::size_t>(cx.pieces[static_cast<std::size_t>(st.last_piece)].last_layer)].out;
  int r = st.grid_rows;
  std::vector<std::vector<int>> row_slots(static_cast<std::size_t>(r));
  for (int k = 0; k < static_cast<int>(devs.size()); ++k) {
    int round = k / r, pos = k % r;
    row_slots[static_cast<std::size_t>(round % 2 == 0 ? pos : r - 1 - pos)].push_back(k);
  }
  std::vector<Capacity> row_cap(static_cast<std::size_t>(r));
  for (int g = 0; g < r; ++g)
    for (int k : row_slots[static_cast<std::size_t>(g)])
      for (std::size_t q = 0; q < 5; ++q) {
        const Capacity& dc = cx.capacities[static_cast<std::size_t>(devs[static_cast<std::size_t>(k)])];
        row_cap[static_cast<std::size_t>(g)].rate_per_s[q] += dc.rate_per_s[q];
        row_cap[static_cast<std::size_t>(g)].fixed_s[q] = std::max(row_cap[static_cast<std::size_t>(g)].fixed_s[q], dc.fixed_s[q]);
      }
  std::vector<int> rows = r == 1 ? std::vector<int>{0, out.h}
                                 : balance_cuts(out.h, r, [&](int g, int a, int b) {
                                     return region_time(cx, st, Region{a, b, 0, out.w}, row_cap[static_cast<std::size_t>(g)]);
                                   });
  std::vector<Region> tiles(devs.size());
  for (int g = 0; g < r; ++g) {
    const auto& slots = row_slots[static_cast<std::size_t>(g)];
    int a = rows[static_cast<std::size_t>(g)], b = rows[static_cast<std::size_t>(g) + 1];
    std::vector<int> cols = slots.size() == 1 ? std::vector<int>{0, out.w}
                                              : balance_cuts(out.w, static_cast<int>(slots.size()), [&](int k, int c0, int c1) {
                                                  return region_time(cx, st, Region{a, b, c0, c1},
                                                                     cx.capacities[static_cast<std::size_t>(devs[static_cast<std::size_t>(slots[static_cast<std::size_t>(k)])])]);
                                                });
    for (std::size_t k = 0; k < slots.size(); ++k)
      tiles[static_cast<std::size_t>(slots[k])] = Region{a, b, cols[k], cols[k + 1]};
  }
  return tiles;
}

PlannerInfo pico_info() {
  return {"pico",
          "PICO pipeline: chain of model pieces, homogeneous DP over (pieces, devices), greedy heterogeneous "
          "adaptation, balanced tiles per stage; with apico, the M/D/1 switch to a fused scheme",
          "Yang et al., ICDCS'21 eqs. 2-13, Alg. 1-2, Theorem 2; TMC'23 graph partition (papers.md §1)",
          {{"bits", "int", 32, "bits per element of every transferred activation", 1.0, 64.0, {}},
           {"resize", "bool", true, "re-size each stage's tiles so its devices finish together (Alg. 2 step 3)", {}, {}, {}},
           {"apico", "bool", false,
            "APICO: return the pipeline or the best fused one-frame-at-a-time scheme, whichever has the lower "
            "predicted M/D/1 average latency at arrival_rate_hz (Theorem 2)", {}, {}, {}},
           {"arrival_rate_hz", "double", 0.0, "Poisson arrival rate λ (frames/s) APICO decides for", 0.0, {}, {}}}};
}

Context make_context(const PlanningInput& in, int bits) {
  Context cx{in.model, in.platform, pico_devices(in.platform), {}, partition_pieces(in.model), {}, 0, bits};
  if (cx.devices.empty())
    throw InputError(InputIssue{"", 0, 0, "platform.devices", "planner 'pico' needs at least one Wi-Fi station"});
  if (in.platform.requester_index() < 0)
    throw InputError(InputIssue{"", 0, 0, "platform.requester", "planner 'pico' needs a requester device"});
  std::vector<Capacity> caps(in.platform.devices.size());
  for (std::size_t i = 0; i < caps.size(); ++i) caps[i] = device_capacity(in.platform.devices[i]);
  std::stable_sort(cx.devices.begin(), cx.devices.end(), [&](int a, int b) {
    return caps[static_cast<std::size_t>(a)].conv_rate() > caps[static_cast<std::size_t>(b)].conv_rate();
  });
  cx.capacities = caps;
  for (const auto& pc : cx.pieces) cx.chain.push_back(is_chain(in.model, pc));
  cx.b = shared_bandwidth_Bps(in.platform);
  return cx;
}

StageTable make_table(const Context& cx) {
  std::vector<Capacity> caps;
  for (int d : cx.devices) caps.push_back(cx.capacities[static_cast<std::size_t>(d)]);
  return StageTable(cx.model, cx.pieces, mean_capacity(caps), static_cast<int>(cx.devices.size()), cx.b, cx.bits);
}

// Alg. 2: devices, fastest first, each to the incomplete stage with the largest average requirement per device
// Θ'/|D'| (the text's rule; the listing's "minimum |D'|" contradicts it, papers.md §1.5). With `pipelined` false (a
// fused scheme run one frame at a time) every stage takes the fastest devices instead.
std::vector<std::vector<int>> assign_devices(const Context& cx, const StageTable& ts, const DpResult& dp, bool pipelined) {
  std::vector<std::vector<int>> slots(dp.stages.size());
  if (!pipelined) {
    for (std::size_t s = 0; s < dp.stages.size(); ++s)
      slots[s].assign(cx.devices.begin(), cx.devices.begin() + dp.stages[s].devices);
    return slots;
  }
  int used = 0;
  for (const auto& st : dp.stages) used += st.devices;
  for (int k = 0; k < used; ++k) {
    int pick = -1;
    double need = -1;
    for (std::size_t s = 0; s < dp.stages.size(); ++s) {
      const DpStage& st = dp.stages[s];
      if (static_cast<int>(slots[s].size()) >= st.devices) continue;
      double per_device = ts.work(st.first_piece, st.last_piece, st.devices) / st.devices;
      if (per_device > need) {
        need = per_device;
        pick = static_cast<int>(s);
      }
    }
    slots[static_cast<std::size_t>(pick)].push_back(cx.devices[static_cast<std::size_t>(k)]);
  }
  return slots;
}

Plan build_plan(const Context& cx, const StageTable& ts, const DpResult& dp, bool pipelined, bool resize) {
  const std::string& req = cx.platform.devices[static_cast<std::size_t>(cx.platform.requester_index())].name;
  Plan plan;
  plan.source = plan.sink = req;
  plan.pipelined = pipelined;
  plan.output_bits = cx.bits;
  auto slots = assign_devices(cx, ts, dp, pipelined);
  for (std::size_t s = 0; s < dp.stages.size(); ++s) {
    const DpStage& st = dp.stages[s];
    const auto& devs = slots[s];
    const Shape& out = cx.model.layers[static_cast<std::size_t>(cx.pieces[static_cast<std::size_t>(st.last_piece)].last_layer)].out;
    std::vector<Region> tiles = equal_grid(out, st.grid_rows, st.grid_cols);
    if (resize && devs.size() > 1) {
      // Keep the re-sized tiles only when they lower the stage's eq. 9 time.
      std::vector<Region> balanced = resize_tiles(cx, st, devs);
      if (stage_cost(cx, st, devs, balanced).time_s() < stage_cost(cx, st, devs, tiles).time_s()) tiles = balanced;
    }
    Stage out_stage;
    out_stage.first_layer = cx.pieces[static_cast<std::size_t>(st.first_piece)].first_layer;
    out_stage.last_layer = cx.pieces[static_cast<std::size_t>(st.last_piece)].last_layer;
    out_stage.split = devs.size() > 1 ? SplitKind::Tiles : SplitKind::Whole;
    out_stage.grid_rows = st.grid_rows;
    out_stage.grid_cols = st.grid_cols;
    out_stage.input_bits = cx.bits;
    for (std::size_t k = 0; k < devs.size(); ++k)
      out_stage.pieces.push_back({cx.platform.devices[static_cast<std::size_t>(devs[k])].name, tiles[k]});
    if (devs.size() > 1) {
      // d_f: the stage's fastest device splits the input, scatters the tiles and gathers the outputs (§1.2).
      out_stage.input_route = Route::ViaHost;
      out_stage.host = cx.platform.devices[static_cast<std::size_t>(devs.front())].name;
    }
    plan.stages.push_back(std::move(out_stage));
  }
  return plan;
}

std::string describe(const DpResult& dp, const Cost& c, const char* what) {
  std::string shape;
  for (const auto& st : dp.stages) shape += fmt::format("{}{}", shape.empty() ? "" : "+", st.devices);
  return fmt::format("{}: {} stages (devices {}), PICO-model period {:.4g} s, latency {:.4g} s (simulated, eqs. 10-11)",
                     what, dp.stages.size(), shape, c.period_s, c.latency_s);
}

class PicoPlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    const PlannerInfo info = pico_info();
    bool adaptive = option_or<bool>(in, info, "apico");
    Context cx = make_context(in, option_or<int>(in, info, "bits"));
    bool resize = option_or<bool>(in, info, "resize");
    StageTable ts = make_table(cx);
    DpResult dp = homogeneous_dp(ts, in.constraints.latency_cap_s);
    if (!dp.feasible())
      throw InputError(InputIssue{"", 0, 0, "constraints.latency_cap",
                                  fmt::format("planner '{}': no pipeline meets the latency cap {} s", info.name,
                                              in.constraints.latency_cap_s)});
    Plan pipeline = build_plan(cx, ts, dp, true, resize);
    Cost pc = cost(pipeline, in.model, in.platform);
    if (!adaptive) {
      pipeline.note = describe(dp, pc, "PICO pipeline");
      return pipeline;
    }
    // APICO: compare predicted average latencies (Theorem 2) of the pipeline and the best fused scheme at λ.
    double lambda = option_or<double>(in, info, "arrival_rate_hz");
    DpResult fused = best_fused(ts);
    Plan one = build_plan(cx, ts, fused, false, resize);
    Cost fc = cost(one, in.model, in.platform);
    double w_pipe = apico_average_latency_s(pc.period_s, pc.latency_s, lambda);
    double w_fused = apico_average_latency_s(fc.latency_s, fc.latency_s, lambda);
    if (w_fused <= w_pipe) {
      one.note = describe(fused, fc, "APICO chose the fused scheme") +
                 fmt::format("; predicted average latency {:.4g} s vs pipeline {:.4g} s at {} frames/s", w_fused,
                             w_pipe, lambda);
      return one;
    }
    pipeline.note = describe(dp, pc, "APICO chose the pipeline") +
                    fmt::format("; predicted average latency {:.4g} s vs fused {:.4g} s at {} frames/s", w_pipe,
                                w_fused, lambda);
    return pipeline;
  }

};

}  // namespace
}  // namespace edgesplit::pico

namespace edgesplit {
PlannerEntry pico_entry() {
  return {pico::pico_info(), [] { return std::make_unique<pico::PicoPlanner>(); }};
}
}  // namespace edgesplit
