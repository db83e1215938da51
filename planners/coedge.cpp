// Baseline `coedge`: CoEdge's adaptive workload partitioning (Zeng, Chen, Zhou, Yang, Zhang, IEEE/ACM ToN 2021,
// arXiv 2012.03257; papers.md §6): the input is partitioned among the edge devices by workload ratios, every device
// then runs the model layer by layer on its part, exchanging only the boundary (halo) rows with the devices that hold
// them; the ratios minimise the frame's energy under a latency constraint, on linear models of the devices (time ∝
// assigned work) and of the network (time ∝ bytes).
//
// Reconstruction: only the abstract and DistrEdge's summary were read ("linear device and network models,
// layer-by-layer split"; energy objective, latency close to the baselines). Our linear program, solved exactly by
// GLPK's simplex:
//   variables x[d] ∈ [0, 1] (station d's share of every layer's rows), t[l] ≥ 0 (layer l's time)
//   min  Σ_d x[d]·Σ_l E[l][d]                 E = busy power × whole-layer time (+ radio energy of the input upload
//                                              on the first layer and of the result return on the last)
//   s.t. Σ_d x[d] = 1;   x[d]·A[l][d] ≤ t[l]  ∀l,d;   Σ_l t[l] ≤ T
// A = whole-layer time on d (+ upload / return time on the first / last spatial layer). Halo exchange is left out of
// the LP (the evaluator charges it). T is the scenario's latency cap less the tail's time on the requester when set,
// else (1 + latency_slack) × the LP's minimum Σ t[l] (CoEdge keeps latency "close to the status quo"). Layers
// without a spatial map run whole on the requester. Under a latency/throughput objective the LP minimises Σ t[l].
// One ratio vector for all layers (rather than one per layer) keeps the exchange between layers to halo rows, as in
// CoEdge's layer-wise execution; per-layer ratios would pay a re-distribution of every layer that the linear model
// does not see.
#include <fmt/format.h>
#include <glpk.h>

#include <algorithm>
#include <limits>
#include <memory>

#include "planners/baseline_util.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"

