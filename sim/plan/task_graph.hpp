// TaskGraph: one frame of a Plan as roles (who computes what, where) and transfers (exact bytes between roles).
// Executors run it frame after frame; it holds no timing model beyond each role's compute time at speed 1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/plan/plan.hpp"

namespace edgesplit {

enum class RoleKind {
  Source,   // holds the input frame (the requester)
  Relay,    // gathers a stage's input and scatters it to the pieces (Route::ViaHost)
  Compute,  // one piece of one stage
  Sink,     // receives the result (the requester)
};
const char* role_kind_name(RoleKind k);

// The work of one layer of a piece.
struct LayerWork {
  int layer = 0;
  Region region;             // the region of the layer's output this piece computes
  std::int64_t macs = 0;     // MACs of that region (Conv / FullyConnected)
  std::int64_t other_ops = 0;  // pool / element-wise operations of that region
  double time_ref_s = 0;     // at the profile's reference point (speed 1)
};

struct Role {
  RoleKind kind = RoleKind::Compute;
  int device = 0;  // index into Platform::devices
  int stage = -1;  // Compute / Relay
  int piece = -1;  // Compute
  std::string name;
  std::int64_t macs = 0;
  std::int64_t other_ops = 0;
  double time_ref_s = 0;  // compute time at speed 1; the device's pstate and stragglers divide it
  std::vector<LayerWork> layers;
  std::vector<int> in, out;  // indices into TaskGraph::transfers
};

// One message per frame from one role to another: every tensor region the consumer needs from that producer.
struct Transfer {
  int from = 0, to = 0;              // role indices (from < to)
  int src_device = 0, dst_device = 0;
  std::int64_t elements = 0;         // activation elements carried, halo rows included
  int bits = 32;
  std::int64_t metadata_bytes = 0;   // dequantisation scales/offsets (Stage::input_scales), 0 for plain bits
  std::int64_t bytes = 0;            // ceil(elements · bits / 8) + metadata_bytes: the packed message
  bool local = false;                // same device: a dependency, no network
};

struct TaskGraph {
  std::string model;
  std::vector<Role> roles;  // topological order: every transfer goes from a lower to a higher index
  std::vector<Transfer> transfers;
  int source = 0, sink = 0;  // role indices
  bool pipelined = false;
  bool sequential_devices = false;  // Plan::sequential_devices: a device computes its roles one at a time, in index order

  std::int64_t total_macs() const;
  std::int64_t network_bytes() const;  // bytes of non-local transfers
};

// Builds the graph of one frame: validates the plan, back-propagates each piece's region through its stage
// (PICO eq. 3 / DistrEdge VSL eq. 1, padding-aware), charges MACs per the plan's accounting (PICO eq. 2/4 under
// OutputArea), times each layer with the device's profile (layer_time_s), and sizes every transfer exactly: each
// consumer receives the cells of each producer tensor it needs from the first piece that holds them. `model` is the
// scenario's model; a plan naming a model_variant runs that variant (plan_model). A replicated plan is refused.
TaskGraph build_task_graph(const Plan& plan, const Model& model, const Platform& platform);

}  // namespace edgesplit
