// Small models and platforms written inline for plan, task-graph and executor tests (WRENCH style: the platform is in
// the test, the expected numbers are worked out by hand beside the asserts).
#pragma once

#include <string>
#include <vector>

#include "sim/model/builder.hpp"
#include "sim/platform/platform.hpp"

namespace edgesplit::testing {

// Input 1×8×8 → conv1 3×3/1/1 → 2×8×8 → conv2 3×3/1/1 → 2×8×8 → pool 2×2 → 2×4×4 → fc 10.
// MACs: conv1 2·64·(1·9) = 1152; conv2 2·64·(2·9) = 2304; pool 32 outputs × 4 = 128 ops; fc 32·10 = 320.
inline Model tiny_model() {
  ModelBuilder b("tiny", Shape{1, 8, 8});
  b.conv("conv1", ConvSpec{.out = 2});
  b.conv("conv2", ConvSpec{.out = 2});
  b.maxpool("pool", PoolSpec{.k = 2});
  b.fc("fc", 10);
  return b.build();
}

// Every op class at `rate` units/s with no fixed cost; pstate p0 speed 1 (idle 2 W, busy 5 W), p1 speed 0.5
// (idle 1.5 W, busy 3 W); radio tx 1 W, rx 0.5 W.
inline Profile unit_profile(const std::string& name, double rate) {
  Profile p;
  p.name = name;
  p.pstates = {{"p0", 1.0e9, 1.0, 2.0, 5.0}, {"p1", 0.5e9, 0.5, 1.5, 3.0}};
  for (OpClass c : {OpClass::Conv, OpClass::DepthwiseConv, OpClass::Pool, OpClass::FullyConnected, OpClass::Eltwise})
    p.cost[c] = OpCost{0.0, rate};
  p.radio_tx_W = 1.0;
  p.radio_rx_W = 0.5;
  p.source.kind = "calibrated";
  p.source.details["citation"] = "test fixture";
  return p;
}

inline Device station(const std::string& name, double rate_Bps, double macs_per_s = 1e3) {
  Device d;
  d.name = name;
  d.profile = unit_profile(name, macs_per_s);
  d.attachment = Attachment::WifiStation;
  d.wifi_rate_Bps = rate_Bps;
  return d;
}

inline Device cloud(const std::string& name, double macs_per_s = 1e4) {
  Device d;
  d.name = name;
  d.profile = unit_profile(name, macs_per_s);
  d.attachment = Attachment::Cloud;
  return d;
}

// Stations named by `names` at `rates` (bytes/s), optionally a cloud host "cloud" behind `cloud_Bps`.
inline Platform wifi_platform(const std::vector<std::string>& names, const std::vector<double>& rates,
                              double cloud_Bps = 0, double wifi_latency_s = 0, double cloud_latency_s = 0) {
  Platform p;
  p.name = "inline";
  for (std::size_t i = 0; i < names.size(); ++i) p.devices.push_back(station(names[i], rates[i]));
  if (cloud_Bps > 0) p.devices.push_back(cloud("cloud"));
  p.network.wifi_latency_s = wifi_latency_s;
  p.network.cloud_bandwidth_Bps = cloud_Bps;
  p.network.cloud_latency_s = cloud_latency_s;
  p.requester = names.front();
  return p;
}

}  // namespace edgesplit::testing
