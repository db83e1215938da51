// Bare SimGrid pipeline (benchmark baseline): Wi-Fi zone with a router AP, cloud behind a split-duplex link, one
// actor per role doing receive / exec / send per frame, nothing recorded but the end time.
#include "sim/exec/simgrid_raw.hpp"
#include "sim/exec/simgrid_engine.hpp"

#include <fmt/format.h>
#include <simgrid/s4u.hpp>
#include <sys/wait.h>
#include <unistd.h>
#include <xbt/log.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <algorithm>

namespace sg4 = simgrid::s4u;

namespace edgesplit {
namespace {

double raw_child(const std::vector<const SimJob*>& jobs) {
  silence_simgrid_logs();
  sg4::Engine engine("raw");
  configure_exact_network();
  auto* root = sg4::create_full_zone("root");
  std::vector<std::vector<sg4::Host*>> hosts(jobs.size());
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    const Platform& p = jobs[k]->platform;
    std::string pre = fmt::format("r{}_", k);
    auto* zone = sg4::create_full_zone(pre + "zone");
    zone->set_parent(root);
    auto* wifi = sg4::create_wifi_zone(pre + "wifi");
    wifi->set_parent(zone);
    auto* ap = wifi->create_router(pre + "ap");
    wifi->set_property("access_point", pre + "ap");
    hosts[k].resize(p.devices.size());
    std::set<double> levels;
    for (std::size_t i = 0; i < p.devices.size(); ++i)
      if (p.devices[i].attachment == Attachment::WifiStation) {
        hosts[k][i] = wifi->create_host(pre + p.devices[i].name, 1e9)->seal();
        levels.insert(p.devices[i].wifi_rate_Bps);
      }
    std::vector<double> lv(levels.begin(), levels.end());
    auto* air = wifi->create_link(pre + "air", lv)->seal();
    wifi->seal();
    for (std::size_t i = 0; i < p.devices.size(); ++i)
      if (hosts[k][i])
        air->set_host_wifi_rate(hosts[k][i], static_cast<int>(std::lower_bound(lv.begin(), lv.end(), p.devices[i].wifi_rate_Bps) - lv.begin()));
    if (auto c = p.cloud_index()) {
      auto* cz = sg4::create_full_zone(pre + "cz");
      cz->set_parent(zone);
      hosts[k][static_cast<std::size_t>(*c)] = cz->create_host(pre + "cloud", 1e9)->seal();
      cz->seal();
      auto* wan = zone->create_split_duplex_link(pre + "wan", p.network.cloud_bandwidth_Bps)->seal();
      zone->add_route(wifi->get_netpoint(), cz->get_netpoint(), ap, hosts[k][static_cast<std::size_t>(*c)]->get_netpoint(),
                      {sg4::LinkInRoute(wan, sg4::LinkInRoute::Direction::UP)}, true);
    }
    zone->seal();
  }
  root->seal();
  static int payload = 0;
  std::vector<double> end(jobs.size(), 0.0);
  std::vector<std::vector<std::vector<std::pair<double, int>>>> outs(jobs.size());
  std::vector<sg4::SemaphorePtr> tokens;
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    const TaskGraph& g = jobs[k]->graph;
    Conditions cond(jobs[k]->platform, {});
    outs[k].resize(g.roles.size());
    for (std::size_t r = 0; r < g.roles.size(); ++r) {
      for (int e : g.roles[r].out) {
        const Transfer& t = g.transfers[static_cast<std::size_t>(e)];
        outs[k][r].push_back({cond.latency_s(t.src_device, t.dst_device), e});
      }
      std::stable_sort(outs[k][r].begin(), outs[k][r].end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    tokens.push_back(sg4::Semaphore::create(0));
  }
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    const TaskGraph& g = jobs[k]->graph;
    int frames = jobs[k]->workload.frames;
    for (std::size_t r = 0; r < g.roles.size(); ++r) {
      const Role& role = g.roles[r];
      sg4::Host* h = hosts[k][static_cast<std::size_t>(role.device)];
      const auto& my_outs = outs[k][r];
      sg4::SemaphorePtr token = tokens[k];
      sg4::Actor::create(fmt::format("r{}_{}", k, r), h, [&g, &role, &my_outs, token, h, frames, k, r, &end] {
        std::vector<sg4::CommPtr> comms;
        std::vector<int*> slots(role.in.size());
        for (int f = 0; f < frames; ++f) {
          if (static_cast<int>(r) == g.source && !g.pipelined && f > 0) token->acquire();
          for (std::size_t i = 0; i < role.in.size(); ++i)
            comms.push_back(sg4::Mailbox::by_name(fmt::format("r{}_{}", k, role.in[i]))->get_async<int>(&slots[i]));
          sg4::Comm::wait_all(comms);
          comms.clear();
          if (role.time_ref_s > 0) sg4::this_actor::exec_init(role.time_ref_s * 1e9)->set_host(h)->wait();
          double send_start = sg4::Engine::get_clock();
          for (const auto& [lat, e] : my_outs) {
            if (lat > 0) sg4::this_actor::sleep_until(send_start + lat);
            const Transfer& t = g.transfers[static_cast<std::size_t>(e)];
            comms.push_back(sg4::Mailbox::by_name(fmt::format("r{}_{}", k, e))->put_async(&payload, t.local ? 0 : static_cast<std::uint64_t>(t.bytes)));
          }
          sg4::Comm::wait_all(comms);
          comms.clear();
          if (static_cast<int>(r) == g.sink) {
            end[k] = sg4::Engine::get_clock();
            if (!g.pipelined) token->release();
          }
        }
      });
    }
  }
  engine.run();
  double sum = 0;
  for (double e : end) sum += e;
  return sum;
}

}  // namespace

RawBench run_raw_simgrid_forked(const std::vector<SimJob>& jobs, int batch_size) {
  RawBench out;
  auto t0 = std::chrono::steady_clock::now();
  std::size_t bs = static_cast<std::size_t>(std::max(batch_size, 1));
  for (std::size_t i = 0; i < jobs.size(); i += bs) {
    std::vector<const SimJob*> batch;
    for (std::size_t k = i; k < std::min(i + bs, jobs.size()); ++k) batch.push_back(&jobs[k]);
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::fflush(nullptr);  // the child's SimGrid flushes stdio at exit: no copy of the parent's buffered output
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      double s = raw_child(batch);
      if (::write(fds[1], &s, sizeof s) != sizeof s) ::_exit(4);
      ::_exit(0);
    }
    ::close(fds[1]);
    double s = 0;
    if (::read(fds[0], &s, sizeof s) != sizeof s) throw std::runtime_error("raw SimGrid child failed");
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    out.makespan_sum_s += s;
  }
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace edgesplit
