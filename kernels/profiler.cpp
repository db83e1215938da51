// Per-layer and per-band timing of real kernels, and the least-squares fit of the per-class cost model.
#include "kernels/profiler.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <time.h>
#include <set>

#include "edgesplit_version.hpp"
#include "kernels/cpu_probe.hpp"
#include "sim/model/zoo.hpp"

namespace edgesplit::kernels {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}
double wall_s() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

// Two warm-up runs (caches, lazily packed weights, thread start-up), then at least `repeats` timed runs; kernels
// under 4 ms run more, up to 0.02 s of timed work, so that sub-millisecond medians are not single noisy samples.
// With one thread the kernel runs entirely on the calling thread, so its CPU time is its run time without the
// periods the OS gave the core to another process (this host is shared); with more threads, wall time.
Timing time_kernel(Kernel& k, int repeats, bool cpu_time) {
  auto now = cpu_time ? thread_cpu_s : wall_s;
  k.execute();
  double t0 = now();
  k.execute();
  double est = now() - t0;
  int n = std::max(repeats, std::min(200, static_cast<int>(0.02 / std::max(est, 1e-7))));
  std::vector<double> ts(static_cast<std::size_t>(n));
  for (double& t : ts) {
    double s = now();
    k.execute();
    t = now() - s;
  }
  std::sort(ts.begin(), ts.end());
  Timing r;
  r.repeats = n;
  r.min_s = ts.front();
  r.max_s = ts.back();
  r.median_s = n % 2 ? ts[n / 2] : 0.5 * (ts[n / 2 - 1] + ts[n / 2]);
  return r;
}

std::string kind_of(const Layer& l) {
  auto suffix = [&](int s, int d) {
    return (s > 1 ? fmt::format("/s{}", s) : std::string()) + (d > 1 ? fmt::format("/d{}", d) : std::string());
  };
  switch (l.op) {
    case Op::Conv: {
      std::string base = layer_op_class(l) == OpClass::DepthwiseConv ? "dwconv" : l.groups > 1 ? "gconv" : "conv";
      return fmt::format("{}{}x{}{}", base, l.kernel_h, l.kernel_w, suffix(l.stride_h, l.dilation_h));
    }
    case Op::MaxPool:
    case Op::AvgPool:
      return fmt::format("{}{}x{}{}", op_name(l.op), l.kernel_h, l.kernel_w, suffix(l.stride_h, 1));
    default: return op_name(l.op);
  }
}

bool is_window(const Layer& l) { return l.op == Op::Conv || l.op == Op::MaxPool || l.op == Op::AvgPool; }

std::vector<int> heights_for(const Layer& l, const std::vector<int>& requested) {
  std::set<int> hs;
  for (int r : requested) hs.insert(r <= 0 ? l.out.h : std::min(r, l.out.h));
  hs.insert(l.out.h);
  return {hs.begin(), hs.end()};
}

}  // namespace

ClassFit fit_op_class(OpClass c, const std::vector<std::pair<double, double>>& wt) {
  ClassFit f;
  f.op_class = c;
  f.points = static_cast<int>(wt.size());
  if (wt.empty()) return f;
  // Unknowns x = (fixed, 1/rate); rows (1/t, w/t), target 1. Normal equations of the 2x2 system.
  double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
  for (auto [w, t] : wt) {
    double u = 1 / t, v = w / t;
    a11 += u * u, a12 += u * v, a22 += v * v, b1 += u, b2 += v;
  }
  double det = a11 * a22 - a12 * a12;
  double fixed = 0, inv_rate = 0;
  if (wt.size() >= 2 && std::fabs(det) > 1e-12 * a11 * a22) {
    fixed = (b1 * a22 - b2 * a12) / det;
    inv_rate = (a11 * b2 - a12 * b1) / det;
  }
  if (fixed < 0 || inv_rate <= 0 || wt.size() < 2) {  // constrained: fixed = 0, rate alone
    fixed = 0;
    inv_rate = a22 > 0 ? b2 / a22 : 0;
  }
  if (inv_rate <= 0) {  // no work (cannot happen for measured layers); all time is fixed
    inv_rate = 0;
    fixed = b1 / a11;
  }
  f.cost.fixed_s = fixed;
  f.cost.rate_per_s = inv_rate > 0 ? 1 / inv_rate : 1e18;
  double sum = 0;
  for (auto [w, t] : wt) {
    double r = std::fabs((fixed + w * inv_rate) / t - 1);
    sum += r;
    f.max_abs_residual = std::max(f.max_abs_residual, r);
  }
  f.mean_abs_residual = sum / double(wt.size());
  return f;
}

