// `halp`: HALP's host/secondary collaboration with integer row segments, its task-partitioning ratio, and dynamic
// model selection among model variants under a deadline (see halp.hpp for what is verified and what reconstructed).
#include "planners/halp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "planners/awd.hpp"
#include "planners/baseline_util.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"
#include "sim/plan/task_graph.hpp"

namespace edgesplit::halp {

namespace {

InputError option_error(const std::string& option, const std::string& message) {
  return InputError(InputIssue{"", 0, 0, "planner.options." + option, "planner 'halp': " + message});
}

// Rows [r0, r1) of a layer's output, every column.
Region rows_of(const Shape& s, int r0, int r1) { return row_band(s, r0, r1); }

}  // namespace

Setup make_setup(const std::string& host, const std::vector<std::string>& secondaries) {
  if (secondaries.empty())
    throw option_error("secondaries", fmt::format("needs at least one secondary device besides the host '{}'", host));
  for (const auto& d : secondaries)
    if (d == host) throw option_error("secondaries", fmt::format("the host '{}' cannot also be a secondary", host));
  Setup s;
  s.host = host;
  s.secondaries = secondaries;
  // Host strips between consecutive secondaries: every boundary of a secondary's segment faces the host, so every row
  // a secondary lacks is the host's to compute and send (with one secondary: S1 on top, the host below).
  for (std::size_t i = 0; i < secondaries.size(); ++i) {
    s.layout.push_back(secondaries[i]);
    s.host_segment.push_back(false);
    if (i + 1 < secondaries.size() || secondaries.size() == 1) {
      s.layout.push_back(host);
      s.host_segment.push_back(true);
    }
  }
  return s;
}

int spatial_prefix(const Model& m) {
  int best = 0;
  for (int k : baseline::cut_vertices(m))
    if (k >= 1 && k < m.size() && baseline::spatial_run(m, 1, k)) best = std::max(best, k);
  return best;
}

const char* block_scheme_name(BlockScheme s) {
  switch (s) {
    case BlockScheme::Downsample: return "downsample";
    case BlockScheme::Layer: return "layer";
    case BlockScheme::Whole: return "whole";
  }
  return "?";
}

std::vector<std::pair<int, int>> blocks_of(const Model& m, int prefix, BlockScheme scheme) {
  std::vector<std::pair<int, int>> blocks;
  if (prefix < 1) return blocks;
  if (scheme == BlockScheme::Whole) return {{1, prefix}};
  int first = 1;
  int prev_h = m.layers.front().out.h;  // the height at the previous block end (the input, to begin with)
  for (int k : baseline::cut_vertices(m)) {
    if (k < 1 || k > prefix) continue;
    int h = m.layers[static_cast<std::size_t>(k)].out.h;
    bool end = k == prefix || scheme == BlockScheme::Layer || h < prev_h;
    if (!end) continue;
    blocks.push_back({first, k});
    first = k + 1;
    prev_h = h;
  }
  return blocks;
}

std::vector<std::vector<Part>> layer_parts(const Model& m, const Setup& s, const Partition& part) {
  const int prefix = part.blocks.empty() ? 0 : part.blocks.back().second;
  std::vector<std::vector<Part>> out(static_cast<std::size_t>(prefix + 1));
  const int K = static_cast<int>(s.layout.size());
  for (std::size_t b = 0; b < part.blocks.size(); ++b) {
    const auto [first, last] = part.blocks[b];
    const std::vector<int>& rows = part.rows[b];
    const Shape& end_shape = m.layers[static_cast<std::size_t>(last)].out;
    std::vector<int> start(static_cast<std::size_t>(K + 1), 0);
    for (int k = 0; k < K; ++k) start[static_cast<std::size_t>(k + 1)] = start[static_cast<std::size_t>(k)] + rows[static_cast<std::size_t>(k)];
    // The host's cone per strip: what it must compute inside the block to produce its strip at the block end
    // (receptive field, padding-aware, PICO eq. 3 / DistrEdge VSL eq. 1 via back_propagate).
    std::vector<std::map<int, Region>> cone(static_cast<std::size_t>(K));
    for (int k = 0; k < K; ++k)
      if (s.host_segment[static_cast<std::size_t>(k)] && rows[static_cast<std::size_t>(k)] > 0)
        cone[static_cast<std::size_t>(k)] = back_propagate(m, first, last, rows_of(end_shape, start[static_cast<std::size_t>(k)], start[static_cast<std::size_t>(k + 1)]));
    for (int p = first; p <= last; ++p) {
      const Shape& shape = m.layers[static_cast<std::size_t>(p)].out;
      struct HostRun {
        int r0, r1, kmin, kmax;  // rows, and the layout indices of the strips whose cones it holds
      };
      std::vector<HostRun> runs;
      for (int k = 0; k < K; ++k) {
        auto it = cone[static_cast<std::size_t>(k)].find(p);
        if (it != cone[static_cast<std::size_t>(k)].end() && !it->second.empty()) runs.push_back({it->second.r0, it->second.r1, k, k});
      }
      std::sort(runs.begin(), runs.end(), [](const HostRun& a, const HostRun& b) { return a.r0 < b.r0; });
      std::vector<HostRun> merged;
      for (const HostRun& r : runs) {
        if (!merged.empty() && r.r0 <= merged.back().r1) {
          merged.back().r1 = std::max(merged.back().r1, r.r1);
          merged.back().kmax = std::max(merged.back().kmax, r.kmax);
          merged.back().kmin = std::min(merged.back().kmin, r.kmin);
        } else {
          merged.push_back(r);
        }
      }
      std::vector<Part>& parts = out[static_cast<std::size_t>(p)];
      // The rows between two host runs go to the secondaries whose segments lie between their strips in the layout,
      // in proportion to their block-end rows.
      auto fill_gap = [&](int g0, int g1, int klo, int khi) {
        if (g1 <= g0) return;
        std::vector<int> who;
        std::int64_t total = 0;
        for (int k = klo + 1; k < khi; ++k)
          if (!s.host_segment[static_cast<std::size_t>(k)] && rows[static_cast<std::size_t>(k)] > 0) {
            who.push_back(k);
            total += rows[static_cast<std::size_t>(k)];
          }
        if (who.empty()) {  // rows no block-end segment needs (unreachable for contiguous segments): the host's
          parts.push_back({s.host, true, rows_of(shape, g0, g1)});
          return;
        }
        std::int64_t cum = 0, len = g1 - g0;
        int at = g0;
        for (int k : who) {
          cum += rows[static_cast<std::size_t>(k)];
          int to = g0 + static_cast<int>((len * cum + total / 2) / total);
          if (to > at) parts.push_back({s.layout[static_cast<std::size_t>(k)], false, rows_of(shape, at, to)});
          at = to;
        }
      };
      int prev_end = 0, prev_k = -1;
      for (const HostRun& r : merged) {
        fill_gap(prev_end, r.r0, prev_k, r.kmin);
        parts.push_back({s.host, true, rows_of(shape, r.r0, r.r1)});
        prev_end = r.r1;
        prev_k = r.kmax;
      }
      fill_gap(prev_end, shape.h, prev_k, K);
    }
  }
  return out;
}

namespace {

// True when the rows [r0, r1) lie inside the union of `device`'s parts of layer q.
bool holds(const std::vector<std::vector<Part>>& parts, int q, const std::string& device, int r0, int r1) {
  if (q < 1 || q >= static_cast<int>(parts.size())) return false;  // the input frame, or past the prefix
  int at = r0;
  for (const Part& pt : parts[static_cast<std::size_t>(q)])  // top to bottom
    if (pt.device == device && pt.region.r0 <= at && pt.region.r1 > at) at = pt.region.r1;
  return at >= r1;
}

std::vector<Piece> pieces_of(const Model& m, const std::vector<std::vector<int>>& consumers,
                             const std::vector<std::vector<Part>>& parts, int layer, int prefix, bool overlap) {
  const Layer& L = m.layers[static_cast<std::size_t>(layer)];
  std::vector<Piece> first, then;
  for (const Part& pt : parts[static_cast<std::size_t>(layer)]) {
    const Region& R = pt.region;
    if (!overlap) {
      first.push_back({pt.device, R});
      continue;
    }
    // Per row: 1 = computed first (the host's halo rows; a secondary's interior rows).
    std::vector<char> early(static_cast<std::size_t>(R.rows()), 0);
    if (pt.host) {
      for (int c : consumers[static_cast<std::size_t>(layer)]) {
        if (c > prefix) continue;  // the tail runs on the host
        for (const Part& q : parts[static_cast<std::size_t>(c)]) {
          if (q.host) continue;
          Region need = input_region(m.layers[static_cast<std::size_t>(c)], q.region);
          for (int r = std::max(need.r0, R.r0); r < std::min(need.r1, R.r1); ++r) early[static_cast<std::size_t>(r - R.r0)] = 1;
        }
      }
    } else {
      for (int r = R.r0; r < R.r1; ++r) {
        Region need = input_region(L, rows_of(L.out, r, r + 1));
        bool own = true;
        for (int q : L.inputs) own = own && holds(parts, q, pt.device, need.r0, need.r1);
        early[static_cast<std::size_t>(r - R.r0)] = own ? 1 : 0;
      }
    }
    for (int r = R.r0; r < R.r1;) {
      int e = r;
      char f = early[static_cast<std::size_t>(r - R.r0)];
      while (e < R.r1 && early[static_cast<std::size_t>(e - R.r0)] == f) ++e;
      (f ? first : then).push_back({pt.device, Region{r, e, R.c0, R.c1}});
      r = e;
    }
  }
  first.insert(first.end(), then.begin(), then.end());
  return first;
}

}  // namespace

std::vector<Piece> layer_pieces(const Model& m, const std::vector<std::vector<Part>>& parts, int layer, int prefix,
                                bool overlap) {
  return pieces_of(m, m.consumers(), parts, layer, prefix, overlap);
}

Plan build_plan(const Model& m, const Setup& s, const Partition& part, const std::string& requester, bool overlap) {
  const int prefix = part.blocks.back().second;
  const auto parts = layer_parts(m, s, part);
  const auto consumers = m.consumers();
  Plan plan;
  plan.source = plan.sink = requester;
  plan.sequential_devices = true;
  for (int p = 1; p <= prefix; ++p) {
    Stage st;
    st.first_layer = st.last_layer = p;
    st.pieces = pieces_of(m, consumers, parts, p, prefix, overlap);
    st.split = st.pieces.size() > 1 ? SplitKind::Rows : SplitKind::Whole;
    const int h = m.layers[static_cast<std::size_t>(p)].out.h;
    for (const Piece& pc : st.pieces) st.fractions.push_back(static_cast<double>(pc.region.rows()) / h);
    plan.stages.push_back(std::move(st));
  }
  if (prefix < m.size() - 1) plan.stages.push_back(whole_stage(m, prefix + 1, m.size() - 1, s.host));
  return plan;
}

std::vector<int> balanced_rows(const Model& m, const Platform& p, const Setup& s, std::pair<int, int> block) {
  const auto [first, last] = block;
  const int h = m.layers[static_cast<std::size_t>(last)].out.h;
  const int K = static_cast<int>(s.layout.size());
  // The overlapping zone at one boundary: the host's cone of a strip [x, h) reaches ext(p) rows past where the
  // boundary would sit at layer p without it (x·h_p/h, an interior boundary at x = h/2).
  const int x = h / 2;
  std::map<int, Region> probe = back_propagate(m, first, last, rows_of(m.layers[static_cast<std::size_t>(last)].out, x, h));
  auto per_row = [&](const Device& d, int layer) {
    const Layer& L = m.layers[static_cast<std::size_t>(layer)];
    return baseline::linear_layer_time_s(d, L, full_region(L.out)) / std::max(1, L.out.h);
  };
  auto costs = [&](const std::string& name, double& c, double& eps) {
    const Device& d = p.devices[static_cast<std::size_t>(p.index_of(name))];
    c = eps = 0;
    for (int l = first; l <= last; ++l) {
      const int hl = m.layers[static_cast<std::size_t>(l)].out.h;
      c += per_row(d, l) * hl / h;  // the block's time per block-end row
      auto it = probe.find(l);
      if (it == probe.end()) continue;
      double ext = std::max(0.0, static_cast<double>(x) * hl / h - it->second.r0);
      eps += ext * per_row(d, l);
    }
  };
  double cH = 0, epsH = 0;
  costs(s.host, cH, epsH);
  const std::size_t N = s.secondaries.size();
  std::vector<double> c(N), eps(N), bnd(N);
  for (std::size_t i = 0; i < N; ++i) {
    costs(s.secondaries[i], c[i], eps[i]);
    bnd[i] = (N == 1 || i == 0 || i + 1 == N) ? 1.0 : 2.0;  // boundaries facing a host strip
  }
  // Reconstruction (papers.md §3.2 step 3): equal finish times. Secondary i: c_i·n_i − b_i·ε_i = T (the host spares it
  // its overlapping zones); host: c_H·n_H + Σ_i b_i·ε_H = T; Σ n = h. Devices whose share comes out negative drop out
  // (the host's strips vanish with their zones) and the rest are solved again.
  std::vector<char> active(N, 1);
  bool host_active = true;
  std::vector<double> n(N, 0.0);
  double nH = 0;
  for (int round = 0; round <= static_cast<int>(N) + 1; ++round) {
    double inv = 0, rhs = h;
    double EH = 0;
    for (std::size_t i = 0; i < N; ++i)
      if (active[i] && host_active) EH += bnd[i] * epsH;
    for (std::size_t i = 0; i < N; ++i)
      if (active[i]) {
        inv += 1.0 / c[i];
        if (host_active) rhs -= bnd[i] * eps[i] / c[i];
      }
    if (host_active) {
      inv += 1.0 / cH;
      rhs += EH / cH;
    }
    double T = rhs / inv;
    bool changed = false;
    for (std::size_t i = 0; i < N; ++i) {
      n[i] = active[i] ? (T + (host_active ? bnd[i] * eps[i] : 0.0)) / c[i] : 0.0;
      if (active[i] && n[i] < 0) active[i] = 0, changed = true;
    }
    nH = host_active ? (T - EH) / cH : 0.0;
    if (host_active && nH < 0) host_active = false, changed = true;
    if (!changed) break;
  }
  // Host share equally over its strips; then integer rows by largest remainder (ties to the upper segment).
  std::vector<double> want(static_cast<std::size_t>(K), 0.0);
  int strips = static_cast<int>(std::count(s.host_segment.begin(), s.host_segment.end(), true));
  for (int k = 0, i = 0; k < K; ++k) {
    if (s.host_segment[static_cast<std::size_t>(k)]) want[static_cast<std::size_t>(k)] = std::max(0.0, nH) / strips;
    else want[static_cast<std::size_t>(k)] = std::max(0.0, n[static_cast<std::size_t>(i++)]);
  }
  double sum = std::accumulate(want.begin(), want.end(), 0.0);
  std::vector<int> rows(static_cast<std::size_t>(K), 0);
  std::vector<std::pair<double, int>> rem;
  int given = 0;
  for (int k = 0; k < K; ++k) {
    double w = sum > 0 ? want[static_cast<std::size_t>(k)] * h / sum : (k == 1 ? static_cast<double>(h) : 0.0);
    rows[static_cast<std::size_t>(k)] = static_cast<int>(std::floor(w + 1e-9));
    given += rows[static_cast<std::size_t>(k)];
    rem.push_back({w - rows[static_cast<std::size_t>(k)], k});
  }
  std::stable_sort(rem.begin(), rem.end(), [](const auto& a, const auto& b) { return a.first > b.first + 1e-12; });
  for (int i = 0; given < h; ++i, ++given) ++rows[static_cast<std::size_t>(rem[static_cast<std::size_t>(i % K)].second)];
  return rows;
}

Partition host_only(const Model& m, const Setup& s, const std::vector<std::pair<int, int>>& blocks) {
  Partition part;
  part.blocks = blocks;
  const std::size_t host_k = static_cast<std::size_t>(std::find(s.host_segment.begin(), s.host_segment.end(), true) - s.host_segment.begin());
  for (const auto& b : blocks) {
    std::vector<int> rows(s.layout.size(), 0);
    rows[host_k] = m.layers[static_cast<std::size_t>(b.second)].out.h;
    part.rows.push_back(rows);
  }
  return part;
}

double air_time_s(const TaskGraph& g, const Platform& p) {
  double t = 0;
  for (const Transfer& x : g.transfers) {
    if (x.local) continue;
    double per_byte = 0;
    for (int d : {x.src_device, x.dst_device}) {
      const Device& dev = p.devices[static_cast<std::size_t>(d)];
      if (dev.attachment == Attachment::WifiStation) per_byte += 1.0 / dev.wifi_rate_Bps;
    }
    t += static_cast<double>(x.bytes) * per_byte;
  }
  return t;
}

namespace {

// Integer rows of a block end of `h` rows from shares `w` (Σ w = 1): floors, then the remainder one row at a time to
// the largest fractional parts (ties to the upper segment).
std::vector<int> rows_from_shares(const std::vector<double>& w, int h) {
  std::vector<int> rows(w.size(), 0);
  std::vector<std::pair<double, std::size_t>> rem;
  int given = 0;
  for (std::size_t k = 0; k < w.size(); ++k) {
    double x = std::max(0.0, w[k]) * h;
    rows[k] = static_cast<int>(std::floor(x + 1e-9));
    given += rows[k];
    rem.push_back({x - rows[k], k});
  }
  std::stable_sort(rem.begin(), rem.end(), [](const auto& a, const auto& b) { return a.first > b.first + 1e-12; });
  for (std::size_t i = 0; given < h; ++i, ++given) ++rows[rem[i % rem.size()].second];
  while (given > h) {  // only from rounding up by 1e-9: take back from the largest
    auto it = std::max_element(rows.begin(), rows.end());
    --*it;
    --given;
  }
  return rows;
}

}  // namespace

Optimised optimise(const Model& m, const Platform& p, const Setup& s, const std::string& requester,
                   BlockScheme scheme, bool overlap, const Scorer& score, int max_evaluations) {
  Optimised o;
  const int prefix = spatial_prefix(m);
  const int K = static_cast<int>(s.layout.size());
  Partition closed;
  closed.blocks = blocks_of(m, prefix, scheme);
  for (const auto& b : closed.blocks) closed.rows.push_back(balanced_rows(m, p, s, b));
  auto eval = [&](const Partition& x) {
    ++o.evaluations;
    return score(build_plan(m, s, x, requester, overlap));
  };
  auto height = [&](std::size_t b) { return m.layers[static_cast<std::size_t>(closed.blocks[b].second)].out.h; };

  // Phase 1 — the task-partitioning ratio (one share per segment for the whole network, as the prototype paper
  // optimises "the task partitioning ratio"): from the closed-form shares averaged over the blocks (weighted by their
  // heights), coordinate descent moving 1/16 … 1/256 of the rows between adjacent segments.
  // Reconstruction: the paper's optimiser is not given; every candidate is scored by the evaluator, so the
  // communication the closed form ignores is counted.
  std::vector<double> w(static_cast<std::size_t>(K), 0.0);
  double total_h = 0;
  for (std::size_t b = 0; b < closed.blocks.size(); ++b)
    for (int k = 0; k < K; ++k) w[static_cast<std::size_t>(k)] += closed.rows[b][static_cast<std::size_t>(k)], total_h += closed.rows[b][static_cast<std::size_t>(k)];
  for (double& x : w) x /= total_h;
  auto from_shares = [&](const std::vector<double>& shares) {
    Partition x;
    x.blocks = closed.blocks;
    for (std::size_t b = 0; b < x.blocks.size(); ++b) x.rows.push_back(rows_from_shares(shares, height(b)));
    return x;
  };
  double best_w = eval(from_shares(w));
  for (double delta : {1.0 / 16, 1.0 / 32, 1.0 / 64, 1.0 / 128, 1.0 / 256})
    for (bool improved = true; improved && o.evaluations < max_evaluations;) {
      improved = false;
      for (int k = 0; k + 1 < K && o.evaluations < max_evaluations; ++k)
        for (int dir : {+1, -1}) {
          std::size_t from = static_cast<std::size_t>(dir > 0 ? k + 1 : k), to = static_cast<std::size_t>(dir > 0 ? k : k + 1);
          double d = std::min(delta, w[from]);
          if (d <= 0 || o.evaluations >= max_evaluations) continue;
          std::vector<double> cand = w;
          cand[from] -= d;
          cand[to] += d;
          double l = eval(from_shares(cand));
          if (l < best_w * (1 - 1e-12)) w = cand, best_w = l, improved = true;
        }
    }

  // Phase 2 — integer rows per block: the best of the ratio's rows, the per-block closed form and the host alone,
  // then coordinate descent on every block's boundaries (moves of h/16 and h/64 rows, then single rows; a coarse
  // level only revisits the blocks whose step it changes; the single-row level loops over every block until no move
  // helps).
  Partition cur = from_shares(w);
  double best = best_w;
  if (double l = eval(closed); l < best) best = l, cur = closed;
  Partition alone = host_only(m, s, closed.blocks);
  if (double l = eval(alone); l < best) best = l, cur = alone;
  std::vector<int> prev(cur.blocks.size(), 0);
  for (int level : {8, 16, 32, 64, 0}) {
    std::vector<int> steps(cur.blocks.size());
    std::vector<char> active(cur.blocks.size());
    for (std::size_t b = 0; b < cur.blocks.size(); ++b) {
      steps[b] = level ? std::max(1, height(b) / level) : 1;
      active[b] = level == 0 || steps[b] != prev[b];
    }
    prev = steps;
    for (bool improved = true; improved && o.evaluations < max_evaluations;) {
      improved = false;
      for (std::size_t b = 0; b < cur.blocks.size() && o.evaluations < max_evaluations; ++b) {
        if (!active[b]) continue;
        for (int k = 0; k + 1 < K && o.evaluations < max_evaluations; ++k)
          for (int dir : {+1, -1}) {
            if (o.evaluations >= max_evaluations) break;
            std::vector<int>& r = cur.rows[b];
            std::size_t from = static_cast<std::size_t>(dir > 0 ? k + 1 : k), to = static_cast<std::size_t>(dir > 0 ? k : k + 1);
            int step = std::min(steps[b], r[from]);
            if (step <= 0) continue;
            r[from] -= step;
            r[to] += step;
            double l = eval(cur);
            if (l < best * (1 - 1e-12)) {
              best = l;
              improved = true;
            } else {
              r[from] += step;
              r[to] -= step;
            }
          }
      }
    }
  }
  o.partition = cur;
  o.plan = build_plan(m, s, cur, requester, overlap);
  o.latency_s = best;
  return o;
}

}  // namespace edgesplit::halp

