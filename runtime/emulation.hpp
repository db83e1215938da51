// The emulator: runs a Plan for real. One worker process per device that holds a role of the plan's TaskGraph,
// real tensors through the bundled kernels, real TCP between the workers, links shaped either by tc in network
// namespaces or by sender-side pacing, each task paced to the device's predicted time or run natively. The
// distributed output is checked against the monolithic one, and measured figures are set beside the SimGrid
// executor's for the same plan.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "runtime/role.hpp"
#include "runtime/wire.hpp"
#include "sim/metrics/run_result.hpp"
#include "sim/plan/task_graph.hpp"
#include "sim/scenario/scenario.hpp"

namespace edgesplit::runtime {

enum class NetMode { pace, netns };
std::string net_mode_name(NetMode m);

struct EmulationOptions {
  std::string binary;          // the edgesplit executable (runs `worker`)
  int frames = 0;              // 0: the scenario's workload.frames
  PaceMode mode = PaceMode::paced;
  NetMode net = NetMode::pace;
  std::string backend;         // kernel backend; "" = the best one compiled in
  std::uint64_t weights_seed = 1;
  // Time dilation (paced mode): the emulated world runs `dilation` times slower than real time — predicted compute
  // times and latencies multiplied, link rates divided — and measured times are divided by it again, so that this
  // host's real compute (and the framework's own work) fits inside devices predicted faster than it, such as a GPU.
  // 0: automatic: the smallest of 1, 2, 3, 4, 5, 6, 8 x 10^k at which the tasks' expected overrun (real compute
  // measured in-process before the run, doubled) stays within 1 % of the busiest device's predicted compute per
  // frame, at most twice the largest real-compute / predicted ratio (no overrun at all). Native mode always runs at 1.
  double dilation = 0;
  double frame_timeout_s = 300;
  bool simulate = true;        // also run the SimGrid executor on the same plan for comparison
  bool trace = false;          // fill measured.trace with every task span (Chrome trace)
  std::function<void(const std::string&)> log;
};

// One frame's roles as worker roles. Worker id = device index. Slot 0 is the frame input (coordinator -> the
// source device's worker), slot 1 the result (sink -> coordinator); every other slot is one cell rectangle of one
// transfer.
struct CompiledEmulation {
  std::map<int, RoleSpec> roles;  // by worker id (= device index)
  int input_worker = 0;
  int sink_worker = 0;
  int source_task = 0, sink_task = 0;  // task ids = TaskGraph role indices
  static constexpr int kInputSlot = 0;
  static constexpr int kOutputSlot = 1;
  // The coordinator opens each frame with a 1-value tensor on this slot to the source task: closed-loop frames start
  // when it arrives (after the previous result, or all at once for a pipelined plan).
  static constexpr int kGateSlot = -1;
  // Per (source device, destination device), non-local: payload bytes per frame as the emulator moves them, and as
  // the TaskGraph charges them (they must agree: same cells, same bits).
  std::map<std::pair<int, int>, std::int64_t> payload_bytes;
  std::map<std::pair<int, int>, std::int64_t> graph_bytes;
  std::map<std::pair<int, int>, int> messages;  // tensor messages per frame on each link
  int messages_per_frame = 0;
};

// `setup` goes to every worker's compute (kernel_compute.hpp). Links (pace mode) and peers are filled by emulate().
CompiledEmulation compile_emulation(const Plan& plan, const Model& model, const Platform& platform,
                                    const TaskGraph& graph, const nlohmann::json& setup, PaceMode mode);

struct LinkReport {
  std::string from, to;
  std::int64_t simulated_bytes = 0;  // TaskGraph bytes per frame x frames
  std::int64_t payload_bytes = 0;    // what the emulator's tensors carry, x frames
  std::int64_t wire_bytes = 0;       // measured: message bytes incl. 12-byte headers and 44-byte tensor headers
  std::int64_t messages = 0;         // tensor messages, x frames
};

// How the emulator charges a transfer from device a to device b, read from the platform as the simulator reads it:
// the route's latency, the seconds per byte it occupies the Wi-Fi air (1/r_a + 1/r_b over its Wi-Fi ends) and the
// cloud's wired link (1/bandwidth, when one end is the cloud). Alone, it runs at 1 / max(air, wan) bytes per second.
struct RouteModel {
  double latency_s = 0;
  double air_s_per_byte = 0;
  double wan_s_per_byte = 0;
  int wan = 0;  // SharedClocks::Resource: 1 towards the cloud, 2 from it, 0 none
  double alone_Bps() const;
};
RouteModel route_model(const Platform& platform, int a, int b);

// Every task of one frame in-process, in graph order, through the same computes as the workers. With `wire`, a
// tensor that crosses workers goes through the wire encoding, so int8 transfers are quantised exactly as on the
// network; without it every transfer stays float32. `took`: real compute seconds per task id (the last of `repeats`;
// the automatic dilation reads it).
struct Replay {
  std::map<int, double> took;
  Tensor output;  // slot 1, the sink's result
};
Replay replay_tasks(const CompiledEmulation& ce, const Tensor& input, bool wire, int repeats = 1);
// Whether some transfer between workers travels as int8 (bits <= 8).
bool has_quantised_transfer(const CompiledEmulation& ce);

struct EmulationReport {
  RunResult measured;   // executor "emulator"
  RunResult simulated;  // executor "simgrid" (status "error" with the reason when not run)
  std::vector<LinkReport> links;
  bool output_checked = false;
  bool output_ok = false;
  // The check (DESIGN.md: pieces computed apart reproduce the monolithic output within 1e-5 of its largest value).
  // Float32 plans: every frame's result against the monolithic run. Plans with int8 transfers: against the in-process
  // replay with the same int8 transfers (the transport and assembly are exact), and the float32 replay of the same
  // tasks against the monolithic run (the partition is exact); quantisation_error states what the int8 transfers
  // themselves cost.
  double max_abs_error = 0;   // max |distributed - reference| over every frame's result
  double max_abs_output = 0;  // max |reference|
  bool quantised = false;
  double partition_error = 0;     // quantised plans: max |float32 replay - monolithic|
  double quantisation_error = 0;  // quantised plans: max |int8 replay - monolithic|
  double monolithic_max_abs = 0;  // max |monolithic|
  std::string net_used;       // "netns" | "pace", with the reason when netns fell back
  std::vector<std::string> notes;
  int workers = 0;
  double dilation = 1;          // the time dilation the run used
  double compute_ratio = 0;     // largest real compute / predicted time of a task here (0: not measured)
  int tasks_run = 0, overruns = 0;  // paced tasks with a prediction, and those whose real compute ran past it
  // Framework time (measured, real seconds per frame, summed over every task): of the tasks' compute calls, the time
  // in kernel execution and the whole call (the rest is cell assembly, crops and the like); and the frame latency p50
  // in real seconds. With one worker in native mode nothing else is in a frame but the framework, so 1 - (kernels +
  // their copies) / latency, per frame, is the framework's whole share (scripts/bench_emulator_overhead.sh).
  double kernel_s_per_frame = 0, kernel_io_s_per_frame = 0, compute_s_per_frame = 0, latency_p50_real_s = 0;
  double framework_share_p50 = 0;  // median over frames of 1 - (kernels + their copies) / frame latency
};

EmulationReport emulate(const Scenario& scenario, const Plan& plan, const EmulationOptions& options);

}  // namespace edgesplit::runtime
