// The SimGrid executor: runs jobs on SimGrid 3.32's shared-air Wi-Fi model. One Engine exists per process and
// cannot be re-created cleanly (shared/reference/simgrid.md §5.3), so call this at most once per process — the
// fork runner (fork_runner.hpp) does, in a child per batch. This header names no SimGrid type.
#pragma once

#include <vector>

#include "sim/exec/job.hpp"
#include "sim/metrics/run_result.hpp"

namespace edgesplit {

// Simulates every job at once as disjoint sub-platforms of one Engine (batch mode: identical results to one job per
// process) and returns one RunResult per job, in order. Platform per job: a Wi-Fi zone whose access point is a
// router, one rate level per distinct station rate, set_host_wifi_rate for every station; the cloud host behind a
// split-duplex wired link; every link latency 0, latency slept by the sender before each transfer (equal max-min
// shares); config network/model:CM02, network/crosstraffic:0, network/TCP-gamma:0 (exact, hand-computable).
// One actor per role of the TaskGraph; frames under the workload's arrival process; dynamics applied by a
// controller actor; host energy from SimGrid's energy plugin, radio energy from airtime × radio power.
std::vector<RunResult> simgrid_run_jobs(const std::vector<const SimJob*>& jobs);

}  // namespace edgesplit
