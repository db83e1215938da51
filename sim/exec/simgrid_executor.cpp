// SimGrid 3.32 executor: one sub-platform and one actor per TaskGraph role per job, all jobs in one Engine.
// Decisions and their measurements: shared/reference/simgrid.md (§2 exact config, §3 Wi-Fi, §4 hosts/energy).
#include "sim/exec/simgrid_executor.hpp"
#include "sim/exec/simgrid_engine.hpp"

#include <fmt/format.h>
#include <simgrid/kernel/ProfileBuilder.hpp>
#include <simgrid/plugins/energy.h>
#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>

#include "sim/exec/records.hpp"

namespace sg4 = simgrid::s4u;

namespace edgesplit {
namespace {

// Compute is expressed as seconds of work at speed 1; a host's pstate k runs kFlops · speed_k of it per second.
constexpr double kFlops = 1e9;

struct ScenarioState {
  const SimJob* job = nullptr;
  int index = 0;
  std::unique_ptr<Conditions> cond;
  std::vector<sg4::Host*> hosts;  // per device
  sg4::Link* air = nullptr;
  sg4::Link* wan = nullptr;
  std::map<double, int> level_of_rate;
  std::vector<double> arrivals;
  std::vector<FrameRecord> frames;
  std::vector<double> put_time, get_time, end_time;  // [frame · transfers + transfer]
  std::vector<char> transfer_done;
  std::vector<ComputeRecord> computes;
  std::vector<sg4::ActorPtr> actors;  // per role
  std::vector<char> role_done;
  std::vector<sg4::Mailbox*> mailboxes;  // per transfer
  sg4::SemaphorePtr token;  // non-pipelined: the sink releases one per finished frame
  // Sequential devices (TaskGraph::sequential_devices): per role, the semaphore it takes before computing and the one
  // it gives after — a ring over each device's compute roles in index order, the first one open.
  std::vector<sg4::SemaphorePtr> cpu_take, cpu_give;
  bool finished = false;
  double end_s = 0;
  std::vector<double> energy_J;
};

void finish(ScenarioState* st) {
  st->finished = true;
  st->end_s = sg4::Engine::get_clock();
  st->energy_J.clear();
  for (sg4::Host* h : st->hosts) st->energy_J.push_back(sg_host_get_consumed_energy(h));
}

void role_loop(ScenarioState* st, int r);

void role_actor(ScenarioState* st, int r) {
  try {
    role_loop(st, r);
  } catch (const simgrid::Exception&) {
    // A peer was killed by a device failure (its comms fail with NetworkFailureException): this frame is already
    // recorded as failed, and the scenario is over.
  }
  st->role_done[static_cast<std::size_t>(r)] = 1;
}

void role_loop(ScenarioState* st, int r) {
  const TaskGraph& g = st->job->graph;
  const Role& role = g.roles[static_cast<std::size_t>(r)];
  std::size_t nt = g.transfers.size();
  int frames = static_cast<int>(st->frames.size());
  static int payload = 0;
  // Outputs in order of their latency: each starts `latency` after the compute ends (sleep, then rendezvous).
  std::vector<std::pair<double, int>> outs;
  for (int e : role.out) {
    const Transfer& t = g.transfers[static_cast<std::size_t>(e)];
    outs.push_back({st->cond->latency_s(t.src_device, t.dst_device), e});
  }
  std::stable_sort(outs.begin(), outs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<int*> slots(role.in.size(), nullptr);
  std::vector<sg4::CommPtr> comms;
  std::vector<int> which;
  for (int f = 0; f < frames; ++f) {
    std::size_t base = static_cast<std::size_t>(f) * nt;
    if (r == g.source) {
      sg4::this_actor::sleep_until(st->arrivals[static_cast<std::size_t>(f)]);
      if (!g.pipelined && f > 0) st->token->acquire();
      st->frames[static_cast<std::size_t>(f)].start_s = sg4::Engine::get_clock();
      // A closed loop issues the frame when it starts: its latency counts from there.
      if (st->job->workload.arrival == Arrival::Closed)
        st->frames[static_cast<std::size_t>(f)].arrival_s = sg4::Engine::get_clock();
    }
    comms.clear();
    which.clear();
    for (std::size_t i = 0; i < role.in.size(); ++i) {
      int e = role.in[i];
      st->get_time[base + e] = sg4::Engine::get_clock();
      comms.push_back(st->mailboxes[static_cast<std::size_t>(e)]->get_async<int>(&slots[i]));
      which.push_back(e);
    }
    while (!comms.empty()) {
      auto k = static_cast<std::size_t>(sg4::Comm::wait_any(comms));
      st->end_time[base + which[k]] = sg4::Engine::get_clock();
      st->transfer_done[base + which[k]] = 1;
      comms.erase(comms.begin() + static_cast<std::ptrdiff_t>(k));
      which.erase(which.begin() + static_cast<std::ptrdiff_t>(k));
    }
    if (role.time_ref_s > 0) {
      const sg4::SemaphorePtr& take = st->cpu_take[static_cast<std::size_t>(r)];
      if (take) take->acquire();  // a sequential device: wait for the previous role in order to have computed
      double s = sg4::Engine::get_clock();
      // exec_init + set_host: Host::exec_init ignores its host in 3.32 (simgrid.md §4).
      sg4::this_actor::exec_init(role.time_ref_s * kFlops)->set_host(st->hosts[static_cast<std::size_t>(role.device)])->wait();
      st->computes.push_back({r, f, s, sg4::Engine::get_clock()});
      if (take) st->cpu_give[static_cast<std::size_t>(r)]->release();  // sending does not hold the device
    }
    double send_start = sg4::Engine::get_clock();
    for (const auto& [lat, e] : outs) {
      if (send_start + lat > sg4::Engine::get_clock()) sg4::this_actor::sleep_until(send_start + lat);
      const Transfer& t = g.transfers[static_cast<std::size_t>(e)];
      st->put_time[base + e] = sg4::Engine::get_clock();
      comms.push_back(st->mailboxes[static_cast<std::size_t>(e)]->put_async(&payload, t.local ? 0 : static_cast<std::uint64_t>(t.bytes)));
    }
    if (!comms.empty()) sg4::Comm::wait_all(comms);
    comms.clear();
    if (r == g.sink) {
      st->frames[static_cast<std::size_t>(f)].completion_s = sg4::Engine::get_clock();
      if (!g.pipelined) st->token->release();
      if (f == frames - 1) finish(st);
    }
  }
}

void controller_actor(ScenarioState* st) {
  const Platform& p = st->job->platform;
  std::vector<DynamicsEvent> events = st->job->dynamics;
  std::stable_sort(events.begin(), events.end(),
                   [](const DynamicsEvent& a, const DynamicsEvent& b) { return a.time_s < b.time_s; });
  for (const auto& e : events) {
    sg4::this_actor::sleep_until(e.time_s);
    if (st->finished) return;
    int d = e.device.empty() ? -1 : p.index_of(e.device);
    sg4::Host* h = d >= 0 ? st->hosts[static_cast<std::size_t>(d)] : nullptr;
    switch (e.kind) {
      case DynamicsEvent::Kind::StationRate: st->air->set_host_wifi_rate(h, st->level_of_rate.at(e.value)); break;
      case DynamicsEvent::Kind::CloudBandwidth: st->wan->set_bandwidth(e.value); break;
      case DynamicsEvent::Kind::PState:
        h->set_pstate(static_cast<unsigned long>(p.devices[static_cast<std::size_t>(d)].profile.pstate_index(e.pstate)));
        break;
      case DynamicsEvent::Kind::Straggler: break;  // a speed profile set on the host when the platform was built
      case DynamicsEvent::Kind::Failure: {
        bool holds_role = false;
        for (const auto& role : st->job->graph.roles) holds_role |= role.device == d;
        if (!h->is_on()) break;
        if (holds_role) {
          // The plan cannot go on without this device: every unfinished frame fails now, and the scenario's actors
          // stop before the host goes off (a comm towards an OFF host aborts SimGrid).
          finish(st);
          for (auto& f : st->frames)
            if (f.completion_s <= 0 || f.completion_s > st->end_s) {
              f.ok = false;
              f.failure = fmt::format("device '{}' failed at {} s", e.device, e.time_s);
            }
          for (std::size_t i = 0; i < st->actors.size(); ++i)
            if (!st->role_done[i]) st->actors[i]->kill();
        }
        h->turn_off();
        if (holds_role) return;
        break;
      }
    }
  }
}

std::string wattage(const Profile& prof) {
  if (prof.pstates.empty()) return "0:0:0";
  std::string w;
  for (const auto& ps : prof.pstates)
    w += fmt::format("{}{:.17g}:{:.17g}:{:.17g}", w.empty() ? "" : ", ", ps.idle_W, ps.busy_W, ps.busy_W);
  return w;
}

sg4::Host* make_host(sg4::NetZone* zone, const std::string& name, const Device& d, const Conditions& cond, int di) {
  std::vector<double> speeds;
  for (const auto& ps : d.profile.pstates) speeds.push_back(kFlops * ps.speed);
  if (speeds.empty()) speeds.push_back(kFlops);
  sg4::Host* h = zone->create_host(name, speeds);
  // One core: the profile's time already uses all the device's threads, and two roles on a device share it.
  h->set_core_count(1);
  h->set_property("wattage_per_state", wattage(d.profile));
  h->set_property("wattage_off", "0");
  const auto& slow = cond.straggler_steps(di);
  if (slow.size() > 1) {
    std::string trace;
    for (const auto& s : slow) trace += fmt::format("{:.17g} {:.17g}\n", s.time_s, 1.0 / s.value);
    h->set_speed_profile(simgrid::kernel::profile::ProfileBuilder::from_string(name + "_straggler", trace, -1));
  }
  h->seal();
  if (!d.profile.pstates.empty()) h->set_pstate(static_cast<unsigned long>(d.pstate));
  return h;
}

void build_platform(sg4::NetZone* root, ScenarioState* st) {
  const Platform& p = st->job->platform;
  std::string pre = fmt::format("s{}_", st->index);
  auto* zone = sg4::create_full_zone(pre + "zone");
  zone->set_parent(root);
  st->hosts.assign(p.devices.size(), nullptr);
  bool any_station = false;
  std::optional<int> cloud = p.cloud_index();
  for (const auto& d : p.devices) any_station |= d.attachment == Attachment::WifiStation;

  sg4::NetZone* wifi = nullptr;
  simgrid::kernel::routing::NetPoint* ap = nullptr;
  if (any_station) {
    wifi = sg4::create_wifi_zone(pre + "wifi");
    wifi->set_parent(zone);
    // The AP is a router: a host AP would use its own rate for downlink (simgrid.md §3.5).
    ap = wifi->create_router(pre + "ap");
    wifi->set_property("access_point", pre + "ap");
    for (std::size_t i = 0; i < p.devices.size(); ++i)
      if (p.devices[i].attachment == Attachment::WifiStation)
        st->hosts[i] = make_host(wifi, pre + p.devices[i].name, p.devices[i], *st->cond, static_cast<int>(i));
    std::vector<double> levels = st->cond->rate_levels();
    for (std::size_t k = 0; k < levels.size(); ++k) st->level_of_rate[levels[k]] = static_cast<int>(k);
    st->air = wifi->create_link(pre + "air", levels)->seal();
    wifi->seal();
    for (std::size_t i = 0; i < p.devices.size(); ++i)
      if (p.devices[i].attachment == Attachment::WifiStation)
        st->air->set_host_wifi_rate(st->hosts[i], st->level_of_rate.at(p.devices[i].wifi_rate_Bps));
  }
  if (cloud) {
    auto* czone = sg4::create_full_zone(pre + "cloudzone");
    czone->set_parent(zone);
    auto ci = static_cast<std::size_t>(*cloud);
    st->hosts[ci] = make_host(czone, pre + p.devices[ci].name, p.devices[ci], *st->cond, *cloud);
    czone->seal();
    // Split duplex: uplink and downlink do not share (a SHARED link is half-duplex, simgrid.md §3.8). Latency 0:
    // the sender sleeps it, so max-min shares stay equal (§2.1).
    auto* wan = zone->create_split_duplex_link(pre + "wan", p.network.cloud_bandwidth_Bps)->set_latency(0)->seal();
    st->wan = wan;
    if (wifi)
      zone->add_route(wifi->get_netpoint(), czone->get_netpoint(), ap, st->hosts[ci]->get_netpoint(),
                      {sg4::LinkInRoute(wan, sg4::LinkInRoute::Direction::UP)}, true);
  }
  zone->create_host(pre + "controller", kFlops)->seal();
  zone->seal();
}

bool g_engine_used = false;

std::vector<RunResult> run_supported(const std::vector<const SimJob*>& jobs) {
  if (g_engine_used)
    throw std::logic_error("simgrid_run_jobs: one SimGrid Engine per process; use the fork runner");
  g_engine_used = true;
  // Silence SimGrid's own logging (simgrid.md §6); the exact-timing recipe (§2) before the first zone.
  silence_simgrid_logs();
  sg4::Engine engine("edgesplit");
  configure_exact_network();
  sg_host_energy_plugin_init();

  auto* root = sg4::create_full_zone("root");
  std::vector<std::unique_ptr<ScenarioState>> states;
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    auto st = std::make_unique<ScenarioState>();
    st->job = jobs[k];
    st->index = static_cast<int>(k);
    st->cond = std::make_unique<Conditions>(jobs[k]->platform, jobs[k]->dynamics);
    st->arrivals = arrival_times(jobs[k]->workload, jobs[k]->seed);
    build_platform(root, st.get());
    states.push_back(std::move(st));
  }
  root->seal();

  for (auto& up : states) {
    ScenarioState* st = up.get();
    const TaskGraph& g = st->job->graph;
    std::size_t nf = st->arrivals.size(), nt = g.transfers.size();
    st->frames.resize(nf);
    for (std::size_t f = 0; f < nf; ++f) {
      st->frames[f].frame = static_cast<int>(f);
      st->frames[f].arrival_s = st->arrivals[f];
    }
    st->put_time.assign(nf * nt, 0.0);
    st->get_time.assign(nf * nt, 0.0);
    st->end_time.assign(nf * nt, 0.0);
    st->transfer_done.assign(nf * nt, 0);
    st->role_done.assign(g.roles.size(), 0);
    st->token = sg4::Semaphore::create(0);
    st->cpu_take.assign(g.roles.size(), nullptr);
    st->cpu_give.assign(g.roles.size(), nullptr);
    if (g.sequential_devices) {
      std::map<int, std::vector<std::size_t>> by_device;  // compute roles per device, in index order
      for (std::size_t r = 0; r < g.roles.size(); ++r)
        if (g.roles[r].time_ref_s > 0) by_device[g.roles[r].device].push_back(r);
      for (const auto& [device, roles] : by_device) {
        std::vector<sg4::SemaphorePtr> ring;
        for (std::size_t i = 0; i < roles.size(); ++i) ring.push_back(sg4::Semaphore::create(i == 0 ? 1 : 0));
        for (std::size_t i = 0; i < roles.size(); ++i) {
          st->cpu_take[roles[i]] = ring[i];
          st->cpu_give[roles[i]] = ring[(i + 1) % roles.size()];
        }
      }
    }
    for (std::size_t e = 0; e < nt; ++e)
      st->mailboxes.push_back(sg4::Mailbox::by_name(fmt::format("s{}_t{}", st->index, e)));
    if (nf == 0) {
      st->finished = true;
      continue;
    }
    for (std::size_t r = 0; r < g.roles.size(); ++r) {
      sg4::Host* h = st->hosts[static_cast<std::size_t>(g.roles[r].device)];
      st->actors.push_back(sg4::Actor::create(fmt::format("s{}_{}", st->index, g.roles[r].name), h,
                                              [st, r] { role_actor(st, static_cast<int>(r)); }));
    }
    if (!st->job->dynamics.empty()) {
      auto ctl = sg4::Actor::create(fmt::format("s{}_controller", st->index),
                                    sg4::Host::by_name(fmt::format("s{}_controller", st->index)),
                                    [st] { controller_actor(st); });
      ctl->daemonize();
    }
  }
  engine.run();

  std::vector<RunResult> results;
  for (auto& up : states) {
    ScenarioState* st = up.get();
    const TaskGraph& g = st->job->graph;
    std::size_t nt = g.transfers.size();
    ExecutionRecords rec;
    rec.frames = st->frames;
    rec.computes = st->computes;
    for (std::size_t f = 0; f < st->frames.size(); ++f)
      for (std::size_t e = 0; e < nt; ++e)
        if (st->transfer_done[f * nt + e])
          rec.transfers.push_back({static_cast<int>(e), static_cast<int>(f),
                                   std::max(st->put_time[f * nt + e], st->get_time[f * nt + e]),
                                   st->end_time[f * nt + e]});
    rec.end_s = st->end_s;
    if (!st->energy_J.empty()) rec.host_energy_J = st->energy_J;
    RunResult r = assemble_result(*st->job, *st->cond, std::move(rec), "simgrid");
    if (!st->finished) {
      r.status = "error";
      r.error = "simulation ended before every frame completed (deadlock in the task graph)";
    }
    r.provenance["latency"] = r.provenance["period"] = "simulated (SimGrid 3.32, CM02 exact recipe, shared Wi-Fi air)";
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace

std::vector<RunResult> simgrid_run_jobs(const std::vector<const SimJob*>& jobs) {
  // Replicated plans and re-planning at dynamics events are the analytic executor's for now: one SimGrid actor set
  // per task graph is fixed when the Engine starts.
  std::vector<const SimJob*> supported;
  std::vector<RunResult> results(jobs.size());
  std::vector<std::size_t> where;
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    const SimJob& j = *jobs[k];
    if (needs_analytic(j)) {
      results[k].scenario = j.name;
      results[k].key = j.key;
      results[k].executor = "simgrid";
      results[k].status = "error";
      results[k].error = j.replicas ? "a replicated plan runs on the analytic executor only (--executor analytic)"
                                    : "re-planning at dynamics events runs on the analytic executor only (--executor analytic)";
      continue;
    }
    supported.push_back(jobs[k]);
    where.push_back(k);
  }
  if (supported.empty()) return results;
  std::vector<RunResult> ran = run_supported(supported);
  for (std::size_t i = 0; i < ran.size(); ++i) results[where[i]] = std::move(ran[i]);
  return results;
}

}  // namespace edgesplit
