// The analytic executor: one-frame critical path, pipeline bound, and the exact frame-stream recurrence.
#include "sim/exec/analytic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sim/exec/records.hpp"

namespace edgesplit {

namespace {
double route_rate_Bps(const Platform& p, int src, int dst) {
  const Device& a = p.devices[static_cast<std::size_t>(src)];
  const Device& b = p.devices[static_cast<std::size_t>(dst)];
  double inv = 0;
  if (a.attachment == Attachment::WifiStation) inv += 1.0 / a.wifi_rate_Bps;
  if (b.attachment == Attachment::WifiStation) inv += 1.0 / b.wifi_rate_Bps;
  double air = inv > 0 ? 1.0 / inv : INFINITY;
  if (a.attachment == Attachment::WifiStation && b.attachment == Attachment::WifiStation) return air;
  return std::min(air, p.network.cloud_bandwidth_Bps);
}
double hop_latency(const Platform& p, int d) {
  return p.devices[static_cast<std::size_t>(d)].attachment == Attachment::WifiStation ? p.network.wifi_latency_s
                                                                                       : p.network.cloud_latency_s;
}
}  // namespace

Evaluation evaluate(const TaskGraph& g, const Platform& p) {
  thread_local std::vector<double> ready, lat, dur;
  std::size_t nr = g.roles.size(), nt = g.transfers.size();
  ready.assign(nr, 0.0);
  lat.resize(nt);
  dur.resize(nt);
  for (std::size_t i = 0; i < nt; ++i) {
    const Transfer& t = g.transfers[i];
    if (t.local) {
      lat[i] = dur[i] = 0;
    } else {
      lat[i] = hop_latency(p, t.src_device) + hop_latency(p, t.dst_device);
      dur[i] = static_cast<double>(t.bytes) / route_rate_Bps(p, t.src_device, t.dst_device);
    }
  }
  Evaluation ev;
  for (std::size_t r = 0; r < nr; ++r) {
    const Role& role = g.roles[r];
    const Device& d = p.devices[static_cast<std::size_t>(role.device)];
    double speed = d.profile.pstates.empty() ? 1.0 : d.profile.pstates[static_cast<std::size_t>(d.pstate)].speed;
    double compute = role.time_ref_s / speed;
    double start = 0, in_max = 0, out_max = 0;
    for (int e : role.in) {
      start = std::max(start, ready[static_cast<std::size_t>(g.transfers[static_cast<std::size_t>(e)].from)] + lat[e] + dur[e]);
      in_max = std::max(in_max, dur[e]);
    }
    for (int e : role.out) out_max = std::max(out_max, lat[e] + dur[e]);
    ready[r] = start + compute;
    ev.period_s = std::max(ev.period_s, in_max + compute + out_max);
  }
  ev.latency_s = ready[static_cast<std::size_t>(g.sink)];
  return ev;
}

RunResult run_analytic(const SimJob& job) {
  const TaskGraph& g = job.graph;
  const Platform& p = job.platform;
  Conditions cond(p, job.dynamics);
  std::vector<double> arrivals = arrival_times(job.workload, job.seed);
  std::size_t nr = g.roles.size();

  // The failure that stops the run: the earliest failure of a device holding a role.
  double fail_t = INFINITY;
  std::string fail_dev;
  for (const auto& role : g.roles)
    if (auto f = cond.failure_time(role.device); f && *f < fail_t) {
      fail_t = *f;
      fail_dev = p.devices[static_cast<std::size_t>(role.device)].name;
    }

  ExecutionRecords rec;
  std::vector<double> done_prev(nr, 0.0), send_start(nr, 0.0);
  std::vector<double> t_start(g.transfers.size()), t_end(g.transfers.size());
  double prev_completion = 0, last_ok = 0;
  bool stopped = false;
  for (std::size_t f = 0; f < arrivals.size(); ++f) {
    FrameRecord fr;
    fr.frame = static_cast<int>(f);
    fr.arrival_s = arrivals[f];
    for (std::size_t r = 0; r < nr; ++r) {
      const Role& role = g.roles[r];
      double R = done_prev[r];
      if (static_cast<int>(r) == g.source) {
        R = std::max(R, arrivals[f]);
        if (!g.pipelined && f > 0) R = std::max(R, prev_completion);
        fr.start_s = R;
        if (job.workload.arrival == Arrival::Closed) fr.arrival_s = R;  // a closed loop issues the frame when it starts
      }
      double in_end = R;
      for (int e : role.in) {
        const Transfer& t = g.transfers[static_cast<std::size_t>(e)];
        double s = std::max(send_start[static_cast<std::size_t>(t.from)] + cond.latency_s(t.src_device, t.dst_device), R);
        t_start[e] = s;
        t_end[e] = t.local ? s : cond.transfer_end(t.src_device, t.dst_device, s, static_cast<double>(t.bytes));
        in_end = std::max(in_end, t_end[e]);
      }
      double c_end = cond.compute_end(role.device, in_end, role.time_ref_s);
      if (role.time_ref_s > 0) rec.computes.push_back({static_cast<int>(r), fr.frame, in_end, c_end});
      send_start[r] = c_end;
    }
    for (std::size_t r = 0; r < nr; ++r) {
      double d = send_start[r];
      for (int e : g.roles[r].out) d = std::max(d, t_end[e]);
      done_prev[r] = d;
    }
    for (std::size_t e = 0; e < g.transfers.size(); ++e) rec.transfers.push_back({static_cast<int>(e), fr.frame, t_start[e], t_end[e]});
    fr.completion_s = send_start[static_cast<std::size_t>(g.sink)];
    prev_completion = fr.completion_s;
    if (stopped || fr.completion_s > fail_t) {
      stopped = true;
      fr.ok = false;
      fr.failure = fmt::format("device '{}' failed at {} s", fail_dev, fail_t);
    } else {
      last_ok = fr.completion_s;
    }
    rec.frames.push_back(fr);
  }
  rec.end_s = stopped ? fail_t : last_ok;
  // Only what finished by the end of the run counts (SimGrid kills the rest at the failure).
  auto past = [&](double end) { return end > rec.end_s + 1e-12; };
  rec.computes.erase(std::remove_if(rec.computes.begin(), rec.computes.end(), [&](const ComputeRecord& c) { return past(c.end_s); }),
                     rec.computes.end());
  rec.transfers.erase(std::remove_if(rec.transfers.begin(), rec.transfers.end(), [&](const TransferRecord& t) { return past(t.end_s); }),
                      rec.transfers.end());
  return assemble_result(job, cond, std::move(rec), "analytic");
}

}  // namespace edgesplit
