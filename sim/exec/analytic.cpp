// The analytic executor: one-frame critical path, pipeline bound, and the exact frame-stream recurrence.
#include "sim/exec/analytic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <optional>

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
  thread_local std::vector<double> ready, lat, dur, cpu_free, cpu_sum;
  std::size_t nr = g.roles.size(), nt = g.transfers.size();
  ready.assign(nr, 0.0);
  cpu_free.assign(p.devices.size(), 0.0);  // sequential devices: when each device's CPU is next free
  cpu_sum.assign(p.devices.size(), 0.0);   // and its compute per frame (a lower bound on the period)
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
    if (g.sequential_devices && role.time_ref_s > 0) {
      auto dv = static_cast<std::size_t>(role.device);
      start = std::max(start, cpu_free[dv]);
      cpu_free[dv] = start + compute;
      cpu_sum[dv] += compute;
    }
    ready[r] = start + compute;
    ev.period_s = std::max(ev.period_s, in_max + compute + out_max);
  }
  for (double busy : cpu_sum) ev.period_s = std::max(ev.period_s, busy);
  ev.latency_s = ready[static_cast<std::size_t>(g.sink)];
  return ev;
}

namespace {

// One task graph's state in the frame-stream recurrence: when each role is next free, and the last completion.
struct GraphRun {
  const TaskGraph* g = nullptr;
  int role_offset = 0, transfer_offset = 0;  // where this graph's roles/transfers sit in the records' graph
  double fail_t = INFINITY;                  // earliest failure of a device holding one of its roles
  std::string fail_device;
  std::vector<double> done_prev, send_start, t_start, t_end;
  std::vector<double> cpu_free;  // sequential devices: when each device's CPU is next free (frames in order)
  double prev_completion = 0;

  GraphRun(const TaskGraph& graph, const Platform& p, const Conditions& cond, double free_at, int role_off, int xfer_off)
      : g(&graph), role_offset(role_off), transfer_offset(xfer_off), done_prev(graph.roles.size(), free_at),
        send_start(graph.roles.size(), free_at), t_start(graph.transfers.size()), t_end(graph.transfers.size()),
        cpu_free(p.devices.size(), free_at), prev_completion(free_at) {
    for (const auto& role : graph.roles)
      if (auto f = cond.failure_time(role.device); f && *f < fail_t) {
        fail_t = *f;
        fail_device = p.devices[static_cast<std::size_t>(role.device)].name;
      }
  }

  // When the source could start a frame that is ready (arrived, and past any barrier) at `ready`.
  double start_time(double ready) const {
    double R = std::max(done_prev[static_cast<std::size_t>(g->source)], ready);
    return g->pipelined ? R : std::max(R, prev_completion);
  }

