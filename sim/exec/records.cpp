// Shared reporting of both executors.
#include "sim/exec/records.hpp"

#include <fmt/format.h>

#include <cmath>

#include <algorithm>

namespace edgesplit {

RunResult assemble_result(const SimJob& job, const Conditions& cond, ExecutionRecords rec, const char* executor) {
  RunResult r;
  r.scenario = job.name;
  r.key = job.key;
  r.executor = executor;
  r.deadline_s = job.deadline_s;
  r.accuracy_top1 = job.accuracy_top1;
  r.makespan_s = rec.end_s;
  const Platform& p = job.platform;
  const TaskGraph& g = job.graph;
  std::size_t n = p.devices.size();
  r.devices.resize(n);
  std::vector<std::vector<std::pair<double, double>>> busy(n);
  for (std::size_t i = 0; i < n; ++i) r.devices[i].device = p.devices[i].name;
  for (const auto& c : rec.computes) {
    const Role& role = g.roles[static_cast<std::size_t>(c.role)];
    auto d = static_cast<std::size_t>(role.device);
    busy[d].push_back({c.start_s, c.end_s});
    if (job.trace) r.trace.push_back({p.devices[d].name, role.name, "compute", c.frame, c.start_s, c.end_s, 0});
  }
  for (std::size_t i = 0; i < n; ++i) {
    // Merge overlapping intervals (two roles on one device) so busy time never exceeds wall time.
    auto& b = busy[i];
    std::sort(b.begin(), b.end());
    std::vector<std::pair<double, double>> merged;
    for (const auto& iv : b) {
      if (!merged.empty() && iv.first <= merged.back().second) merged.back().second = std::max(merged.back().second, iv.second);
      else merged.push_back(iv);
    }
    b = merged;
    for (const auto& [s, e] : b) r.devices[i].busy_s += e - s;
    r.devices[i].utilisation = rec.end_s > 0 ? r.devices[i].busy_s / rec.end_s : 0.0;
  }
  for (const auto& t : rec.transfers) {
    const Transfer& x = g.transfers[static_cast<std::size_t>(t.transfer)];
    if (x.local) continue;
    auto s = static_cast<std::size_t>(x.src_device), d = static_cast<std::size_t>(x.dst_device);
    r.bytes_on_air += x.bytes * cond.air_crossings(x.src_device, x.dst_device);
    r.devices[s].bytes_sent += x.bytes;
    r.devices[d].bytes_received += x.bytes;
    if (p.devices[s].attachment == Attachment::WifiStation)
      r.devices[s].radio_energy_J +=
          p.devices[s].profile.radio_tx_W * static_cast<double>(x.bytes) / cond.station_rate_Bps(x.src_device, t.start_s);
    if (p.devices[d].attachment == Attachment::WifiStation)
      r.devices[d].radio_energy_J +=
          p.devices[d].profile.radio_rx_W * static_cast<double>(x.bytes) / cond.station_rate_Bps(x.dst_device, t.start_s);
    if (job.trace)
      r.trace.push_back({fmt::format("link {}->{}", p.devices[s].name, p.devices[d].name),
                         fmt::format("{} -> {}", g.roles[static_cast<std::size_t>(x.from)].name,
                                     g.roles[static_cast<std::size_t>(x.to)].name),
                         "transfer", t.frame, t.start_s, t.end_s, x.bytes});
  }
  r.frames = std::move(rec.frames);
  summarise_frames(r);
  // Host energy is integrated from the run's own busy intervals (idle power all along, plus busy − idle while
  // computing, per pstate). SimGrid's energy plugin computes the same integral, but its last bits depend on the other
  // scenarios sharing the Engine (when its updates fire), which would break byte-identical runs.csv rows across -j,
  // batches and shards; so it serves as a cross-check, and a disagreement is recorded in the provenance.
  std::string plugin_check;
  for (std::size_t i = 0; i < n; ++i) {
    auto& dm = r.devices[i];
    dm.host_energy_J = cond.host_energy_J(static_cast<int>(i), busy[i], rec.end_s);
    if (rec.host_energy_J) {
      double plugin = (*rec.host_energy_J)[i];
      if (std::abs(plugin - dm.host_energy_J) > 1e-9 * std::max(1.0, std::abs(dm.host_energy_J)))
        plugin_check += fmt::format("; plugin disagrees on {}: {:.9g} J", dm.device, plugin);
    }
    r.energy_total_J += dm.host_energy_J + dm.radio_energy_J;
    dm.energy_per_inference_J = r.frames_completed ? (dm.host_energy_J + dm.radio_energy_J) / r.frames_completed : 0.0;
  }
  r.energy_per_inference_J = r.frames_completed ? r.energy_total_J / r.frames_completed : 0.0;
  std::sort(r.trace.begin(), r.trace.end(),
            [](const TraceEvent& a, const TraceEvent& b) { return a.start_s < b.start_s; });

  // Provenance: the executor simulates; its inputs come from the device profiles.
  std::string kinds;
  for (const auto& d : p.devices)
    if (kinds.find(d.profile.source.kind) == std::string::npos)
      kinds += (kinds.empty() ? "" : "+") + d.profile.source.kind;
  std::string sim = std::string("simulated (") + executor + ")";
  for (const char* k : {"latency", "period", "throughput", "deadline_hit_rate", "bytes_on_air", "busy", "utilisation"})
    r.provenance[k] = sim;
  r.provenance["compute_times"] = fmt::format("device profiles ({})", kinds.empty() ? "unknown" : kinds);
  r.provenance["host_energy"] =
      rec.host_energy_J
          ? "simulated (busy/idle time of the SimGrid run × profile pstate powers; SimGrid's host energy plugin "
            "cross-checked to 1e-9 relative" + plugin_check + ")"
          : "simulated (analytic: busy/idle time × profile pstate powers)";
  r.provenance["radio_energy"] = "simulated (airtime at the station's rate × profile radio tx/rx power)";
  r.provenance["accuracy_top1"] = job.accuracy_source.empty() ? "published (model zoo facts)" : job.accuracy_source;
  return r;
}

}  // namespace edgesplit
