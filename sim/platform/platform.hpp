// Devices, their cost profiles, and the network joining them: plain value types, no YAML or SimGrid.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/model/model.hpp"

namespace edgesplit {

// Where a figure came from. Every profile and every reported number carries one.
struct Provenance {
  std::string kind;                            // "measured" | "calibrated" | "simulated"
  std::map<std::string, std::string> details;  // measured: host, cpu, backend, version, threads, clock, date, commit;
                                               // calibrated: citation, fitted figures, residuals
  bool operator==(const Provenance&) const = default;
};

// A DVFS operating point. Compute time scales with 1/speed (speed = 1 at the profile's reference point).
struct PState {
  std::string name;      // e.g. "1.5GHz"
  double freq_hz = 0;
  double speed = 1.0;    // relative throughput vs the reference point (default freq/freq_ref)
  double idle_W = 0;
  double busy_W = 0;
  bool operator==(const PState&) const = default;
};

// Linear cost of one op class at the reference pstate: time = fixed_s + work / rate_per_s, where work is MACs for
// Conv/DepthwiseConv/FullyConnected and elementary ops for Pool/Eltwise (see layer_macs / layer_other_ops).
struct OpCost {
  double fixed_s = 0;
  double rate_per_s = 0;  // MACs/s or ops/s; 0 = this class is not supported
  bool operator==(const OpCost&) const = default;
};

// Measured time of one layer of one model as a function of output rows computed (band height), at the reference
// pstate. Non-linear costs (a fixed per-call cost that grows with weight size) live here.
struct LayerRowTable {
  std::string model;
  std::string layer;
  std::vector<int> rows;        // ascending band heights
  std::vector<double> time_s;   // median time per band height
  bool operator==(const LayerRowTable&) const = default;
};

struct Profile {
  std::string name;          // e.g. "rpi4b"
  std::string description;
  int cores = 1;
  std::vector<PState> pstates;  // pstates[reference_pstate] has speed 1
  int reference_pstate = 0;
  std::map<OpClass, OpCost> cost;
  std::vector<LayerRowTable> layer_tables;
  double radio_tx_W = 0;
  double radio_rx_W = 0;
  Provenance source;

  int pstate_index(const std::string& pstate_name) const;  // -1 when absent
  const LayerRowTable* table(const std::string& model, const std::string& layer) const;
  bool operator==(const Profile&) const = default;
};

enum class Attachment { WifiStation, Cloud };

struct Device {
  std::string name;
  std::string profile_file;  // where the profile was read from (provenance), may be empty
  Profile profile;
  int pstate = 0;            // index into profile.pstates
  Attachment attachment = Attachment::WifiStation;
  double wifi_rate_Bps = 0;  // station's effective rate on the air (bytes/s); stations only
  double wifi_latency_s = 0; // station's per-hop air latency (the AP's network.wifi_latency_s unless overridden)
  int cores = 0;             // cores the device may use (the platform loader sets 1..profile.cores; 0 = all)
};

struct Network {
  double wifi_latency_s = 0;       // per hop on the air
  double cloud_bandwidth_Bps = 0;  // wired link between the access point and the cloud (each direction)
  double cloud_latency_s = 0;
};

struct Platform {
  std::string name;
  std::vector<Device> devices;
  Network network;
  std::string requester;  // device where frames originate and results are due; default: the first station

  int index_of(const std::string& device_name) const;  // -1 when absent
  int requester_index() const;
  std::optional<int> cloud_index() const;
};

// Time of `work` units of op class `c` on a device at a pstate, from the linear per-class model.
double op_time_s(const Profile& p, int pstate, OpClass c, double work);
// Time of computing `rows` output rows of a layer: the row table when the profile has one for (model, layer),
// interpolated linearly between measured heights (and proportionally below the smallest); else the linear model on
// the region's work. Scaled by the pstate's speed.
double layer_time_s(const Profile& p, int pstate, const std::string& model, const Layer& layer, int rows,
                    double work);

// Checks invariants (positive rates, pstate indices, unique names, exactly the stations have a wifi rate).
// Throws InputError naming the device and key.
void validate(const Platform& platform);
void validate(const Profile& profile);

}  // namespace edgesplit