namespace edgesplit {
namespace {

using namespace halp;

PlannerInfo halp_info() {
  return {"halp",
          "host computes the secondaries' overlapping zones and streams their halo rows while they compute their "
          "interiors (segment-based row partition, optimised ratio, integer rows); dynamic model selection under a "
          "deadline; re-planned at dynamics events",
          "Li, Iosifidis, Zhang, HALP, ICC'22, arXiv 2207.11294; Dong et al., prototype, EW'22, arXiv 2211.13778 "
          "(papers.md §3; schedule, ratio and selection reconstructed)",
          {{"host", "string", "", "the host device (holds the frame, computes the overlapping zones, gathers); '' = the "
            "requester", {}, {}, {}},
           {"secondaries", "string", "", "comma-separated secondary devices, top to bottom; '' = every other Wi-Fi "
            "station", {}, {}, {}},
           {"blocks", "string", "auto", "where the host's cones restart (one exchange each): downsample (at every map "
            "reduction), layer (every layer), whole (one block), auto (the best of the three)", {}, {},
            {"auto", "downsample", "layer", "whole"}},
           {"overlap", "string", "auto", "on: each device computes first what another waits for — the host its "
            "halo rows, a secondary its interior rows (HALP's communication/computation overlap; one more piece, so "
            "one more per-call cost, per split); off: one piece per device and layer; auto: the better of the two",
            {}, {}, {"auto", "on", "off"}},
           {"air", "string", "shared", "how candidates are scored: shared (the analytic executor's latency, but never "
            "less than the frame's total air time on the one access point, which every transfer shares) or unshared "
            "(the analytic executor alone, which lets transfers run side by side)", {}, {}, {"shared", "unshared"}},
           {"mode", "string", "halp", "halp (distributed) or standalone (the whole model on the host: the comparison)",
            {}, {}, {"halp", "standalone"}},
           {"variants", "string", "", "model selection among these: 'mobilenet_v1' (the 16 width x resolution "
            "checkpoints) or a comma-separated list of zoo names; '' = the scenario's model only", {}, {}, {}},
           {"deadline", "quantity:time", 0.0, "latency a selected model must meet; 0 = constraints.latency_cap, else "
            "constraints.deadline", 0.0, {}, {}},
           {"on_infeasible", "string", "fallback", "when no variant meets the deadline: fallback (the fastest; the "
            "note says so) or error", {}, {}, {"fallback", "error"}},
           {"max_evaluations", "int", 4000, "evaluator calls per block scheme and model in the ratio search", 10.0,
            1e7, {}}},
          /*adaptive=*/true};
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string device_option(const Platform& p, const std::string& option, const std::string& name) {
  if (p.index_of(name) >= 0) return name;
  std::vector<std::string> known;
  for (const auto& d : p.devices) known.push_back(d.name);
  throw InputError(InputIssue{"", 0, 0, "planner.options." + option, unknown_name_message("device", name, known)});
}

struct Candidate {
  const Model* model = nullptr;
  Plan plan;
  double latency_s = 0;
  std::string how;  // blocks and rows, for the note
};

class HalpPlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    const PlannerInfo info = halp_info();
    const Platform& pf = in.platform;
    const int req = baseline::requester(in, "halp");
    const std::string requester = pf.devices[static_cast<std::size_t>(req)].name;
    std::string host = option_or<std::string>(in, info, "host");
    host = host.empty() ? requester : device_option(pf, "host", host);
    const bool standalone = option_or<std::string>(in, info, "mode") == "standalone";
    std::vector<std::string> secondaries;
    std::string sec_text = option_or<std::string>(in, info, "secondaries");
    if (sec_text.empty()) {
      for (int d : baseline::stations(pf))
        if (pf.devices[static_cast<std::size_t>(d)].name != host) secondaries.push_back(pf.devices[static_cast<std::size_t>(d)].name);
    } else {
      for (const auto& name : split_list(sec_text)) secondaries.push_back(device_option(pf, "secondaries", name));
    }
    if (secondaries.empty() && !standalone)
      throw InputError(InputIssue{"", 0, 0, sec_text.empty() ? "platform.devices" : "planner.options.secondaries",
                                  fmt::format("planner 'halp' needs at least one secondary device besides the host "
                                              "'{}' (or mode: standalone)", host)});
    const Setup setup = standalone ? Setup{host, {}, {}, {}} : make_setup(host, secondaries);
    const std::string blocks = option_or<std::string>(in, info, "blocks");
    std::vector<BlockScheme> schemes;
    if (blocks == "auto" || blocks == "downsample") schemes.push_back(BlockScheme::Downsample);
    if (blocks == "auto" || blocks == "layer") schemes.push_back(BlockScheme::Layer);
    if (blocks == "auto" || blocks == "whole") schemes.push_back(BlockScheme::Whole);
    const std::string overlap_opt = option_or<std::string>(in, info, "overlap");
    std::vector<bool> overlaps;
    if (overlap_opt != "off") overlaps.push_back(true);
    if (overlap_opt != "on") overlaps.push_back(false);
    const int max_eval = option_or<int>(in, info, "max_evaluations");
    const bool shared_air = option_or<std::string>(in, info, "air") == "shared";

    // The deadline the selection must meet, and where it came from (for error messages).
    double deadline = option_or<double>(in, info, "deadline");
    std::string deadline_key = "planner.options.deadline";
    if (deadline <= 0 && in.constraints.latency_cap_s > 0) deadline = in.constraints.latency_cap_s, deadline_key = "constraints.latency_cap";
    if (deadline <= 0 && in.constraints.deadline_s > 0) deadline = in.constraints.deadline_s, deadline_key = "constraints.deadline";
    const bool fallback = option_or<std::string>(in, info, "on_infeasible") == "fallback";

    // The models to choose from, most accurate first (ties: fewer MACs), and the first that meets the deadline wins.
    const std::string spec = option_or<std::string>(in, info, "variants");
    std::vector<Model> variants = spec.empty() ? std::vector<Model>{in.model} : awd::variant_models(spec);
    std::stable_sort(variants.begin(), variants.end(), [](const Model& a, const Model& b) {
      if (a.facts.top1 != b.facts.top1) return a.facts.top1 > b.facts.top1;
      return model_macs(a) < model_macs(b);
    });
    std::vector<Candidate> tried;
    tried.reserve(variants.size());
    const Candidate* pick = nullptr;
    auto plan_variant = [&](const Model& v) {
      return standalone ? plan_standalone(in, v, host, requester, shared_air)
                        : plan_halp(in, v, setup, requester, schemes, overlaps, max_eval, shared_air);
    };
    std::vector<const Model*> pruned;  // cannot meet the deadline by the lower bound: not searched
    for (const Model& v : variants) {
      if (!standalone && deadline > 0 && variants.size() > 1 && lower_bound_s(v, pf, setup) > deadline) {
        pruned.push_back(&v);
        continue;
      }
      tried.push_back(plan_variant(v));
      if (deadline <= 0 || tried.back().latency_s <= deadline) {
        pick = &tried.back();
        break;
      }
    }
    std::string why;
    if (!pick) {
      for (const Model* v : pruned) tried.push_back(plan_variant(*v));  // the fallback needs the fastest of all
      pruned.clear();
      const Candidate* fastest = &tried.front();
      for (const auto& c : tried)
        if (c.latency_s < fastest->latency_s) fastest = &c;
      std::string problem = fmt::format("no {} meets the deadline {:.6g} s in {} mode (fastest: '{}', {:.6g} s)",
                                        variants.size() > 1 ? "model variant" : "plan", deadline,
                                        standalone ? "standalone" : "halp", fastest->model->name, fastest->latency_s);
      if (!fallback) throw InputError(InputIssue{"", 0, 0, deadline_key, "planner 'halp': " + problem});
      pick = fastest;
      why = "deadline infeasible, fallback: " + problem + "; ";
    }
    Plan plan = pick->plan;
    plan.planner = "halp";
    const Model& chosen = *pick->model;
    // With model selection the plan always names what it runs (even the scenario's own model); without, a variant
    // only when the scenario's model is not what ran (never: the scenario's model is the only candidate).
    if (!spec.empty() || chosen.name != in.model.name) plan.model_variant = chosen.name;
    if (!spec.empty() && chosen.facts.top1 > 0) {
      plan.accuracy_top1 = chosen.facts.top1;
      plan.accuracy_source = chosen.facts.accuracy_source;
    }
    std::string selection =
        spec.empty() ? ""
                     : fmt::format("; selected '{}' (top-1 {:.1f} %), the most accurate of {} variants within {} ({} "
                                   "planned, {} ruled out by the lower bound)",
                                   chosen.name, chosen.facts.top1, variants.size(),
                                   deadline > 0 ? fmt::format("the deadline {:.6g} s", deadline) : "no deadline",
                                   tried.size(), pruned.size());
    plan.note = fmt::format("{}{}{}", why, pick->how, selection);
    return plan;
  }

