// What a coordinator tells a worker to do (its role) and what the worker reports back per frame. Plain values with
// JSON conversion; the role is the worker's slice of one frame's task graph, repeated for every frame.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/socket.hpp"

namespace edgesplit::runtime {

inline constexpr int kCoordinator = -1;  // destination id of the coordinator

enum class PaceMode { native, paced };
std::string pace_mode_name(PaceMode m);

struct OutputSpec {
  int slot = 0;
  std::vector<int> to;  // worker ids, or kCoordinator
};

// One compute task of this worker, run on its own thread frame after frame (the SimGrid executor's role actor): wait
// for every input slot of the frame, run the compute `kind` with `params`, then send each output slot to its
// destinations and wait until they are delivered.
struct TaskSpec {
  int id = 0;
  std::string kind;  // a compute registered in the worker ("copy", "scale", and what the emulator adds)
  std::vector<int> inputs;
  std::vector<OutputSpec> outputs;
  // Paced mode: the task ends no earlier than when `predicted_s` of work is done on this worker's one emulated core,
  // which the tasks computing at the same time share equally (processor sharing, as a 1-core SimGrid host).
  double predicted_s = 0;
  nlohmann::json params = nlohmann::json::object();
  std::vector<int> sources;  // per input slot: the worker that sends it (kCoordinator allowed); needed for credits
  std::vector<int> gates;    // slots that must arrive before the frame starts; not handed to the compute
  // When a frame ends, a 1-value tensor of the *next* frame goes to each of these (slot, workers): how the sink of a
  // closed loop starts the source's next frame (the SimGrid executor's token), unpaced.
  std::vector<OutputSpec> opens;
};

struct LinkSpec {
  double rate_bps = 0;   // alone pacing at this rate; 0: unpaced (unless air/wan below)
  double latency_s = 0;  // waited once per (task, destination) transfer, from the task's end, before its messages
  // Shared pacing (RoleSpec::clocks): seconds per byte this route occupies the air and the cloud link (0: not used).
  double air_s_per_byte = 0;
  double wan_s_per_byte = 0;
  int wan = 0;  // SharedClocks::Resource of the cloud link (1 towards the cloud, 2 from it); 0: none
};

struct RoleSpec {
  int worker = 0;
  PaceMode mode = PaceMode::native;
  std::map<int, Endpoint> peers;   // worker id -> where it listens
  std::map<int, LinkSpec> links;   // app-level pacing per destination (kCoordinator included); absent: unpaced
  std::vector<TaskSpec> tasks;     // each on its own thread
  nlohmann::json setup = nlohmann::json::object();  // handed once to the computes (e.g. model and weights seed)
  // Frames overlap in the tasks: a transfer starts only once its receiver has begun that frame (the receiver sends a
  // credit; SimGrid's rendezvous), and a task's frame ends when its outputs are delivered.
  bool pipelined = false;
  std::string clocks;  // SharedClocks file for shared pacing ("" none)
  // Plan::sequential_devices: these task ids compute one at a time, in this order, frame after frame (a ring: the
  // first task of frame f+1 waits for the last of frame f); sending does not hold the core. Empty: tasks compute
  // concurrently and share the core. Every id must name a task of this role.
  std::vector<int> sequential;
};

nlohmann::json to_json(const RoleSpec& r);
// Throws WireError naming the key that is missing or malformed.
RoleSpec role_from_json(const nlohmann::json& j);

struct TaskRecord {
  int task = 0;
  double ready_s = 0;        // last input arrived (CLOCK_MONOTONIC)
  double start_s = 0;        // compute started
  double compute_end_s = 0;  // real compute finished
  double end_s = 0;          // task finished (paced: >= start + predicted)
  double sent_s = 0;         // every output handed to the network
  bool overrun = false;      // paced mode: the real compute took longer than predicted_s
  double kernel_s = 0;       // of start_s..compute_end_s, seconds in kernel execution (add_kernel_time)
  double kernel_io_s = 0;    // ... and in the kernels' input / output copies
};

struct FrameReport {
  int worker = 0;
  std::uint32_t frame = 0;
  std::vector<TaskRecord> tasks;
  std::map<int, std::uint64_t> bytes_to;  // destination -> bytes put on the wire this frame (headers included)
};

nlohmann::json to_json(const FrameReport& r);
FrameReport frame_report_from_json(const nlohmann::json& j);

}  // namespace edgesplit::runtime