ProfileRun run_profile(const ProfileOptions& o) {
  auto backend = make_backend(o.backend, o.threads);
  ProfileRun run;
  run.backend = backend->name();
  run.backend_version = backend->version();
  run.threads = o.threads;
  run.clock_hz = measure_clock_hz(0.05);
  auto t_start = Clock::now();

  std::vector<Model> models;
  for (const auto& name : o.models) models.push_back(zoo_model(name));
  int total = 0;
  for (const Model& m : models)
    for (const Layer& l : m.layers)
      if (l.op != Op::Input) total += 1 + (is_window(l) ? static_cast<int>(heights_for(l, o.band_rows).size()) - 1 : 0);

  int done = 0;
  double measured_s = 0;  // wall time of the steps done, for the ETA
  auto step = [&](double dt) {
    ++done;
    measured_s += dt;
    if (o.progress) o.progress(done, total, measured_s / done * (total - done));
  };

  for (const Model& m : models) {
    auto weights = make_model_weights(m, o.seed);
    for (int i = 1; i < m.size(); ++i) {
      const Layer& l = m.layers[i];
      LayerMeasurement lm;
      lm.model = m.name;
      lm.layer = l.name;
      lm.kind = kind_of(l);
      lm.op = l.op;
      lm.op_class = layer_op_class(l);
      lm.work = double(layer_macs(l) + layer_other_ops(l));
      lm.out_rows = l.out.h;
      // Inputs are random activations of the producers' shapes: kernel time does not depend on the values.
      std::vector<Tensor> inputs;
      for (std::size_t k = 0; k < l.inputs.size(); ++k)
        inputs.push_back(random_tensor(m.layers[l.inputs[k]].out, o.seed * 7919 + std::uint64_t(i) * 31 + k));
      auto measure = [&](const Region& out) {
        auto t0 = Clock::now();
        auto kernel = backend->prepare(l, weights[i], out);
        Geometry g = geometry(l, out);
        std::vector<Tensor> crops;
        for (std::size_t k = 0; k < inputs.size(); ++k)
          crops.push_back(crop(inputs[k], full_region(inputs[k].shape), g.in));
        std::vector<const Tensor*> ptrs;
        for (const Tensor& t : crops) ptrs.push_back(&t);
        kernel->load(ptrs);
        Timing t = time_kernel(*kernel, o.repeats, o.threads == 1);
        if (lm.impl.empty()) lm.impl = kernel->impl();
        step(since(t0));
        return t;
      };
      lm.whole = measure(full_region(l.out));
      lm.clock_hz = measure_clock_hz(0.002);
      if (is_window(l)) {
        for (int h : heights_for(l, o.band_rows)) {
          if (h == l.out.h) {
            lm.bands.push_back({h, lm.whole});
            continue;
          }
          int r0 = (l.out.h - h) / 2;  // an interior band: the halo case, not the border one
          lm.bands.push_back({h, measure(row_band(l.out, r0, r0 + h))});
        }
      }
      run.layers.push_back(std::move(lm));
    }
  }

  for (OpClass c : {OpClass::Conv, OpClass::DepthwiseConv, OpClass::FullyConnected, OpClass::Pool, OpClass::Eltwise}) {
    std::vector<std::pair<double, double>> pts;
    for (const auto& lm : run.layers) {
      if (lm.op_class != c || lm.work <= 0) continue;
      if (lm.bands.empty()) pts.push_back({lm.work, lm.whole.median_s});
      // Work of a band is exactly proportional to its output rows (every output row does the same windows).
      for (const auto& b : lm.bands) pts.push_back({lm.work * b.rows / lm.out_rows, b.time.median_s});
    }
    if (!pts.empty()) run.fits.push_back(fit_op_class(c, pts));
  }
  run.elapsed_s = since(t_start);
  return run;
}

Profile to_profile(const ProfileRun& run, const std::string& name) {
  Profile p;
  p.name = name;
  p.description = fmt::format("{} ({}), {} backend, {} thread{}", host_name(), cpu_model(), run.backend, run.threads,
                              run.threads == 1 ? "" : "s");
  p.cores = run.threads;
  double hz = std::round(run.clock_hz / 1e7) * 1e7;  // 10 MHz resolution
  PState ps;
  ps.name = fmt::format("{:.2f}GHz", hz / 1e9);
  ps.freq_hz = hz;
  p.pstates.push_back(ps);
  // Written rounded (1 ns, 5 significant digits of rate): beyond the measurement's precision anyway.
  auto ns = [](double s) { return std::round(s * 1e9) / 1e9; };
  auto sig5 = [](double x) { return x > 0 ? std::stod(fmt::format("{:.5g}", x)) : x; };
  for (const auto& f : run.fits) p.cost[f.op_class] = OpCost{ns(f.cost.fixed_s), sig5(f.cost.rate_per_s)};
  for (const auto& lm : run.layers) {
    if (lm.bands.empty()) continue;
    LayerRowTable t;
    t.model = lm.model;
    t.layer = lm.layer;
    for (const auto& b : lm.bands) {
      t.rows.push_back(b.rows);
      t.time_s.push_back(std::max(ns(b.time.median_s), 1e-9));
    }
    p.layer_tables.push_back(std::move(t));
  }
  std::time_t now = std::time(nullptr);
  std::string residuals;
  for (const auto& f : run.fits)
    residuals += fmt::format("{}{} mean {:.1f} % max {:.1f} % over {} points", residuals.empty() ? "" : "; ",
                             op_class_name(f.op_class), 100 * f.mean_abs_residual, 100 * f.max_abs_residual, f.points);
  p.source.kind = "measured";
  p.source.details = {
      {"host", host_name()},
      {"cpu", cpu_model()},
      {"clock", fmt::format("{:.2f} GHz", run.clock_hz / 1e9)},
      {"backend", run.backend},
      {"backend_version", run.backend_version},
      {"threads", std::to_string(run.threads)},
      {"date", fmt::format("{:%Y-%m-%d}", fmt::gmtime(now))},
      {"commit", kCommit},
      {"notes", fmt::format("edgesplit profile: per layer 2 warm-up runs then the median of >= repeats timed runs "
                            "({}); "
                            "costs fitted by least squares on relative residuals ({}); power not measured (0 W); "
                            "clock measured with a dependent-add chain before the run",
                            run.threads == 1 ? "thread CPU time" : "wall time", residuals)},
  };
  return p;
}

}  // namespace edgesplit::kernels
