// `edgesplit emulate SCENARIO`: run the scenario's plan for real (one worker process per device, real kernels, real
// TCP, shaped links) and set the measured figures beside the SimGrid executor's.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/command.hpp"
#include "planners/registry.hpp"
#include "runtime/coordinator.hpp"
#include "runtime/emulation.hpp"
#include "runtime/netns.hpp"
#include "runtime/worker.hpp"
#include "sim/common/error.hpp"
#include "sim/scenario/scenario_io.hpp"

namespace po = boost::program_options;

namespace edgesplit::cli {
namespace {

std::string self_binary() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("edgesplit") : p.string();
}

std::string rel(double measured, double simulated) {
  if (simulated == 0) return measured == 0 ? "0.0 %" : "-";
  return fmt::format("{:+.1f} %", (measured / simulated - 1) * 100);
}

// SIGINT, SIGTERM or SIGHUP mid-emulation: a signal's default action runs no destructor, so the namespaces would
// outlive us. Every thread blocks them from here on (the worker children unblock them); one thread waits for them,
// deletes the live namespaces and exits 128 + signal. The workers follow by PR_SET_PDEATHSIG.
void clean_up_on_interrupt() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, sig);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([set] {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) return;
    std::cerr << "edgesplit emulate: interrupted (" << ::strsignal(sig) << "); removing the network namespaces\n";
    runtime::delete_live_netns();
    ::_exit(128 + sig);
  }).detach();
}

