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

// One compute task of this worker: wait for every input slot of the frame, run the compute `kind` with `params`,
// send each output slot to its destinations.
struct TaskSpec {
  int id = 0;
  std::string kind;  // a compute registered in the worker ("copy", "scale", and what the emulator adds)
  std::vector<int> inputs;
  std::vector<OutputSpec> outputs;
  double predicted_s = 0;  // paced mode: the task ends no earlier than start + predicted_s
  nlohmann::json params = nlohmann::json::object();
};

struct LinkSpec {
  double rate_bps = 0;   // 0: unpaced
  double latency_s = 0;  // waited by the sender before each message
};

struct RoleSpec {
  int worker = 0;
  PaceMode mode = PaceMode::native;
  std::map<int, Endpoint> peers;   // worker id -> where it listens
  std::map<int, LinkSpec> links;   // app-level pacing per destination (kCoordinator included); absent: unpaced
  std::vector<TaskSpec> tasks;     // in execution order
  nlohmann::json setup = nlohmann::json::object();  // handed once to the computes (e.g. model and weights seed)
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
