// A resolved scenario: everything one simulation needs, as plain values (no YAML types). Built by the loader in this
// folder; consumed by planners and executors.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/model/model.hpp"
#include "sim/platform/platform.hpp"

namespace edgesplit {

enum class Arrival { Closed, Periodic, Poisson };

struct Workload {
  int frames = 1;
  Arrival arrival = Arrival::Closed;  // closed: next frame when the previous one finished
  double rate_per_s = 0;              // periodic / poisson
};

enum class Objective { Latency, Throughput, Energy, Accuracy };

struct Constraints {
  double deadline_s = 0;      // per-frame deadline for hit-rate accounting (0 = none)
  double latency_cap_s = 0;   // planners must keep latency under this (0 = none)
  double accuracy_floor = 0;  // top-1 %, 0 = none
};

// A change during the run, applied at time_s (simulated seconds from the start).
struct DynamicsEvent {
  enum class Kind { StationRate, CloudBandwidth, PState, Straggler, Failure };
  Kind kind = Kind::StationRate;
  double time_s = 0;
  std::string device;      // StationRate, PState, Straggler, Failure
  double value = 0;        // StationRate / CloudBandwidth: bytes/s; Straggler: slowdown factor (>1 slower)
  std::string pstate;      // PState: pstate name
  double duration_s = 0;   // Straggler: how long (0 = until the end)
};

struct ModelRef {
  std::string zoo_name;   // when from the zoo
  std::string file;       // when from a YAML model file
  std::string variant;    // e.g. MobileNet "0.75_160"; empty = default
};

struct Scenario {
  std::string name;
  std::string file;         // where it was read from
  ModelRef model_ref;
  Model model;              // resolved
  Platform platform;        // resolved, profiles loaded
  std::string planner = "local";
  nlohmann::json planner_options = nlohmann::json::object();  // validated against the planner's schema
  Workload workload;
  Objective objective = Objective::Latency;
  Constraints constraints;
  std::vector<DynamicsEvent> dynamics;  // sorted by time
  std::uint64_t seed = 1;
  bool trace = false;
  std::string key;          // stable hash of the canonical resolved content (set by the loader / sweep expansion)
};

}  // namespace edgesplit
