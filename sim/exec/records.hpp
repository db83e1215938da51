// Raw records an executor produces while running frames, and the one routine that turns them into a RunResult
// (so the analytic and SimGrid executors report every figure the same way).
#pragma once

#include <optional>
#include <vector>

#include "sim/exec/job.hpp"
#include "sim/metrics/run_result.hpp"

namespace edgesplit {

struct ComputeRecord {
  int role = 0, frame = 0;
  double start_s = 0, end_s = 0;
};
struct TransferRecord {
  int transfer = 0, frame = 0;
  double start_s = 0, end_s = 0;  // start: when bytes begin to flow (after the latency); end: last byte arrives
};

struct ExecutionRecords {
  std::vector<FrameRecord> frames;
  std::vector<ComputeRecord> computes;
  std::vector<TransferRecord> transfers;
  double end_s = 0;                     // the scenario's end: last completion, or the failure that stopped it
  std::optional<std::vector<double>> host_energy_J;  // measured by the executor (SimGrid's energy plugin)
};

// Busy time, utilisation, host energy (from the records' busy intervals unless the executor measured it), radio
// energy = airtime × radio power (airtime of a transfer at a station = bytes / that station's rate when it started),
// bytes on air, frame statistics, trace, provenance.
RunResult assemble_result(const SimJob& job, const Conditions& cond, ExecutionRecords rec, const char* executor);

}  // namespace edgesplit
