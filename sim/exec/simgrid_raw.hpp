// A bare SimGrid pipeline for scripts/bench_sim.sh: the same platform, roles, transfers and frames as a job, run by
// minimal actors (no records, dynamics, energy or arrivals) — the floor the SimGrid executor's cost is compared to.
#pragma once

#include <vector>

#include "sim/exec/job.hpp"

namespace edgesplit {

struct RawBench {
  double wall_s = 0;
  double makespan_sum_s = 0;  // checksum: equals the executor's sum of makespans on closed, dynamics-free jobs
};

// One forked child per batch, run one after the other (a single worker).
RawBench run_raw_simgrid_forked(const std::vector<SimJob>& jobs, int batch_size);

}  // namespace edgesplit
