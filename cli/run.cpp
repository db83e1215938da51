// `edgesplit run SWEEP` (a batch sweep in forked workers, crash-safe and resumable) and `edgesplit merge DIR`.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

#include "cli/command.hpp"
#include "planners/registry.hpp"
#include "sim/common/error.hpp"
#include "sim/runner/sweep_runner.hpp"

namespace po = boost::program_options;

namespace edgesplit::cli {
namespace {

void parse_shard(const std::string& text, RunOptions& opt) {
  auto slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    std::size_t a = 0, b = 0;
    opt.shard = std::stoi(text.substr(0, slash), &a);
    opt.shards = std::stoi(text.substr(slash + 1), &b);
    if (a != slash || b != text.size() - slash - 1) throw std::invalid_argument("trailing characters");
  } catch (const std::exception&) {
    throw InputError(InputIssue{"", 0, 0, "--shard", fmt::format("expected k/N (e.g. 3/16), found '{}'", text)});
  }
}

void print_summary(const RunSummary& s) {
  fmt::print("{}: {} scenarios in the sweep, {} in this shard: {} resumed, {} run now in {:.2f} s ({:.0f}/min); "
             "ok {}, failed {}, errors {}; worker peak RSS {:.1f} MB\n",
             s.out_dir, s.total, s.assigned, s.resumed, s.ran, s.wall_s, s.wall_s > 0 ? s.ran / s.wall_s * 60 : 0.0,
             s.ok, s.failed, s.errors, s.worker_peak_rss_MB);
  if (s.complete)
    fmt::print("wrote {0}/runs.csv and {0}/runs.jsonl (simulated)\n", s.out_dir);
  else
    fmt::print("sweep not complete yet (other shards pending): `edgesplit merge {}` once they are done\n", s.out_dir);
}

int run_run(const std::vector<std::string>& args) {
  po::options_description opts("options");
  RunOptions opt;
  std::string shard;
  opts.add_options()("sweep", po::value<std::string>()->required(), "sweep (or single scenario) YAML file")(
      "jobs,j", po::value<int>(&opt.workers)->default_value(1), "worker processes")(
      "shard", po::value<std::string>(&shard), "run only shard k of N (k/N, 0-based): points with index % N == k")(
      "resume", po::bool_switch(&opt.resume), "finish an interrupted run in the same --out directory")(
      "out", po::value<std::string>(&opt.out_dir), "results directory (default results/<sweep name>)")(
      "batch", po::value<int>(&opt.batch_size)->default_value(50), "scenarios per forked worker batch")(
      "executor", po::value<std::string>(&opt.executor)->default_value("simgrid"), "simgrid | analytic")(
      "timeout", po::value<double>(&opt.timeout_s)->default_value(60), "time limit per scenario, seconds")(
      "traces", po::bool_switch(&opt.traces), "write traces/<key>.json (Chrome/Perfetto) for every scenario")(
      "progress", "show the progress line even when stderr is not a terminal")(
      "quiet,q", "no progress line");
  po::positional_options_description pos;
  pos.add("sweep", 1);
  po::variables_map vm;
  if (!parse_options("edgesplit run SWEEP.yaml [-j N] [--shard k/N] [--resume] [--out DIR]", args, opts, pos, vm))
    return kExitOk;
  if (!shard.empty()) parse_shard(shard, opt);
  if (opt.workers < 1) throw InputError(InputIssue{"", 0, 0, "--jobs", "needs at least 1 worker"});
  if (opt.batch_size < 1) throw InputError(InputIssue{"", 0, 0, "--batch", "needs at least 1 scenario per batch"});
  opt.progress = !vm.count("quiet") && (vm.count("progress") || ::isatty(STDERR_FILENO));
  if (const char* crash = std::getenv("EDGESPLIT_TEST_CRASH_AFTER")) opt.crash_after = std::strtoull(crash, nullptr, 10);
  RunSummary s = run_sweep(vm["sweep"].as<std::string>(), planner_infos(), plan_scenario, opt, make_scenario_job);
  print_summary(s);
  return (s.failed + s.errors) > 0 ? kExitFailed : kExitOk;
}

int run_merge(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("dir", po::value<std::string>()->required(), "results directory of the sweep");
  po::positional_options_description pos;
  pos.add("dir", 1);
  po::variables_map vm;
  if (!parse_options("edgesplit merge DIR", args, opts, pos, vm)) return kExitOk;
  std::string dir = vm["dir"].as<std::string>();
  MergeSummary m = merge_results(dir);
  if (!m.missing.empty()) {
    std::string first;
    for (std::size_t k = 0; k < m.missing.size() && k < 10; ++k) first += fmt::format("{}{}", k ? ", " : "", m.missing[k]);
    fmt::print(stderr, "{}: {} of {} scenarios missing (first: {}); run the missing shards with --resume\n", dir,
               m.missing.size(), m.total, first);
    return kExitFailed;
  }
  fmt::print("{0}: merged {1} scenarios (ok {2}, failed {3}, errors {4}) into {0}/runs.csv and {0}/runs.jsonl\n", dir,
             m.total, m.ok, m.failed, m.errors);
  return (m.failed + m.errors) > 0 ? kExitFailed : kExitOk;
}

CommandRegistrar reg_run({"run", "run a sweep in forked workers: resumable, shardable, results/<sweep>/runs.csv", run_run});
CommandRegistrar reg_merge({"merge", "merge the shards of a sweep into runs.csv / runs.jsonl", run_merge});

}  // namespace
}  // namespace edgesplit::cli
