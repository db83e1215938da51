// Runs SimGrid jobs in forked children, one Engine per child (an Engine exists once per process, simgrid.md §5.3):
// each child simulates a batch of jobs as disjoint sub-platforms and returns the results as JSON lines through a
// pipe. A child that dies (an xbt_assert abort, a signal) loses only its batch, whose jobs are then re-run one per
// child so that the job that aborts SimGrid fails alone, with SimGrid's last words recorded as its error.
#pragma once

#include <vector>

#include "sim/exec/job.hpp"
#include "sim/metrics/run_result.hpp"

namespace edgesplit {

struct ForkOptions {
  int workers = 1;     // children running at once
  int batch_size = 50; // jobs per child (25–100 is the measured sweet spot)
};

std::vector<RunResult> run_simgrid_forked(const std::vector<SimJob>& jobs, const ForkOptions& options = {});


}  // namespace edgesplit
