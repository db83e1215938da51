// The batch runner behind `edgesplit run` and `edgesplit merge`: expands a sweep, plans and simulates every point in
// forked workers, and keeps results crash-safe. Each finished scenario is appended as one line to a journal
// (results/<sweep>/journal/shard-K-of-N.jsonl) with a single write() and flushed; `--resume` reads the journal and
// skips what is done, dropping a torn last line. When every point of the sweep is in the journals, runs.csv and
// runs.jsonl are written sorted by point index, so -j 1, -j 2 and merged shards give byte-identical files (the
// wall-time columns aside).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "sim/common/options.hpp"
#include "sim/exec/job.hpp"
#include "sim/plan/plan.hpp"
#include "sim/scenario/scenario.hpp"

namespace edgesplit {

// How a scenario becomes a plan (the CLI passes the planner registry's plan_scenario; the runner knows no planner).
using PlanFn = std::function<Plan(const Scenario&)>;
// How a scenario and its plan become what the executor runs (the registry's make_scenario_job: make_job plus
// re-planning for adaptive planners).
using JobFn = std::function<SimJob(const Scenario&, const Plan&)>;

struct RunOptions {
  std::string out_dir;       // default: results/<sweep name>
  int workers = 1;
  int shard = 0, shards = 1; // run points with index % shards == shard
  bool resume = false;       // keep finished points of an earlier run of the same sweep in out_dir
  int batch_size = 50;       // scenarios per forked child
  std::string executor = "simgrid";  // "simgrid" | "analytic"
  double timeout_s = 60;     // per scenario
  bool progress = false;     // the progress line on stderr (the CLI turns it on for terminals)
  bool traces = false;       // write traces/<key>.json for every scenario
  // Test hook: the parent kills itself with SIGKILL after appending this many journal lines (0 = never), to test
  // crash safety at exact points.
  std::size_t crash_after = 0;
};

struct RunSummary {
  std::string out_dir;
  std::size_t total = 0;      // points in the sweep
  std::size_t assigned = 0;   // points of this shard
  std::size_t resumed = 0;    // already in the journal
  std::size_t ran = 0;        // run now
  std::size_t ok = 0, failed = 0, errors = 0;  // status of this shard's points (resumed included)
  bool complete = false;      // runs.csv was written (every point of the sweep is done)
  double wall_s = 0;
  double worker_peak_rss_MB = 0;  // the largest forked worker's peak resident memory (getrusage)
};

RunSummary run_sweep(const std::string& sweep_path, const std::vector<PlannerInfo>& planners, const PlanFn& plan,
                     const RunOptions& options, const JobFn& make = make_job);

struct MergeSummary {
  std::size_t total = 0, present = 0;
  std::vector<std::size_t> missing;  // point indices no journal has
  std::size_t ok = 0, failed = 0, errors = 0;
};

// Combines every journal in out_dir into runs.csv / runs.jsonl (when complete) and reports what is missing.
MergeSummary merge_results(const std::string& out_dir);

// The column header of runs.csv for a sweep with these swept parameters.
std::string runs_csv_header(const std::vector<std::string>& parameters);

}  // namespace edgesplit