  // Runs one frame whose source starts no earlier than `ready`: each role receives all inputs, computes, sends all
  // outputs and waits for their delivery; a transfer starts when the sender has waited its latency and the receiver
  // is ready (rendezvous). Fills start/completion, appends records; returns the completion.
  double run_frame(double ready, const Conditions& cond, FrameRecord& fr, ExecutionRecords& rec) {
    const TaskGraph& gr = *g;
    std::size_t nr = gr.roles.size();
    for (std::size_t r = 0; r < nr; ++r) {
      const Role& role = gr.roles[r];
      double R = done_prev[r];
      if (static_cast<int>(r) == gr.source) {
        R = start_time(ready);
        fr.start_s = R;
      }
      double in_end = R;
      for (int e : role.in) {
        const Transfer& t = gr.transfers[static_cast<std::size_t>(e)];
        double s = std::max(send_start[static_cast<std::size_t>(t.from)] + cond.latency_s(t.src_device, t.dst_device), R);
        t_start[e] = s;
        t_end[e] = t.local ? s : cond.transfer_end(t.src_device, t.dst_device, s, static_cast<double>(t.bytes));
        in_end = std::max(in_end, t_end[e]);
      }
      // A sequential device computes its roles one at a time in index order (Plan::sequential_devices); sending
      // does not hold it.
      double c_start = in_end;
      const bool takes_cpu = gr.sequential_devices && role.time_ref_s > 0;
      if (takes_cpu) c_start = std::max(in_end, cpu_free[static_cast<std::size_t>(role.device)]);
      double c_end = cond.compute_end(role.device, c_start, role.time_ref_s);
      if (takes_cpu) cpu_free[static_cast<std::size_t>(role.device)] = c_end;
      if (role.time_ref_s > 0) rec.computes.push_back({role_offset + static_cast<int>(r), fr.frame, c_start, c_end});
      send_start[r] = c_end;
    }
    for (std::size_t r = 0; r < nr; ++r) {
      double d = send_start[r];
      for (int e : gr.roles[r].out) d = std::max(d, t_end[e]);
      done_prev[r] = d;
    }
    for (std::size_t e = 0; e < gr.transfers.size(); ++e)
      rec.transfers.push_back({transfer_offset + static_cast<int>(e), fr.frame, t_start[e], t_end[e]});
    fr.completion_s = send_start[static_cast<std::size_t>(gr.sink)];
    prev_completion = fr.completion_s;
    return fr.completion_s;
  }
};

// Only what finished by the end of the run counts (SimGrid kills the rest at a failure).
void drop_after(ExecutionRecords& rec, double end_s) {
  auto past = [&](double end) { return end > end_s + 1e-12; };
  rec.computes.erase(std::remove_if(rec.computes.begin(), rec.computes.end(), [&](const ComputeRecord& c) { return past(c.end_s); }),
                     rec.computes.end());
  rec.transfers.erase(std::remove_if(rec.transfers.begin(), rec.transfers.end(), [&](const TransferRecord& t) { return past(t.end_s); }),
                      rec.transfers.end());
}

// Smooth weighted round-robin (nginx's): each pick adds every share to its credit, takes the largest credit and
// charges it the total — deterministic, and over any window the counts stay within one frame of the shares.
int swrr_pick(std::vector<double>& credit, const std::vector<double>& shares) {
  int best = 0;
  for (std::size_t k = 0; k < shares.size(); ++k) {
    credit[k] += shares[k];
    if (credit[k] > credit[static_cast<std::size_t>(best)] + 1e-12) best = static_cast<int>(k);
  }
  credit[static_cast<std::size_t>(best)] -= 1.0;  // shares are normalised
  return best;
}

// One period of an adaptive run: what the planner deployed at t0, or why it could not.
struct Epoch {
  double t0 = 0;
  std::optional<Deployment> deployment;
  std::string error;
  std::vector<std::size_t> runs;  // indices into the run's GraphRuns, one per graph of the deployment
  std::vector<double> credit;
};

// Replicated plans and re-planning at dynamics events. The run is cut into epochs at the event times (when
// re-planning); a frame runs under the epoch in force when its source would start it, on the replica the
// round-robin picks. Switching deployments drains: the new one starts once every earlier frame has finished
// (or was lost). A frame that a device failure interrupts is lost; with re-planning the next epoch (which starts at
// the failure) serves the rest without the failed device. When the planner cannot deploy (an error), frames wait for
// the next epoch, and fail with the planner's error if none comes.
RunResult run_adaptive(const SimJob& job) {
  const Platform& p = job.platform;
  Conditions cond(p, job.dynamics);
  std::vector<double> arrivals = arrival_times(job.workload, job.seed);
  const bool replanning = static_cast<bool>(job.replan) && !job.dynamics.empty();

  std::vector<Epoch> epochs(1);
  if (job.replicas) epochs[0].deployment = *job.replicas;
  else epochs[0].deployment = Deployment{{job.graph}, {1.0}, {job.accuracy_top1}, job.accuracy_source, ""};
  if (replanning)
    for (const auto& e : job.dynamics) {  // sorted by time
      if (e.time_s <= 0) epochs[0].deployment.reset();  // an event at 0: plan for the platform it makes
      else if (e.time_s > epochs.back().t0) epochs.push_back(Epoch{e.time_s, std::nullopt, "", {}, {}});
    }

  std::deque<TaskGraph> graphs;  // stable storage; GraphRun points into it
  std::vector<GraphRun> runs;
  TaskGraph all;                 // every graph's roles and transfers, for the records
  std::vector<double> run_accuracy;
  std::string replans;

  // Plans epoch k (when first needed) and activates its graphs with every role free at `free_at`.
  auto activate = [&](std::size_t k, double free_at) {
    Epoch& ep = epochs[k];
    if (!ep.deployment && ep.error.empty()) {
      try {
        Platform now = platform_at(p, job.dynamics, ep.t0);
        Deployment d = job.replan(now, ep.t0);
        for (auto& g : d.graphs) g = reindex_devices(std::move(g), now, p);
        ep.deployment = std::move(d);
        replans += fmt::format("{}t={:g} s: {}", replans.empty() ? "" : "; ", ep.t0, ep.deployment->note);
      } catch (const std::exception& e) {
        ep.error = fmt::format("re-planning at {} s failed: {}", ep.t0, e.what());
        replans += fmt::format("{}t={:g} s: {}", replans.empty() ? "" : "; ", ep.t0, ep.error);
      }
    }
    ep.runs.clear();
    if (!ep.deployment) return;
    ep.credit.assign(ep.deployment->graphs.size(), 0.0);
    for (std::size_t i = 0; i < ep.deployment->graphs.size(); ++i) {
      graphs.push_back(ep.deployment->graphs[i]);
      const TaskGraph& g = graphs.back();
      runs.emplace_back(g, p, cond, free_at, static_cast<int>(all.roles.size()), static_cast<int>(all.transfers.size()));
      run_accuracy.push_back(ep.deployment->accuracy_top1[i]);
      int ro = static_cast<int>(all.roles.size());
      for (Role r : g.roles) {
        for (int& e : r.in) e += static_cast<int>(all.transfers.size());
        for (int& e : r.out) e += static_cast<int>(all.transfers.size());
        all.roles.push_back(std::move(r));
      }
      for (Transfer t : g.transfers) {
        t.from += ro;
        t.to += ro;
        all.transfers.push_back(t);
      }
      ep.runs.push_back(runs.size() - 1);
    }
  };
  auto epoch_at = [&](double t) {
    std::size_t k = 0;
    while (k + 1 < epochs.size() && epochs[k + 1].t0 <= t) ++k;
    return k;
  };

  ExecutionRecords rec;
  std::vector<int> frame_run;   // per frame: the GraphRun it ran on (-1: none)
  double drain_end = 0;         // every frame so far has finished (or was lost) by then
  double end_s = 0;
  double acc_sum = 0;
  int acc_n = 0;
  std::size_t cur = 0;
  activate(0, 0.0);
  for (std::size_t f = 0; f < arrivals.size(); ++f) {
    FrameRecord fr;
    fr.frame = static_cast<int>(f);
    fr.arrival_s = arrivals[f];
    double ready = arrivals[f];
    int pick = -1;
    std::string fail;
    for (;;) {
      Epoch& ep = epochs[cur];
      if (!ep.deployment) {  // the planner could not deploy: wait for the next epoch
        if (cur + 1 == epochs.size()) {
          fail = ep.error;
          fr.start_s = std::max(ready, ep.t0);
          break;
        }
        ready = std::max(ready, epochs[cur + 1].t0);
        ++cur;
        activate(cur, std::max(drain_end, epochs[cur].t0));
        continue;
      }
      std::vector<double> credit = ep.credit;
      int k = swrr_pick(credit, ep.deployment->shares);
      std::size_t ri = ep.runs[static_cast<std::size_t>(k)];
      double start = runs[ri].start_time(ready);
      std::size_t at = epoch_at(start);
      if (at > cur) {  // a new deployment is in force by then: drain, then switch
        cur = at;
        activate(cur, std::max(drain_end, epochs[cur].t0));
        ready = std::max(ready, std::max(drain_end, epochs[cur].t0));
        continue;
      }
      ep.credit = std::move(credit);
      pick = static_cast<int>(ri);
      break;
    }
    if (pick < 0) {
      fr.ok = false;
      fr.failure = fail;
      fr.completion_s = fr.start_s;
    } else {
      GraphRun& run = runs[static_cast<std::size_t>(pick)];
      double done = run.run_frame(ready, cond, fr, rec);
      if (job.workload.arrival == Arrival::Closed) fr.arrival_s = fr.start_s;  // a closed loop issues the frame when it starts
      if (done > run.fail_t) {
        fr.ok = false;
        fr.failure = fmt::format("device '{}' failed at {} s", run.fail_device, run.fail_t);
        drain_end = std::max(drain_end, run.fail_t);
        end_s = std::max(end_s, run.fail_t);
      } else {
        drain_end = std::max(drain_end, done);
        end_s = std::max(end_s, done);
        acc_sum += run_accuracy[static_cast<std::size_t>(pick)];
        ++acc_n;
      }
    }
    frame_run.push_back(pick);
    rec.frames.push_back(fr);
  }
  // A lost frame's work after its device failed never happened.
  std::vector<double> lost_after(rec.frames.size(), INFINITY);
  for (std::size_t f = 0; f < rec.frames.size(); ++f)
    if (!rec.frames[f].ok && frame_run[f] >= 0) lost_after[f] = runs[static_cast<std::size_t>(frame_run[f])].fail_t;
  auto lost = [&](int frame, double end) { return end > lost_after[static_cast<std::size_t>(frame)] + 1e-12; };
  rec.computes.erase(std::remove_if(rec.computes.begin(), rec.computes.end(), [&](const ComputeRecord& c) { return lost(c.frame, c.end_s); }),
                     rec.computes.end());
  rec.transfers.erase(std::remove_if(rec.transfers.begin(), rec.transfers.end(), [&](const TransferRecord& t) { return lost(t.frame, t.end_s); }),
                      rec.transfers.end());
  rec.end_s = end_s;
  drop_after(rec, end_s);

  SimJob view = job;  // the records index the union of every deployed graph
  view.graph = std::move(all);
  RunResult r = assemble_result(view, cond, std::move(rec), "analytic");
  if (acc_n > 0) r.accuracy_top1 = acc_sum / acc_n;
  if (job.replicas || replanning) {
    r.provenance["accuracy_top1"] += " — mean over the completed frames of what each ran";
    if (job.replicas) r.provenance["deployment"] = fmt::format("{} request-level replicas (smooth weighted round-robin)", job.replicas->graphs.size());
    if (replanning) r.provenance["replanning"] = fmt::format("re-planned at each dynamics event: {}", replans.empty() ? "none needed" : replans);
  }
  return r;
}

}  // namespace