 private:
  // Scores a candidate of model `v`: one frame's latency by the analytic executor (the planning input's default
  // evaluator, called directly because candidates run model variants the input's evaluator is not bound to) and, with
  // a shared air, never less than the frame's air time (air_time_s).
  // Reconstruction: HALP's papers time communication on their own links; on one Wi-Fi AP every transfer shares the
  // air, which the analytic executor does not model, so the bound keeps the ratio search from plans the air cannot
  // carry.
  struct Score {
    double value = 0, latency_s = 0, air_s = 0;
  };
  static Score score(const PlanningInput& in, const Model& v, const Plan& plan, bool shared_air) {
    TaskGraph g = build_task_graph(plan, v, in.platform);
    Score s;
    s.latency_s = evaluate(g, in.platform).latency_s;
    s.air_s = air_time_s(g, in.platform);
    s.value = shared_air ? std::max(s.latency_s, s.air_s) : s.latency_s;
    return s;
  }
  static std::string describe(const Score& s, bool shared_air) {
    return fmt::format("latency {:.6g} s, air time {:.6g} s (simulated, analytic executor{})", s.latency_s, s.air_s,
                       shared_air ? "; scored by the larger" : "");
  }

  // A lower bound on the latency of any HALP plan of `v` over the host and the secondaries, each computing one piece
  // at a time: every prefix layer at its fastest device's time, shared evenly (a piece of share f costs at least
  // f × the whole layer: fixed + f·work/rate ≥ f·(fixed + work/rate)), then the tail on the host. 0 (no bound) when a
  // profile has row tables for `v`, whose per-row cost need not fall with the rows.
  static double lower_bound_s(const Model& v, const Platform& pf, const Setup& setup) {
    std::vector<const Device*> devs{&pf.devices[static_cast<std::size_t>(pf.index_of(setup.host))]};
    for (const auto& d : setup.secondaries) devs.push_back(&pf.devices[static_cast<std::size_t>(pf.index_of(d))]);
    const int prefix = spatial_prefix(v);
    double spatial = 0, tail = 0;
    for (int l = 1; l < v.size(); ++l) {
      const Layer& L = v.layers[static_cast<std::size_t>(l)];
      double best = std::numeric_limits<double>::infinity();
      for (const Device* d : devs) {
        if (d->profile.table(v.name, L.name)) return 0;
        best = std::min(best, baseline::linear_layer_time_s(*d, L, full_region(L.out)));
      }
      if (l <= prefix) spatial += best;
      else tail += baseline::linear_layer_time_s(*devs.front(), L, full_region(L.out));
    }
    return spatial / static_cast<double>(devs.size()) + tail;
  }

