// `edgesplit profile`: measure this host's kernels on a zoo model and write a device profile (source: measured).
#include <fmt/format.h>

#include <boost/algorithm/string.hpp>
#include <chrono>
#include <memory>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "edgesplit_version.hpp"
#include "kernels/cpu_probe.hpp"
#include "kernels/profiler.hpp"
#include "sim/common/error.hpp"
#include "sim/scenario/profile_io.hpp"

namespace po = boost::program_options;

namespace edgesplit::cli {
namespace {

std::vector<std::string> split_list(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::vector<std::string> parts;
    boost::split(parts, v, boost::is_any_of(","));
    for (auto& p : parts) {
      boost::trim(p);
      if (!p.empty()) out.push_back(p);
    }
  }
  return out;
}

std::vector<int> parse_bands(const std::string& text) {
  if (text == "none") return {};
  std::vector<int> rows;
  for (const auto& part : split_list({text})) {
    if (part == "full") {
      rows.push_back(0);
      continue;
    }
    std::size_t used = 0;
    int r = 0;
    try {
      r = std::stoi(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != part.size() || r < 1)
      throw InputError(InputIssue{"", 0, 0, "--bands",
                                  fmt::format("expected positive row counts, 'full' or 'none', found '{}'", part)});
    rows.push_back(r);
  }
  return rows;
}

nlohmann::json timing_json(const kernels::Timing& t) {
  return {{"median_s", t.median_s}, {"min_s", t.min_s}, {"max_s", t.max_s}, {"repeats", t.repeats}};
}

int run_profile_cmd(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("model", po::value<std::vector<std::string>>()->required(),
                     "zoo model(s) to time (repeat or comma-separate)")(
      "backend", po::value<std::string>()->required(),
      ("kernel backend: " + boost::join(kernels::backend_names(), ", ")).c_str())(
      "threads", po::value<int>()->default_value(1), "threads the backend may use")(
      "bands", po::value<std::string>()->default_value("1,8,28,56,full"),
      "band heights (output rows) for the time(rows) tables: list, 'full', or 'none'")(
      "repeats", po::value<int>()->default_value(5), "timed runs per measurement (at least; medians reported)")(
      "seed", po::value<std::uint64_t>()->default_value(1), "seed of the weights and inputs")(
      "name", po::value<std::string>(), "profile name (default: the output file's stem)")(
      "json", po::value<std::string>(), "also write every measurement (per layer and band, fits, peak) as JSON")(
      "peak", "measure the 1-thread fp32 FMA peak and report each layer's share of it")(
      "output,o", po::value<std::string>()->required(), "device profile YAML to write");
  po::variables_map vm;
  if (!parse_options("edgesplit profile --model M --backend B [--threads T] [--bands LIST] [--repeats N] -o FILE",
                     args, opts, {}, vm))
    return kExitOk;

  kernels::ProfileOptions o;
  o.models = split_list(vm["model"].as<std::vector<std::string>>());
  o.backend = vm["backend"].as<std::string>();
  o.threads = vm["threads"].as<int>();
  o.band_rows = parse_bands(vm["bands"].as<std::string>());
  o.repeats = vm["repeats"].as<int>();
  o.seed = vm["seed"].as<std::uint64_t>();
  if (o.repeats < 1)
    throw InputError(InputIssue{"", 0, 0, "--repeats", fmt::format("must be >= 1, found {}", o.repeats)});
  const std::string out_path = vm["output"].as<std::string>();
  const std::string name = vm.count("name") ? vm["name"].as<std::string>()
                                            : std::filesystem::path(out_path).stem().string();
  // One line, rewritten in place at most twice a second (and at the end).
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  o.progress = [last](int done, int total, double eta_s) {
    auto now = std::chrono::steady_clock::now();
    if (done != total && now - *last < std::chrono::milliseconds(500)) return;
    *last = now;
    fmt::print(stderr, "\rprofile: {}/{} measurements, ETA {:.0f} s   ", done, total, eta_s);
    if (done == total) fmt::print(stderr, "\n");
  };

  kernels::PeakFlops peak;
  if (vm.count("peak")) peak = kernels::measure_peak_flops(0.3);
  kernels::ProfileRun run = kernels::run_profile(o);
  Profile profile = kernels::to_profile(run, name);
  save_profile(profile, out_path);

  fmt::print("measured on {} ({}), {} {} threads, clock {:.2f} GHz (measured){}\n", kernels::host_name(),
             kernels::cpu_model(), run.backend_version, run.threads, run.clock_hz / 1e9,
             peak.flops_per_s > 0 ? fmt::format(", fp32 FMA peak {:.1f} GFLOP/s per core (measured)",
                                                peak.flops_per_s / 1e9)
                                  : "");
  fmt::print("{:<20} {:<20} {:<16} {:<26} {:>12} {:>10} {:>10} {:>10} {:>9}{}\n", "model", "layer", "kind", "impl",
             "work", "median ms", "min ms", "max ms", "GFLOP/s", peak.flops_per_s > 0 ? "  % peak" : "");
  // Peak at the clock of the moment: the FMA loop's flop/cycle × the clock measured right after the layer.
  auto layer_peak = [&](const kernels::LayerMeasurement& l) {
    return peak.clock_hz > 0 && l.clock_hz > 0 ? peak.flops_per_s / peak.clock_hz * l.clock_hz : peak.flops_per_s;
  };
  for (const auto& l : run.layers) {
    bool macs = l.op_class == OpClass::Conv || l.op_class == OpClass::DepthwiseConv ||
                l.op_class == OpClass::FullyConnected;
    double gflops = macs ? 2 * l.work / l.whole.median_s / 1e9 : 0;
    fmt::print("{:<20} {:<20} {:<16} {:<26} {:>12.0f} {:>10.4f} {:>10.4f} {:>10.4f} {:>9}{}\n", l.model, l.layer,
               l.kind, l.impl.substr(0, 26), l.work, l.whole.median_s * 1e3, l.whole.min_s * 1e3,
               l.whole.max_s * 1e3, macs ? fmt::format("{:.1f}", gflops) : "-",
               peak.flops_per_s > 0 && macs ? fmt::format(" {:7.1f}%", 100 * gflops * 1e9 / layer_peak(l)) : "");
  }
  fmt::print("fitted per-class cost (measured, least squares on relative residuals):\n");
  for (const auto& f : run.fits)
    fmt::print("  {:<15} fixed {:9.4f} ms  rate {:10.4g} G{}/s  residuals mean {:5.1f} % max {:5.1f} % ({} points)\n",
               op_class_name(f.op_class), f.cost.fixed_s * 1e3, f.cost.rate_per_s / 1e9,
               f.op_class == OpClass::Pool || f.op_class == OpClass::Eltwise ? "op" : "MAC",
               100 * f.mean_abs_residual, 100 * f.max_abs_residual, f.points);
  fmt::print("wrote {} ({} layer tables) in {:.1f} s\n", out_path, profile.layer_tables.size(), run.elapsed_s);

  if (vm.count("json")) {
    nlohmann::json j;
    j["source"] = "measured";
    j["host"] = kernels::host_name();
    j["cpu"] = kernels::cpu_model();
    j["clock_hz"] = run.clock_hz;
    j["backend"] = run.backend;
    j["backend_version"] = run.backend_version;
    j["threads"] = run.threads;
    j["commit"] = kCommit;
    j["elapsed_s"] = run.elapsed_s;
    if (peak.flops_per_s > 0)
      j["peak"] = {{"flops_per_s", peak.flops_per_s}, {"clock_hz", peak.clock_hz}, {"vector_bits", peak.vector_bits}};
    j["layers"] = nlohmann::json::array();
    for (const auto& l : run.layers) {
      nlohmann::json bands = nlohmann::json::array();
      for (const auto& b : l.bands) {
        auto bj = timing_json(b.time);
        bj["rows"] = b.rows;
        bands.push_back(bj);
      }
      j["layers"].push_back({{"model", l.model}, {"layer", l.layer}, {"op", op_name(l.op)}, {"kind", l.kind},
                             {"class", op_class_name(l.op_class)}, {"impl", l.impl}, {"work", l.work},
                             {"out_rows", l.out_rows}, {"time", timing_json(l.whole)}, {"clock_hz", l.clock_hz},
                             {"bands", bands}});
    }
    j["fits"] = nlohmann::json::array();
    for (const auto& f : run.fits)
      j["fits"].push_back({{"class", op_class_name(f.op_class)}, {"fixed_s", f.cost.fixed_s},
                           {"rate_per_s", f.cost.rate_per_s}, {"points", f.points},
                           {"mean_abs_residual", f.mean_abs_residual}, {"max_abs_residual", f.max_abs_residual}});
    std::ofstream(vm["json"].as<std::string>()) << j.dump(1) << "\n";
  }
  return kExitOk;
}

CommandRegistrar reg_profile({"profile", "measure kernels on this host and write a device profile (source: measured)",
                              run_profile_cmd});

}  // namespace
}  // namespace edgesplit::cli
