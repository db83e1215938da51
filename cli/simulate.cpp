// `edgesplit simulate SCENARIO`: plan, simulate with SimGrid (or the analytic executor), print the metrics.
// With --bench N: timing of the executor on N copies of the scenario beside a bare SimGrid pipeline and the analytic
// evaluator (used by scripts/bench_sim.sh; every figure printed there is measured wall time).
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/scenario_args.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"
#include "sim/exec/analytic.hpp"
#include "sim/exec/fork_runner.hpp"
#include "sim/exec/simgrid_raw.hpp"
#include "sim/scenario/scenario_io.hpp"

namespace po = boost::program_options;

namespace edgesplit::cli {
namespace {

void print_metrics(const RunResult& r, const Scenario& sc, const Plan& plan) {
  std::string how = r.executor == "simgrid" ? "SimGrid 3.32 executor" : "analytic executor";
  fmt::print("scenario '{}' (key {}), planner {}, {} — every figure below is simulated\n", sc.name,
             sc.key.empty() ? "-" : sc.key, plan.planner, how);
  fmt::print("status: {}{}\n", r.status, r.error.empty() ? "" : " — " + r.error);
  fmt::print("frames: {} requested, {} completed, {} failed\n", r.frames_requested, r.frames_completed, r.frames_failed);
  fmt::print("latency (s): mean {:.6f}  p50 {:.6f}  p95 {:.6f}  p99 {:.6f}  max {:.6f}\n", r.latency_mean_s,
             r.latency_p50_s, r.latency_p95_s, r.latency_p99_s, r.latency_max_s);
  fmt::print("period {:.6f} s, throughput {:.4f} frames/s, makespan {:.6f} s\n", r.period_s, r.throughput_fps,
             r.makespan_s);
  if (r.deadline_s > 0) fmt::print("deadline {} s: hit rate {:.4f}\n", r.deadline_s, r.deadline_hit_rate);
  fmt::print("bytes on air: {} ({:.1f} per completed frame)\n", r.bytes_on_air,
             r.frames_completed ? static_cast<double>(r.bytes_on_air) / r.frames_completed : 0.0);
  fmt::print("energy: total {:.6f} J, per inference {:.6f} J (host power from profiles + radio airtime)\n",
             r.energy_total_J, r.energy_per_inference_J);
  if (r.accuracy_top1 > 0) fmt::print("accuracy: top-1 {:.3f} % (published, model zoo)\n", r.accuracy_top1);
  fmt::print("{:<10} {:>10} {:>7} {:>12} {:>11} {:>12} {:>12} {:>12}\n", "device", "busy s", "util", "host J",
             "radio J", "J/inference", "bytes sent", "bytes recv");
  for (const auto& d : r.devices)
    fmt::print("{:<10} {:>10.4f} {:>7.3f} {:>12.4f} {:>11.4f} {:>12.4f} {:>12} {:>12}\n", d.device, d.busy_s,
               d.utilisation, d.host_energy_J, d.radio_energy_J, d.energy_per_inference_J, d.bytes_sent,
               d.bytes_received);
}

int run_bench(const SimJob& job, int n, int workers, int batch, bool raw, long analytic_evals) {
  std::vector<SimJob> jobs(static_cast<std::size_t>(n), job);
  for (auto& j : jobs) j.trace = false;
  auto t0 = std::chrono::steady_clock::now();
  auto res = run_simgrid_forked(jobs, {workers, batch});
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double sum = 0;
  int errors = 0;
  for (const auto& r : res) {
    sum += r.makespan_s;
    errors += r.status == "error";
  }
  std::size_t events = job.graph.transfers.size();
  for (const auto& r : job.graph.roles) events += r.time_ref_s > 0;
  fmt::print("bench executor: {} scenarios x {} frames ({} activities per frame), {} worker(s), batch {}: {:.3f} s "
             "wall, {:.1f} scenarios/s (measured), makespan sum {:.9f} s, errors {}\n",
             n, job.workload.frames, events, workers, batch, wall, n / wall, sum, errors);
  if (raw) {
    RawBench rb = run_raw_simgrid_forked(jobs, batch);
    fmt::print("bench raw SimGrid pipeline: {} scenarios, 1 worker, batch {}: {:.3f} s wall, {:.1f} scenarios/s "
               "(measured), makespan sum {:.9f} s\n",
               n, batch, rb.wall_s, n / rb.wall_s, rb.makespan_sum_s);
  }
  if (analytic_evals > 0) {
    volatile double sink = 0;
    auto a0 = std::chrono::steady_clock::now();
    for (long i = 0; i < analytic_evals; ++i) sink = sink + evaluate(job.graph, job.platform).latency_s;
    double aw = std::chrono::duration<double>(std::chrono::steady_clock::now() - a0).count();
    fmt::print("bench analytic evaluate(): {} roles, {} transfers: {} evaluations in {:.3f} s, {:.3f} M/s on one core "
               "(measured)\n",
               job.graph.roles.size(), job.graph.transfers.size(), analytic_evals, aw, analytic_evals / aw / 1e6);
  }
  return errors ? kExitFailed : kExitOk;
}

int run_simulate(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("scenario", po::value<std::string>()->required(), "scenario YAML file")(
      "json", "print the RunResult as JSON (with per-frame records)")(
      "trace", po::value<std::string>(), "write a Chrome/Perfetto trace (one track per device and link) to FILE")(
      "planner", po::value<std::string>(), "use this planner (default options) instead of the scenario's")(
      "planner-options", po::value<std::string>(), "the planner's options as a JSON object, e.g. '{\"fused\": true}'")(
      "executor", po::value<std::string>()->default_value("simgrid"), "simgrid | analytic")(
      "frames", po::value<int>(), "override the workload's frame count")(
      "bench", po::value<int>(), "benchmark: simulate N copies and print scenarios/s")(
      "workers", po::value<int>()->default_value(1), "benchmark: forked workers at once")(
      "batch", po::value<int>()->default_value(50), "benchmark: scenarios per forked child")(
      "bench-raw", "benchmark: also time a bare SimGrid pipeline of the same events")(
      "bench-analytic", po::value<long>()->default_value(0), "benchmark: time this many analytic evaluations");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (!parse_options("edgesplit simulate SCENARIO [--json] [--trace FILE] [--planner NAME] [--executor E]", args,
                     opts, pos, vm))
    return kExitOk;
  Scenario sc = load_scenario_with_overrides(vm);
  if (vm.count("frames")) {
    if (vm["frames"].as<int>() < 1) throw InputError(InputIssue{"", 0, 0, "--frames", "must be at least 1"});
    sc.workload.frames = vm["frames"].as<int>();
  }
  std::string executor = vm["executor"].as<std::string>();
  if (executor != "simgrid" && executor != "analytic")
    throw InputError(InputIssue{"", 0, 0, "--executor", unknown_name_message("executor", executor, {"analytic", "simgrid"})});
  if (vm.count("trace")) sc.trace = true;
  Plan plan = plan_scenario(sc);
  SimJob job = make_scenario_job(sc, plan);
  if (executor == "simgrid" && needs_analytic(job)) {
    if (!vm["executor"].defaulted())
      throw InputError(InputIssue{"", 0, 0, "--executor",
                                  job.replicas ? "a replicated plan runs on the analytic executor only"
                                               : "re-planning at dynamics events runs on the analytic executor only"});
    fmt::print(stderr, "simulate: {} — using the analytic executor\n",
               job.replicas ? "the plan is replicated" : "the planner re-plans at each dynamics event");
    executor = "analytic";
  }

  if (vm.count("bench"))
    return run_bench(job, vm["bench"].as<int>(), vm["workers"].as<int>(), vm["batch"].as<int>(),
                     vm.count("bench-raw") > 0, vm["bench-analytic"].as<long>());

  RunResult r = executor == "simgrid" ? run_simgrid_forked({job}).front() : run_analytic(job);
  if (vm.count("trace")) {
    std::ofstream out(vm["trace"].as<std::string>());
    if (!out) throw InputError(InputIssue{"", 0, 0, "--trace", "cannot write " + vm["trace"].as<std::string>()});
    out << chrome_trace(r).dump() << "\n";
  }
  if (vm.count("json")) {
    nlohmann::json j = to_json(r, true);
    j["planner"] = plan.planner;
    fmt::print("{}\n", j.dump(2));
  } else {
    print_metrics(r, sc, plan);
    if (vm.count("trace")) fmt::print("trace: {} events written to {}\n", r.trace.size(), vm["trace"].as<std::string>());
  }
  return r.status == "ok" ? kExitOk : kExitFailed;
}

CommandRegistrar reg({"simulate", "simulate SCENARIO: plan, run on SimGrid, print the simulated metrics", run_simulate});

}  // namespace
}  // namespace edgesplit::cli