  static Candidate plan_standalone(const PlanningInput& in, const Model& v, const std::string& host,
                                   const std::string& requester, bool shared_air) {
    Candidate c;
    c.model = &v;
    c.plan.source = c.plan.sink = requester;
    c.plan.stages.push_back(whole_stage(v, 1, v.size() - 1, host));
    Score s = score(in, v, c.plan, shared_air);
    c.latency_s = s.value;
    c.how = fmt::format("stand-alone: '{}' whole on {}; {}", v.name, host, describe(s, shared_air));
    return c;
  }

  static Candidate plan_halp(const PlanningInput& in, const Model& v, const Setup& setup, const std::string& requester,
                             const std::vector<BlockScheme>& schemes, const std::vector<bool>& overlaps, int max_eval,
                             bool shared_air) {
    if (spatial_prefix(v) < 1)
      throw InputError(InputIssue{"", 0, 0, "model", fmt::format("planner 'halp': model '{}' has no spatial layer to "
                                                                 "partition", v.name)});
    Candidate c;
    c.model = &v;
    Scorer scorer = [&](const Plan& p) { return score(in, v, p, shared_air).value; };
    bool first = true, best_overlap = true;
    BlockScheme best_scheme = schemes.front();
    Optimised best;
    for (BlockScheme sch : schemes)
      for (bool ov : overlaps) {
        Optimised o = optimise(v, in.platform, setup, requester, sch, ov, scorer, max_eval);
        if (first || o.latency_s < best.latency_s * (1 - 1e-12))
          best = std::move(o), best_scheme = sch, best_overlap = ov, first = false;
      }
    c.plan = best.plan;
    c.latency_s = best.latency_s;
    std::string rows;
    for (std::size_t b = 0; b < best.partition.blocks.size(); ++b) {
      std::string seg;
      for (std::size_t k = 0; k < setup.layout.size(); ++k)
        seg += fmt::format("{}{}", k ? "/" : "", best.partition.rows[b][k]);
      rows += fmt::format("{}{}", b ? " " : "", seg);
    }
    std::string layout;
    for (std::size_t k = 0; k < setup.layout.size(); ++k) layout += (k ? "/" : "") + setup.layout[k];
    c.how = fmt::format("HALP '{}': host {} computes the overlapping zones; {} blocks ({}), overlap {}, block-end rows {} = {}; {}",
                        v.name, setup.host, best.partition.blocks.size(), block_scheme_name(best_scheme),
                        best_overlap ? "on" : "off", layout, rows, describe(score(in, v, c.plan, shared_air), shared_air));
    return c;
  }
};

}  // namespace

PlannerEntry halp_entry() { return {halp_info(), [] { return std::make_unique<HalpPlanner>(); }}; }

}  // namespace edgesplit
