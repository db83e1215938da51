// RunResult: what one simulated (or emulated) scenario produced, with the provenance of every figure, plus the
// statistics that summarise its frames and the writers for JSON, CSV and Chrome/Perfetto traces.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace edgesplit {

struct FrameRecord {
  int frame = 0;
  double arrival_s = 0;     // when the frame arrived at the requester
  double start_s = 0;       // when the source began sending it
  double completion_s = 0;  // when the last byte of the result reached the sink
  bool ok = true;
  std::string failure;      // why it failed (device failure)
  double latency_s() const { return completion_s - arrival_s; }
};

struct DeviceMetrics {
  std::string device;
  double busy_s = 0;         // time computing
  double utilisation = 0;    // busy_s / makespan_s
  double host_energy_J = 0;  // idle + busy power over the run
  double radio_energy_J = 0; // airtime × radio tx/rx power
  double energy_per_inference_J = 0;  // (host + radio) / completed frames
  std::int64_t bytes_sent = 0;
  std::int64_t bytes_received = 0;
};

// One interval on one track (a device or a link), for the Chrome/Perfetto trace.
struct TraceEvent {
  std::string track;  // device name, or "link a->b"
  std::string name;   // role or transfer
  std::string kind;   // "compute" | "transfer"
  int frame = 0;
  double start_s = 0, end_s = 0;
  std::int64_t bytes = 0;
};

struct RunResult {
  std::string scenario;
  std::string key;
  std::string executor;      // "analytic" | "simgrid"
  std::string status = "ok"; // "ok" | "failed" (some frames failed) | "error" (the run itself could not complete)
  std::string error;

  int frames_requested = 0;
  int frames_completed = 0;
  int frames_failed = 0;
  double latency_mean_s = 0, latency_p50_s = 0, latency_p95_s = 0, latency_p99_s = 0, latency_max_s = 0;
  double period_s = 0;        // mean interval between consecutive completions
  double throughput_fps = 0;  // 1 / period_s
  double makespan_s = 0;      // last completion (or failure) time
  std::int64_t bytes_on_air = 0;  // every byte each time it crosses the air (station→station counts twice)
  double energy_total_J = 0;
  double energy_per_inference_J = 0;
  double deadline_s = 0;
  double deadline_hit_rate = 0;  // share of requested frames completed within deadline_s (1 when no deadline)
  double accuracy_top1 = 0;      // of the model variant run
  std::vector<DeviceMetrics> devices;
  std::vector<FrameRecord> frames;
  std::vector<TraceEvent> trace;
  std::map<std::string, std::string> provenance;  // figure → where it came from
};

// Fills the latency statistics, period, throughput, counts and deadline hit rate from `frames`.
// Percentiles interpolate linearly between order statistics (numpy's default).
void summarise_frames(RunResult& r);
double percentile(std::vector<double> values, double q);

nlohmann::json to_json(const RunResult& r, bool with_frames = true);
RunResult run_result_from_json(const nlohmann::json& j);

// CSV: one header, one row per run (no frames, no trace). Columns are documented in docs/formats.md.
std::string csv_header();
std::string csv_row(const RunResult& r);

// Chrome trace-event JSON (chrome://tracing, ui.perfetto.dev): one process, one thread track per device and per link,
// complete ("X") events in microseconds.
nlohmann::json chrome_trace(const RunResult& r);

}  // namespace edgesplit