RunResult run_analytic(const SimJob& job) {
  if (needs_analytic(job)) return run_adaptive(job);
  const Platform& p = job.platform;
  Conditions cond(p, job.dynamics);
  std::vector<double> arrivals = arrival_times(job.workload, job.seed);
  GraphRun run(job.graph, p, cond, 0.0, 0, 0);

  ExecutionRecords rec;
  double last_ok = 0;
  bool stopped = false;
  for (std::size_t f = 0; f < arrivals.size(); ++f) {
    FrameRecord fr;
    fr.frame = static_cast<int>(f);
    fr.arrival_s = arrivals[f];
    run.run_frame(arrivals[f], cond, fr, rec);
    if (job.workload.arrival == Arrival::Closed) fr.arrival_s = fr.start_s;  // a closed loop issues the frame when it starts
    // Without re-planning, the first failure of a device holding a role ends the run.
    if (stopped || fr.completion_s > run.fail_t) {
      stopped = true;
      fr.ok = false;
      fr.failure = fmt::format("device '{}' failed at {} s", run.fail_device, run.fail_t);
    } else {
      last_ok = fr.completion_s;
    }
    rec.frames.push_back(fr);
  }
  rec.end_s = stopped ? run.fail_t : last_ok;
  drop_after(rec, rec.end_s);
  return assemble_result(job, cond, std::move(rec), "analytic");
}

}  // namespace edgesplit