namespace edgesplit {
namespace {

PlannerInfo coedge_info() {
  return {"coedge",
          "row shares from a linear program (energy under a latency constraint, linear models), layer by layer with "
          "direct halo exchange",
          "Zeng et al., CoEdge, IEEE/ACM ToN 2021 (papers.md §6)",
          {{"latency_slack", "double", 0.1,
            "without a latency cap: allowed latency = (1 + slack) × the LP's minimum (energy objective only)", 0.0, 100.0, {}},
           {"bits", "int", 32, "bits per element of transferred activations", 1.0, 64.0, {}}}};
}

struct LpResult {
  bool optimal = false;
  double objective = 0;
  std::vector<double> x;  // per station
  double latency_s = 0;   // Σ t
};

// Solves the LP above; `cap_s` < 0 means no latency row and a latency objective.
LpResult solve_lp(const std::vector<std::vector<double>>& A, const std::vector<std::vector<double>>& E, double cap_s) {
  const int L = static_cast<int>(A.size()), D = static_cast<int>(A.front().size());
  std::unique_ptr<glp_prob, void (*)(glp_prob*)> lp(glp_create_prob(), glp_delete_prob);
  glp_set_obj_dir(lp.get(), GLP_MIN);
  auto xcol = [&](int d) { return 1 + d; };
  auto tcol = [&](int l) { return 1 + D + l; };
  glp_add_cols(lp.get(), D + L);
  for (int d = 0; d < D; ++d) {
    double e = 0;
    for (int l = 0; l < L; ++l) e += E[static_cast<std::size_t>(l)][static_cast<std::size_t>(d)];
    glp_set_col_bnds(lp.get(), xcol(d), GLP_DB, 0.0, 1.0);
    glp_set_obj_coef(lp.get(), xcol(d), cap_s < 0 ? 0.0 : e);
  }
  for (int l = 0; l < L; ++l) {
    glp_set_col_bnds(lp.get(), tcol(l), GLP_LO, 0.0, 0.0);
    glp_set_obj_coef(lp.get(), tcol(l), cap_s < 0 ? 1.0 : 0.0);
  }
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  auto put = [&](int r, int c, double v) { ia.push_back(r), ja.push_back(c), ar.push_back(v); };
  glp_add_rows(lp.get(), 1 + L * D + (cap_s < 0 ? 0 : 1));
  int r = 1;
  glp_set_row_bnds(lp.get(), r, GLP_FX, 1.0, 1.0);  // Σ_d x = 1
  for (int d = 0; d < D; ++d) put(r, xcol(d), 1.0);
  ++r;
  for (int l = 0; l < L; ++l)
    for (int d = 0; d < D; ++d, ++r) {  // A·x − t ≤ 0
      glp_set_row_bnds(lp.get(), r, GLP_UP, 0.0, 0.0);
      put(r, xcol(d), A[static_cast<std::size_t>(l)][static_cast<std::size_t>(d)]);
      put(r, tcol(l), -1.0);
    }
  if (cap_s >= 0) {  // Σ t ≤ T
    glp_set_row_bnds(lp.get(), r, GLP_UP, 0.0, cap_s);
    for (int l = 0; l < L; ++l) put(r, tcol(l), 1.0);
  }
  glp_load_matrix(lp.get(), static_cast<int>(ar.size()) - 1, ia.data(), ja.data(), ar.data());
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  LpResult res;
  if (glp_simplex(lp.get(), &parm) != 0 || glp_get_status(lp.get()) != GLP_OPT) return res;
  res.optimal = true;
  res.objective = glp_get_obj_val(lp.get());
  for (int d = 0; d < D; ++d) res.x.push_back(std::max(0.0, glp_get_col_prim(lp.get(), xcol(d))));
  for (int l = 0; l < L; ++l) res.latency_s += glp_get_col_prim(lp.get(), tcol(l));
  return res;
}

class CoedgePlanner : public Planner {
 public:
  Plan plan(const PlanningInput& in) const override {
    const PlannerInfo info = coedge_info();
    const Model& m = in.model;
    const Platform& pf = in.platform;
    int bits = option_or<int>(in, info, "bits");
    double slack = option_or<double>(in, info, "latency_slack");
    Plan p = baseline::requester_plan(in, "coedge");
    p.output_bits = bits;
    int host = pf.index_of(p.source);
    std::vector<int> st = baseline::stations(pf);
    std::vector<std::string> names = baseline::names(pf, st);
    int last = m.size() - 1;
    int S = 0;
    while (S + 1 <= last && baseline::spatial_run(m, S + 1, S + 1)) ++S;
    // Layer-wise execution: every spatial layer is its own stage with the same shares; a layer inside a DAG block is
    // split like any other (its inputs come directly from whichever pieces hold them).
    const double Bpe = bits / 8.0;
    std::vector<std::vector<double>> A(static_cast<std::size_t>(S), std::vector<double>(st.size())), E = A;
    double in_bytes = static_cast<double>(m.layers[0].out.elements()) * Bpe;
    for (int l = 1; l <= S; ++l) {
      const Layer& layer = m.layers[static_cast<std::size_t>(l)];
      for (std::size_t k = 0; k < st.size(); ++k) {
        const Device& d = pf.devices[static_cast<std::size_t>(st[k])];
        double busy = d.profile.pstates.empty() ? 0.0 : d.profile.pstates[static_cast<std::size_t>(d.pstate)].busy_W;
        double a = baseline::linear_layer_time_s(d, layer, full_region(layer.out));
        double e = busy * a;
        if (st[k] != host) {
          double rate = baseline::link_rate_Bps(pf, host, st[k]);
          if (l == 1) a += in_bytes / rate, e += d.profile.radio_rx_W * in_bytes / rate;
          if (l == S) {
            double ob = static_cast<double>(layer.out.elements()) * Bpe;
            a += ob / rate, e += d.profile.radio_tx_W * ob / rate;
          }
        }
        A[static_cast<std::size_t>(l - 1)][k] = a;
        E[static_cast<std::size_t>(l - 1)][k] = e;
      }
    }
    std::string how;
    std::vector<double> x;
    if (S > 0) {
      LpResult fastest = solve_lp(A, E, -1.0);
      if (!fastest.optimal) throw InputError(InputIssue{"", 0, 0, "planner", "planner 'coedge': the LP found no solution"});
      x = fastest.x;
      how = fmt::format("min latency (LP {:.6g} s)", fastest.latency_s);
      if (in.objective == Objective::Energy) {
        // The cap covers the frame; the LP's layers get what the tail (on the requester) leaves of it.
        double tail_s = 0;
        for (int l = S + 1; l <= last; ++l)
          tail_s += baseline::linear_layer_time_s(pf.devices[static_cast<std::size_t>(host)], m.layers[static_cast<std::size_t>(l)],
                                                  full_region(m.layers[static_cast<std::size_t>(l)].out));
        double cap = in.constraints.latency_cap_s > 0 ? in.constraints.latency_cap_s - tail_s : (1 + slack) * fastest.latency_s;
        LpResult green = solve_lp(A, E, cap);
        if (green.optimal) {
          x = green.x;
          how = fmt::format("min energy (LP {:.6g} J) under {:.6g} s", green.objective, cap);
        } else {
          how += fmt::format("; no split meets {:.6g} s under the linear models", cap);
        }
      }
    }
    for (int l = 1; l <= S; ++l) {
      Stage s = band_stage(m, l, l, names, x);
      s.input_bits = bits;
      p.stages.push_back(s);
    }
    if (S < last) {
      Stage tail = whole_stage(m, S + 1, last, p.source);
      tail.input_bits = bits;
      p.stages.push_back(tail);
    }
    p.note = fmt::format("{} layers split by LP shares [{:.3f}] over {} stations: {}", S, fmt::join(x, ", "), st.size(), how);
    return p;
  }
};

}  // namespace

PlannerEntry coedge_entry() { return {coedge_info(), [] { return std::make_unique<CoedgePlanner>(); }}; }

}  // namespace edgesplit