int run_emulate(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("scenario", po::value<std::string>()->required(), "scenario YAML")(
      "frames", po::value<int>()->default_value(0), "frames to run (0: the scenario's workload.frames)")(
      "mode", po::value<std::string>()->default_value("paced"),
      "paced: each task lasts its device's predicted time (real compute inside); native: real compute only")(
      "net", po::value<std::string>()->default_value("netns"),
      "netns: workers in network namespaces with tc shaping (falls back to pace without root); pace: sender pacing")(
      "backend", po::value<std::string>()->default_value(""), "kernel backend (default: the best compiled in)")(
      "dilation", po::value<std::string>()->default_value("auto"),
      "paced mode: run the emulated world this many times slower than real time (auto: from the compute measured here)")(
      "seed", po::value<std::uint64_t>()->default_value(1), "weights and input seed")(
      "trace", po::value<std::string>(), "write a Chrome trace of the measured task spans")(
      "csv", po::value<std::string>(), "append the measured and simulated runs.csv rows to this file")(
      "no-simulate", "skip the SimGrid comparison");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (!parse_options("edgesplit emulate SCENARIO [--frames N] [--mode paced|native] [--net netns|pace] "
                     "[--dilation auto|K] [--trace FILE] [--csv FILE]",
                     args, opts, pos, vm))
    return kExitOk;
  runtime::keep_freed_memory();  // as the workers: the in-process compute measurement and reference run alike
  runtime::EmulationOptions o;
  o.binary = self_binary();
  o.frames = vm["frames"].as<int>();
  if (o.frames < 0) throw InputError(InputIssue{"", 0, 0, "--frames", "expected >= 0"});
  const std::string mode = vm["mode"].as<std::string>(), net = vm["net"].as<std::string>();
  if (mode != "paced" && mode != "native")
    throw InputError(InputIssue{"", 0, 0, "--mode", unknown_name_message("mode", mode, {"native", "paced"})});
  if (net != "netns" && net != "pace")
    throw InputError(InputIssue{"", 0, 0, "--net", unknown_name_message("net", net, {"netns", "pace"})});
  o.mode = mode == "paced" ? runtime::PaceMode::paced : runtime::PaceMode::native;
  o.net = net == "netns" ? runtime::NetMode::netns : runtime::NetMode::pace;
  o.backend = vm["backend"].as<std::string>();
  if (const std::string d = vm["dilation"].as<std::string>(); d != "auto") {
    std::size_t used = 0;
    double k = 0;
    try {
      k = std::stod(d, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != d.size() || !(k >= 1))
      throw InputError(InputIssue{"", 0, 0, "--dilation", fmt::format("expected 'auto' or a number >= 1, found '{}'", d)});
    o.dilation = k;
  }
  o.weights_seed = vm["seed"].as<std::uint64_t>();
  o.simulate = !vm.count("no-simulate");
  o.trace = vm.count("trace") > 0;
  o.log = [](const std::string& line) { std::cerr << line << "\n"; };

  const Scenario sc = load_scenario(vm["scenario"].as<std::string>(), planner_infos());
  const Plan plan = plan_scenario(sc);
  clean_up_on_interrupt();
  runtime::EmulationReport r;
  try {
    r = runtime::emulate(sc, plan, o);
  } catch (const runtime::WorkerFailure& e) {
    std::cerr << "edgesplit: emulation failed: " << e.what() << "\n";
    return kExitFailed;
  }
  const RunResult& m = r.measured;
  const RunResult& s = r.simulated;
  const bool sim_ok = s.status == "ok";
  fmt::print("emulate {} (key {}): plan by {}{}\n", sc.name, sc.key, plan.planner,
             plan.note.empty() ? "" : ": " + plan.note);
  fmt::print("workers: {}, net: {}, mode: {}, frames: {}, time dilation: x{}\n", r.workers, r.net_used, mode,
             m.frames_completed, r.dilation);
  if (!r.quantised) {
    fmt::print("output check (measured): max |distributed - monolithic| = {:.3g}, max |monolithic| = {:.3g}: {}\n",
               r.max_abs_error, r.max_abs_output,
               r.output_ok ? "equal within 1e-5 of the largest value" : "MISMATCH (over 1e-5 of the largest value)");
  } else {
    const bool partition_ok = r.partition_error <= 1e-5 * r.monolithic_max_abs;
    fmt::print("output check (measured, int8 transfers): max |distributed - in-process replay with the same int8 "
               "transfers| = {:.3g}, max |replay| = {:.3g}: {}\n",
               r.max_abs_error, r.max_abs_output,
               r.max_abs_error <= 1e-5 * r.max_abs_output ? "equal within 1e-5 of the largest value"
                                                          : "MISMATCH (over 1e-5 of the largest value)");
    fmt::print("  the same tasks with float32 transfers: max |replay - monolithic| = {:.3g}, max |monolithic| = {:.3g}: "
               "{}\n",
               r.partition_error, r.monolithic_max_abs,
               partition_ok ? "equal within 1e-5 of the largest value" : "MISMATCH (over 1e-5 of the largest value)");
    fmt::print("  quantisation: the int8 transfers alone move this input's output by {:.3g} ({:.3g} % of max |monolithic|)"
               "\n",
               r.quantisation_error, r.monolithic_max_abs > 0 ? 100 * r.quantisation_error / r.monolithic_max_abs : 0.0);
  }
  if (r.compute_s_per_frame > 0) {
    // Real time per frame, summed over the tasks: kernels (execute, what the profiles time), the kernels' input and
    // output copies (layout conversion), and the rest of the tasks' compute (cell assembly, crops): the framework.
    const double other = r.compute_s_per_frame - r.kernel_s_per_frame - r.kernel_io_s_per_frame;
    fmt::print("framework (measured, real time per frame): kernels {:.3f} ms + their input/output copies {:.3f} ms, "
               "other work in the tasks {:.3f} ms ({:.2f} % of the tasks' compute){}\n",
               1e3 * r.kernel_s_per_frame, 1e3 * r.kernel_io_s_per_frame, 1e3 * other,
               100 * other / r.compute_s_per_frame,
               r.workers == 1 && mode == "native"
                   ? fmt::format("; frame latency p50 {:.3f} ms, of it neither kernels nor their copies {:.2f} % "
                                 "(median over frames)",
                                 1e3 * r.latency_p50_real_s, 100 * r.framework_share_p50)
                   : std::string());
  }
  fmt::print("{:<34} {:>16} {:>16} {:>10}\n", "figure", "measured", sim_ok ? "simulated" : "simulated (n/a)",
             "rel. err");
  auto row = [&](const std::string& name, double mv, double sv) {
    fmt::print("{:<34} {:>16.6f} {:>16.6f} {:>10}\n", name, mv, sv, sim_ok ? rel(mv, sv) : "-");
  };
  row("latency p50 [s]", m.latency_p50_s, s.latency_p50_s);
  row("latency p95 [s]", m.latency_p95_s, s.latency_p95_s);
  row("throughput [frames/s]", m.throughput_fps, s.throughput_fps);
  for (const auto& d : m.devices) {
    double sb = 0;
    for (const auto& x : s.devices)
      if (x.device == d.device) sb = x.busy_s;
    row(fmt::format("busy {} [s]", d.device), d.busy_s, sb);
  }
  fmt::print("{:<34} {:>16} {:>16} {:>10}   (payload {})\n", "link bytes (wire incl. headers)", "measured",
             "TaskGraph", "rel. err", "= TaskGraph");
  for (const auto& l : r.links)
    fmt::print("{:<34} {:>16} {:>16} {:>10}   ({})\n", fmt::format("bytes {} -> {}", l.from, l.to), l.wire_bytes,
               l.simulated_bytes, rel(static_cast<double>(l.wire_bytes), static_cast<double>(l.simulated_bytes)),
               l.payload_bytes == l.simulated_bytes ? "yes" : fmt::format("no: {}", l.payload_bytes));
  for (const auto& n : r.notes) fmt::print("note: {}\n", n);
  if (!sim_ok) fmt::print("note: simulated figures unavailable: {}\n", s.error);
  fmt::print("measured: {}\n", m.provenance.at("latency"));
  if (sim_ok) fmt::print("simulated: SimGrid executor on the same plan and platform (closed loop)\n");

  if (vm.count("trace")) {
    std::ofstream out(vm["trace"].as<std::string>());
    out << chrome_trace(m).dump() << "\n";
  }
  if (vm.count("csv")) {
    const std::string file = vm["csv"].as<std::string>();
    const bool fresh = !std::filesystem::exists(file) || std::filesystem::file_size(file) == 0;
    std::ofstream out(file, std::ios::app);
    if (!out) throw InputError(InputIssue{file, 0, 0, "--csv", "cannot open for appending"});
    if (fresh) out << csv_header() << "\n";
    out << csv_row(m) << "\n";
    if (sim_ok) out << csv_row(s) << "\n";
  }
  return r.output_ok ? kExitOk : kExitFailed;
}

CommandRegistrar reg_emulate({"emulate", "run a scenario's plan on real kernels and real TCP, one worker per device",
                              run_emulate});

}  // namespace
}  // namespace edgesplit::cli
