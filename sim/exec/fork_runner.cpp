// Fork-per-batch runner for the SimGrid executor, on the generic fork pool (fork_pool.hpp): one child per batch, one
// JSON result line per job through the pipe; a child that dies has its batch re-run one job per child.
#include "sim/exec/fork_runner.hpp"

#include <fmt/format.h>

#include <numeric>

#include "sim/exec/fork_pool.hpp"
#include "sim/exec/simgrid_executor.hpp"

namespace edgesplit {

std::vector<RunResult> run_simgrid_forked(const std::vector<SimJob>& jobs, const ForkOptions& opt) {
  std::vector<RunResult> results(jobs.size());
  std::vector<std::size_t> items(jobs.size());
  std::iota(items.begin(), items.end(), std::size_t{0});
  run_fork_pool(
      items, ForkPoolOptions{opt.workers, opt.batch_size, 0},
      [&](const std::vector<std::size_t>& batch, const ReportFn& report) {
        std::vector<const SimJob*> ptrs;
        for (std::size_t i : batch) ptrs.push_back(&jobs[i]);
        std::vector<RunResult> res = simgrid_run_jobs(ptrs);
        for (std::size_t k = 0; k < batch.size(); ++k) report(batch[k], to_json(res[k]).dump());
      },
      [&](std::size_t i, const std::string& payload) {
        results[i] = run_result_from_json(nlohmann::json::parse(payload));
      },
      [&](std::size_t i, const std::string& reason) {
        RunResult& r = results[i];
        r.scenario = jobs[i].name;
        r.key = jobs[i].key;
        r.executor = "simgrid";
        r.status = "error";
        r.error = fmt::format("SimGrid child failed ({})", reason);
      });
  return results;
}

}  // namespace edgesplit
