// The emulator (see emulation.hpp): compile a TaskGraph into worker roles, launch, run frames, compare.
#include "runtime/emulation.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <cmath>
#include <optional>
#include <random>
#include <thread>
#include <set>

#include "kernels/kernel.hpp"
#include "kernels/partition.hpp"
#include "runtime/cells.hpp"
#include "runtime/coordinator.hpp"
#include "runtime/kernel_compute.hpp"
#include "runtime/netns.hpp"
#include "runtime/shared_clock.hpp"
#include "sim/exec/fork_runner.hpp"
#include "sim/exec/job.hpp"

namespace edgesplit::runtime {
namespace {

using nlohmann::json;

json region_json(const Region& r) { return json::array({r.r0, r.r1, r.c0, r.c1}); }

// The rate (bytes/s) the simulator charges a lone transfer from device a to device b.
double alone_rate(const Conditions& cond, int a, int b) {
  const double probe = 1e6;
  const double t = cond.transfer_end(a, b, 0, probe) - cond.transfer_end(a, b, 0, 0);
  return t > 0 ? probe / t : 0.0;
}

// 1, 2, 3, 4, 5, 6, 8 x 10^k: the smallest at or above x.
double round_up_nice(double x) {
  if (x <= 1) return 1;
  const double decade = std::pow(10.0, std::floor(std::log10(x)));
  for (double m : {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0})
    if (m * decade >= x * (1 - 1e-12)) return m * decade;
  return 10 * decade;
}

// Automatic time dilation (EmulationOptions::dilation = 0): the smallest nice K at which the tasks' expected overrun,
// Σ max(0, h real_i / K - predicted_i) (emulated seconds), is at most 1 % of the busiest device's predicted compute per
// frame, and never above the K at which no task overruns at all (h x the largest ratio). real_i is measured in-process,
// one task at a time; in the run the workers compute at once on this host's cores, so h = 2 x max(1, computing
// workers / cores). A task that does overrun is measured, not paced: 1 % of the bottleneck bounds that error, where the
// largest ratio alone let a few microsecond-sized tasks (a V100's, a Jetson's) set K in the hundreds and runs took
// hours. Measured on the 4-worker even split of MobileNet-V1 0.25 (2 cores): h = 2 chose K = 1 and ran +6.6 % / +13.7 %
// (float32 / 8-bit, pace) against SimGrid.
double auto_dilation(const CompiledEmulation& ce, const std::map<int, double>& took, double largest_ratio) {
  std::map<int, double> busy;
  for (const auto& [w, role] : ce.roles)
    for (const auto& t : role.tasks)
      if (t.predicted_s > 0) busy[w] += t.predicted_s;
  double bottleneck = 0;
  for (const auto& [w, b] : busy) bottleneck = std::max(bottleneck, b);
  const double cores = std::max(1u, std::thread::hardware_concurrency());
  const double h = 2 * std::max(1.0, static_cast<double>(busy.size()) / cores);
  const double k_max = round_up_nice(h * largest_ratio);
  for (double k = 1; k < k_max; k = round_up_nice(k * (1 + 1e-9))) {
    double over = 0;
    for (const auto& [w, role] : ce.roles)
      for (const auto& t : role.tasks)
        if (t.predicted_s > 0) over += std::max(0.0, h * took.at(t.id) / k - t.predicted_s);
    if (over <= 0.01 * bottleneck) return k;
  }
  return k_max;
}

std::atomic<int> clock_counter{0};

constexpr std::uint16_t kDataPort = 7000;  // workers listen here in netns mode (one port space per namespace)

std::string random_token() {
  std::random_device rd;
  return fmt::format("{:08x}{:08x}{:08x}{:08x}", rd(), rd(), rd(), rd());
}

}  // namespace

std::string net_mode_name(NetMode m) { return m == NetMode::netns ? "netns" : "pace"; }

double RouteModel::alone_Bps() const {
  const double s = std::max(air_s_per_byte, wan_s_per_byte);
  return s > 0 ? 1.0 / s : 0.0;
}

RouteModel route_model(const Platform& platform, int a, int b) {
  const Conditions cond(platform, {});
  RouteModel m;
  m.latency_s = cond.latency_s(a, b);
  for (int d : {a, b}) {
    const Device& dev = platform.devices[static_cast<std::size_t>(d)];
    if (dev.attachment == Attachment::WifiStation) m.air_s_per_byte += 1.0 / dev.wifi_rate_Bps;
  }
  const auto cloud = platform.cloud_index();
  if (cloud && (a == *cloud || b == *cloud)) {
    m.wan_s_per_byte = 1.0 / platform.network.cloud_bandwidth_Bps;
    m.wan = b == *cloud ? SharedClocks::wan_up : SharedClocks::wan_down;
  }
  // The same alone rate as the executors charge (Conditions::transfer_end), or the emulator would model another thing.
  const double want = alone_rate(cond, a, b);
  if (std::abs(m.alone_Bps() - want) > 1e-9 * want)
    throw std::logic_error(fmt::format("route {} -> {}: emulator rate {} B/s, executors {} B/s", a, b, m.alone_Bps(), want));
  return m;
}

CompiledEmulation compile_emulation(const Plan& plan, const Model& model, const Platform& platform,
                                    const TaskGraph& graph, const json& setup, PaceMode mode) {
  CompiledEmulation ce;
  const Conditions cond(platform, {});
  // Roles in build_task_graph's order: source, per stage [relay], pieces, then sink.
  struct RoleInfo {
    int device = 0;
    TaskSpec task;
    std::vector<int> out_bits;
  };
  std::vector<RoleInfo> roles;
  auto add_role = [&](const std::string& device, const std::string& name) {
    const int idx = static_cast<int>(roles.size());
    if (idx >= static_cast<int>(graph.roles.size()) || graph.roles[static_cast<std::size_t>(idx)].name != name)
      throw std::logic_error(fmt::format("emulator role {} ('{}') does not match the TaskGraph's", idx, name));
    RoleInfo r;
    r.device = platform.index_of(device);
    r.task.id = idx;
    r.task.kind = "regions";
    r.task.params = {{"in_layers", json::array()}, {"out_cells", json::array()}, {"out_bits", json::array()}};
    const Role& g = graph.roles[static_cast<std::size_t>(idx)];
    r.task.predicted_s = g.time_ref_s > 0 ? cond.compute_end(r.device, 0, g.time_ref_s) : 0;
    roles.push_back(std::move(r));
    return idx;
  };
  int next_slot = 2;
  std::map<std::pair<int, int>, std::int64_t> elements_bits;  // (src dev, dst dev) -> Σ elements·bits
  auto emit = [&](int from, int to, int layer, const std::vector<Region>& cells, int bits) {
    const int ch = model.layers[static_cast<std::size_t>(layer)].out.c;
    for (const Region& c : cells) {
      if (c.empty()) continue;
      const int slot = next_slot++;
      RoleInfo& f = roles[static_cast<std::size_t>(from)];
      RoleInfo& t = roles[static_cast<std::size_t>(to)];
      f.task.outputs.push_back({slot, {t.device}});
      json cell = json::array({layer, c.r0, c.r1, c.c0, c.c1});
      f.task.params["out_cells"].push_back(cell);
      f.task.params["out_bits"].push_back(bits);
      t.task.inputs.push_back(slot);
      t.task.sources.push_back(f.device);
      t.task.params["in_layers"].push_back(layer);
      if (f.device != t.device) {
        elements_bits[{f.device, t.device}] += c.area() * ch * bits;
        ++ce.messages[{f.device, t.device}];
        ++ce.messages_per_frame;
      }
    }
  };

  std::vector<int> layer_stage(static_cast<std::size_t>(model.size()), -1);
  for (std::size_t s = 0; s < plan.stages.size(); ++s)
    for (int l = plan.stages[s].first_layer; l <= plan.stages[s].last_layer; ++l) layer_stage[static_cast<std::size_t>(l)] = static_cast<int>(s);

  const int source = add_role(plan.source, fmt::format("source@{}", plan.source));
  roles[0].task.inputs.push_back(CompiledEmulation::kInputSlot);
  roles[0].task.sources.push_back(kCoordinator);
  roles[0].task.params["in_layers"].push_back(0);
  ce.input_worker = roles[0].device;
  ce.source_task = source;

  std::vector<std::vector<std::map<int, Region>>> need(plan.stages.size());
  std::vector<std::vector<int>> piece_role(plan.stages.size());
  auto providers = [&](int p, std::vector<int>& who, std::vector<Region>& regs) {
    who.clear();
    regs.clear();
    if (p == 0) {
      who.push_back(source);
      regs.push_back(full_region(model.layers[0].out));
      return;
    }
    const auto s = static_cast<std::size_t>(layer_stage[static_cast<std::size_t>(p)]);
    for (std::size_t k = 0; k < plan.stages[s].pieces.size(); ++k) {
      auto it = need[s][k].find(p);
      who.push_back(piece_role[s][k]);
      regs.push_back(it == need[s][k].end() ? Region{} : it->second);
    }
  };
  std::vector<int> who;
  std::vector<Region> regs;
  for (std::size_t s = 0; s < plan.stages.size(); ++s) {
    const Stage& st = plan.stages[s];
    int relay = -1;
    if (st.input_route == Route::ViaHost) relay = add_role(st.host, fmt::format("s{}.relay@{}", s, st.host));
    for (std::size_t k = 0; k < st.pieces.size(); ++k) {
      const Piece& pc = st.pieces[k];
      const int r = add_role(pc.device, fmt::format("s{}.p{}@{}", s, k, pc.device));
      piece_role[s].push_back(r);
      need[s].push_back(back_propagate(model, st.first_layer, st.last_layer, pc.region));
      roles[static_cast<std::size_t>(r)].task.params["run"] = {
          {"first", st.first_layer}, {"last", st.last_layer}, {"out", region_json(pc.region)}};
    }
    std::map<int, Region> union_need;
    for (std::size_t k = 0; k < st.pieces.size(); ++k)
      for (const auto& [p, reg] : need[s][k])
        if (p < st.first_layer) union_need[p] = bounding_union(union_need[p], reg);
    for (const auto& [p, uni] : union_need) {
      providers(p, who, regs);
      if (st.input_route == Route::Direct) {
        for (std::size_t k = 0; k < st.pieces.size(); ++k) {
          auto it = need[s][k].find(p);
          if (it == need[s][k].end()) continue;
          const auto cells = assign_cell_regions(it->second, regs);
          for (std::size_t j = 0; j < who.size(); ++j) emit(who[j], piece_role[s][k], p, cells[j], st.input_bits);
        }
      } else {
        const auto cells = assign_cell_regions(uni, regs);
        for (std::size_t j = 0; j < who.size(); ++j) emit(who[j], relay, p, cells[j], st.input_bits);
        for (std::size_t k = 0; k < st.pieces.size(); ++k) {
          auto it = need[s][k].find(p);
          if (it != need[s][k].end()) emit(relay, piece_role[s][k], p, {it->second}, st.input_bits);
        }
      }
    }
  }
  const int sink = add_role(plan.sink, fmt::format("sink@{}", plan.sink));
  const int out_layer = model.size() - 1;
  providers(out_layer, who, regs);
  const Region whole = full_region(model.layers.back().out);
  const auto cells = assign_cell_regions(whole, regs);
  for (std::size_t j = 0; j < who.size(); ++j) emit(who[j], sink, out_layer, cells[j], plan.output_bits);
  RoleInfo& sk = roles[static_cast<std::size_t>(sink)];
  ce.sink_worker = sk.device;
  ce.sink_task = sink;
  if (!plan.pipelined) {
    // Closed loop, one frame at a time: the source's next frame starts when the sink has this one.
    roles[0].task.gates.push_back(CompiledEmulation::kGateSlot);
    sk.task.opens.push_back({CompiledEmulation::kGateSlot, {roles[0].device}});
  }
  sk.task.outputs.push_back({CompiledEmulation::kOutputSlot, {kCoordinator}});
  sk.task.params["out_cells"].push_back(json::array({out_layer, whole.r0, whole.r1, whole.c0, whole.c1}));
  sk.task.params["out_bits"].push_back(32);
  if (roles.size() != graph.roles.size())
    throw std::logic_error(fmt::format("emulator has {} roles, the TaskGraph {}", roles.size(), graph.roles.size()));

  for (auto& r : roles) {
    auto [it, fresh] = ce.roles.try_emplace(r.device);
    RoleSpec& spec = it->second;
    if (fresh) {
      spec.worker = r.device;
      spec.mode = mode;
      spec.setup = setup;
      spec.pipelined = plan.pipelined;
    }
    // Plan::sequential_devices: the device's compute roles take turns in role-index order, as the SimGrid executor's
    // semaphore ring (roles with time_ref_s > 0).
    if (plan.sequential_devices && graph.roles[static_cast<std::size_t>(r.task.id)].time_ref_s > 0)
      spec.sequential.push_back(r.task.id);
    spec.tasks.push_back(std::move(r.task));
  }
  for (const auto& [k, eb] : elements_bits) ce.payload_bytes[k] = (eb + 7) / 8;
  for (const auto& t : graph.transfers)
    if (!t.local) ce.graph_bytes[{t.src_device, t.dst_device}] += t.bytes;
  return ce;
}

Replay replay_tasks(const CompiledEmulation& ce, const Tensor& input, bool wire, int repeats) {
  const ComputeRegistry computes = kernel_computes();
  std::vector<std::pair<const TaskSpec*, const RoleSpec*>> order;
  for (const auto& [w, role] : ce.roles)
    for (const auto& t : role.tasks) order.push_back({&t, &role});
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first->id < b.first->id; });
  Replay r;
  for (int rep = 0; rep < std::max(1, repeats); ++rep) {
    // One frame's tensors by (slot, receiving worker), as the workers would hold them.
    std::map<std::pair<int, int>, Tensor> box;
    box[{CompiledEmulation::kInputSlot, ce.input_worker}] = input;
    for (const auto& [task, role] : order) {
      std::vector<const Tensor*> in;
      for (int slot : task->inputs) in.push_back(&box.at({slot, role->worker}));
      const double t0 = monotonic_s();
      std::vector<Tensor> outs = computes.at(task->kind)(*task, in, role->setup);
      r.took[task->id] = monotonic_s() - t0;
      for (std::size_t k = 0; k < outs.size(); ++k) {
        outs[k].slot = task->outputs[k].slot;
        for (int dest : task->outputs[k].to) {
          const bool crosses = dest != role->worker;
          box[{outs[k].slot, dest}] = crosses && wire ? decode_tensor(encode_tensor(outs[k])) : outs[k];
        }
      }
    }
    r.output = box.at({CompiledEmulation::kOutputSlot, kCoordinator});
  }
  return r;
}

bool has_quantised_transfer(const CompiledEmulation& ce) {
  for (const auto& [w, role] : ce.roles)
    for (const auto& t : role.tasks) {
      const auto bits = t.params.value("out_bits", std::vector<int>{});
      for (std::size_t k = 0; k < bits.size() && k < t.outputs.size(); ++k)
        if (bits[k] <= 8)
          for (int dest : t.outputs[k].to)
            if (dest != role.worker) return true;
    }
  return false;
}

EmulationReport emulate(const Scenario& sc, const Plan& plan, const EmulationOptions& o) {
  auto log = [&](const std::string& s) {
    if (o.log) o.log(s);
  };
  EmulationReport rep;
  const Model& model = sc.model;
  const Platform& platform = sc.platform;
  const int frames = o.frames > 0 ? o.frames : std::max(1, sc.workload.frames);
  const TaskGraph graph = build_task_graph(plan, model, platform);
  json setup = {{"weights_seed", o.weights_seed}, {"threads", 1}};
  setup["backend"] = o.backend.empty() ? kernels::backend_names().front() : o.backend;
  if (!sc.model_ref.file.empty())
    setup["model"] = {{"file", sc.model_ref.file}};
  else
    setup["model"] = {{"zoo", sc.model_ref.zoo_name.empty() ? model.name : sc.model_ref.zoo_name}};
  if (setup_model(setup).layers.size() != model.layers.size())
    throw std::runtime_error("the workers' model (from the scenario's model reference) differs from the scenario's");
  CompiledEmulation ce = compile_emulation(plan, model, platform, graph, setup, o.mode);
  for (const auto& [k, b] : ce.payload_bytes)
    if (ce.graph_bytes[k] != b)
      rep.notes.push_back(fmt::format("link {} -> {}: emulator payload {} B/frame, TaskGraph {} B/frame (bits per "
                                      "element other than 8 or 32 travel as 32)",
                                      platform.devices[k.first].name, platform.devices[k.second].name, b,
                                      ce.graph_bytes[k]));

  // The frame and the monolithic reference (same weights: layer i from seed + i).
  const kernels::Tensor input = kernels::random_tensor(model.layers[0].out, o.weights_seed ^ 0x5eed);
  Tensor in;
  in.slot = CompiledEmulation::kInputSlot;
  in.c = input.shape.c;
  in.h = in.full_h = input.shape.h;
  in.w = in.full_w = input.shape.w;
  in.values = input.data;

  // Time dilation: how much slower than real time the emulated world runs (see EmulationOptions::dilation).
  double K = 1;
  std::optional<Replay> wire_replay;  // paced mode: the measuring replay, kept for the int8 output check
  if (o.mode == PaceMode::paced) {
    wire_replay = replay_tasks(ce, in, true, 2);  // the second of two runs timed
    const auto& took = wire_replay->took;
    for (const auto& [w, role] : ce.roles)
      for (const auto& t : role.tasks)
        if (t.predicted_s > 0) rep.compute_ratio = std::max(rep.compute_ratio, took.at(t.id) / t.predicted_s);
    K = o.dilation > 0 ? o.dilation : auto_dilation(ce, took, rep.compute_ratio);
    if (o.dilation > 0 && rep.compute_ratio > K)
      rep.notes.push_back(fmt::format("dilation {} is below the largest real-compute / predicted ratio measured "
                                      "here ({:.3g}): such tasks overrun their predicted time",
                                      K, rep.compute_ratio));
  }
  rep.dilation = K;
  for (auto& [dev, role] : ce.roles)
    for (auto& t : role.tasks) t.predicted_s *= K;

  // Network: netns when we can, else sender pacing. Both charge every route as route_model() says, dilated.
  std::optional<NetnsTopology> topo;
  std::optional<SharedClocks> clocks;
  std::map<int, int> station_of;  // device -> station index in the topology
  rep.net_used = net_mode_name(o.net);
  if (o.net == NetMode::netns) {
    const Capability cap = probe_netns();
    if (!cap.ok) {
      rep.net_used = "pace (netns unavailable: " + cap.reason + ")";
    } else {
      TopologyOptions to;
      for (const auto& [dev, role] : ce.roles) {
        station_of[dev] = static_cast<int>(to.stations.size());
        to.stations.push_back({});
      }
      to.air.data_port = kDataPort;
      for (const auto& [a, ra] : ce.roles)
        for (const auto& [b, rb] : ce.roles)
          if (a != b) {
            const RouteModel m = route_model(platform, a, b);
            if (m.air_s_per_byte > 0) to.air.flows.push_back({station_of[a], station_of[b], m.air_s_per_byte * K});
          }
      if (const auto cloud = platform.cloud_index(); cloud && ce.roles.count(*cloud)) {
        to.air.wired_station = station_of[*cloud];
        to.air.wired_bps = platform.network.cloud_bandwidth_Bps * 8 / K;
      }
      topo.emplace(to);
    }
  }
  const bool netns = topo.has_value();
  if (!netns) {
    const std::string dir = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
    clocks.emplace(SharedClocks::create(fmt::format("{}/edgesplit-clocks-{}-{}", dir, ::getpid(), clock_counter++)));
  }
  for (auto& [dev, role] : ce.roles) {
    if (clocks) role.clocks = clocks->path();
    for (const auto& [other, r2] : ce.roles)
      if (other != dev) {
        const RouteModel m = route_model(platform, dev, other);
        LinkSpec l;
        l.latency_s = m.latency_s * K;
        if (!netns) {
          l.air_s_per_byte = m.air_s_per_byte * K;
          l.wan = m.wan;
          l.wan_s_per_byte = m.wan_s_per_byte * K;
        }
        role.links[other] = l;
      }
  }

  CoordinatorOptions co;
  co.binary = o.binary;
  co.token = random_token();
  if (netns) co.netns = topo->station_netns(station_of.at(ce.input_worker));  // the coordinator is the requester app
  Coordinator coord(co);
  for (const auto& [dev, role] : ce.roles) {
    WorkerLaunch w;
    w.id = dev;
    if (netns) {
      w.netns = topo->station_netns(station_of.at(dev));
      w.listen_host = NetnsTopology::station_address(station_of.at(dev));
      w.listen_port = kDataPort;
    }
    coord.launch(w);
  }
  rep.workers = static_cast<int>(ce.roles.size());
  for (auto& [dev, role] : ce.roles)
    for (const auto& [other, r2] : ce.roles)
      if (other != dev) role.peers[other] = coord.endpoint(other);
  for (const auto& [dev, role] : ce.roles) coord.assign(role);
  log(fmt::format("emulate: {} workers, {} messages per frame, net {}, mode {}, dilation {}", ce.roles.size(),
                  ce.messages_per_frame, rep.net_used, pace_mode_name(o.mode), K));

  std::size_t reporters = 0;
  for (const auto& [dev, role] : ce.roles)
    if (!role.tasks.empty()) ++reporters;
  RunResult& m = rep.measured;
  m.scenario = sc.name;
  m.key = sc.key;
  m.executor = "emulator";
  m.frames_requested = frames;
  const double timeout = o.frame_timeout_s * K;
  std::vector<Tensor> results;
  std::map<std::uint32_t, std::vector<FrameReport>> reports;
  auto send_input = [&](std::uint32_t f) {
    in.frame = f;
    coord.send(ce.input_worker, in);
  };
  // Frame 0 is a warm-up, not counted: the workers build their weights and kernels on first use (VGG-16's fc6 alone
  // is 411 MB of weights to generate). Closed loop: every input is with the source's worker before frame 0 starts,
  // and the sink of each frame opens the source's next (the SimGrid executor's token); the coordinator only opens
  // frame 0. Pipelined: the frames start as their inputs arrive, after the warm-up, and then go as fast as their
  // transfers' rendezvous let them (the SimGrid executor's closed, pipelined source).
  coord.begin_frame(0);
  if (!plan.pipelined) {
    for (int f = 0; f <= frames; ++f) send_input(static_cast<std::uint32_t>(f));
    Tensor g;
    g.frame = 0;
    g.slot = CompiledEmulation::kGateSlot;
    g.c = g.h = g.w = g.full_h = g.full_w = 1;
    g.values = {0.f};
    coord.send(ce.input_worker, g);
  } else {
    send_input(0);
  }
  for (int f = 0; f <= frames; ++f) {
    const auto fu = static_cast<std::uint32_t>(f);
    coord.begin_frame(f);
    auto got = coord.collect(fu, 1, f == 0 ? reporters : 0, timeout);
    results.push_back(std::move(got.outputs.at(0)));
    for (auto& r : got.reports) reports[fu].push_back(std::move(r));
    if (f == 0 && plan.pipelined)
      for (int g = 1; g <= frames; ++g) send_input(static_cast<std::uint32_t>(g));
  }
  for (int f = 1; f <= frames; ++f) {
    const auto fu = static_cast<std::uint32_t>(f);
    coord.begin_frame(f);
    const std::size_t have = reports[fu].size();
    if (have < reporters)
      for (auto& r : coord.collect(fu, 0, reporters - have, timeout).reports) reports[fu].push_back(std::move(r));
  }
  coord.shutdown();

  // Frames from the workers' own timestamps (one CLOCK_MONOTONIC for all): a frame starts when the source task
  // begins it and ends when the sink task has the result, as in the SimGrid executor; emulated time = real / K.
  auto task_record = [&](std::uint32_t f, int worker, int task) -> const TaskRecord& {
    for (const auto& r : reports.at(f))
      if (r.worker == worker)
        for (const auto& t : r.tasks)
          if (t.task == task) return t;
    throw std::runtime_error(fmt::format("frame {}: no record of task {} from worker {}", f, task, worker));
  };
  const double t0 = task_record(1, ce.input_worker, ce.source_task).ready_s;
  std::map<int, std::vector<std::pair<double, double>>> busy_spans;
  std::map<std::pair<int, int>, std::int64_t> wire;
  std::vector<double> frame_kernel_s(static_cast<std::size_t>(frames), 0.0);  // kernels + their copies, real s
  for (int f = 1; f <= frames; ++f) {
    const auto fu = static_cast<std::uint32_t>(f);
    FrameRecord fr;
    fr.frame = f - 1;
    fr.arrival_s = fr.start_s = (task_record(fu, ce.input_worker, ce.source_task).ready_s - t0) / K;
    fr.completion_s = (task_record(fu, ce.sink_worker, ce.sink_task).end_s - t0) / K;
    m.frames.push_back(fr);
    for (const auto& r : reports.at(fu)) {
      for (const auto& t : r.tasks) {
        const auto& role = ce.roles.at(r.worker);
        const auto spec = std::find_if(role.tasks.begin(), role.tasks.end(), [&](const TaskSpec& x) { return x.id == t.task; });
        rep.kernel_s_per_frame += t.kernel_s / frames;
        rep.kernel_io_s_per_frame += t.kernel_io_s / frames;
        frame_kernel_s[static_cast<std::size_t>(f - 1)] += t.kernel_s + t.kernel_io_s;
        rep.compute_s_per_frame += (t.compute_end_s - t.start_s) / frames;
        if (spec != role.tasks.end() && spec->predicted_s > 0) {
          busy_spans[r.worker].push_back({(t.start_s - t0) / K, (t.end_s - t0) / K});
          ++rep.tasks_run;
          rep.overruns += t.overrun ? 1 : 0;
        }
        if (o.trace)
          m.trace.push_back({platform.devices[static_cast<std::size_t>(r.worker)].name,
                             graph.roles[static_cast<std::size_t>(t.task)].name, "compute", f - 1, (t.start_s - t0) / K,
                             (t.end_s - t0) / K, 0});
      }
      for (const auto& [to, b] : r.bytes_to)
        if (to != kCoordinator && to != r.worker) wire[{r.worker, to}] += static_cast<std::int64_t>(b);
    }
    log(fmt::format("emulate: frame {} done in {:.4f} s (emulated)", f - 1, fr.latency_s()));
  }
  if (o.mode == PaceMode::paced && rep.overruns > 0)
    rep.notes.push_back(fmt::format("{} of {} tasks overran their predicted time (dilated x{}): this host's real "
                                    "compute was slower than the device's prediction, so those spans are measured, "
                                    "not paced",
                                    rep.overruns, rep.tasks_run, K));
  if (K != 1)
    rep.notes.push_back(fmt::format("time dilation x{}: the emulated world ran {} times slower than real time (largest "
                                    "real compute / predicted ratio measured here: {:.3g}); every figure is in "
                                    "emulated seconds",
                                    K, K, rep.compute_ratio));

  summarise_frames(m);
  rep.latency_p50_real_s = m.latency_p50_s * K;
  {
    std::vector<double> share;  // per frame: 1 - (kernels + their copies) / frame latency, both real time
    for (std::size_t f = 0; f < m.frames.size() && f < frame_kernel_s.size(); ++f)
      if (m.frames[f].latency_s() > 0) share.push_back(1 - frame_kernel_s[f] / (m.frames[f].latency_s() * K));
    rep.framework_share_p50 = percentile(std::move(share), 0.5);
  }
  m.makespan_s = m.frames.empty() ? 0 : m.frames.back().completion_s;
  for (const auto& [dev, role] : ce.roles) {
    DeviceMetrics d;
    d.device = platform.devices[static_cast<std::size_t>(dev)].name;
    // Merged like the simulator's (two tasks of one device computing at once count once).
    auto& b = busy_spans[dev];
    std::sort(b.begin(), b.end());
    double end = -1e300;
    for (const auto& [s, e] : b) {
      if (s > end) {
        d.busy_s += e - s;
        end = e;
      } else if (e > end) {
        d.busy_s += e - end;
        end = e;
      }
    }
    d.utilisation = m.makespan_s > 0 ? d.busy_s / m.makespan_s : 0;
    for (const auto& [k, b2] : wire) {
      if (k.first == dev) d.bytes_sent += b2;
      if (k.second == dev) d.bytes_received += b2;
    }
    m.devices.push_back(d);
  }
  const Conditions cond(platform, {});
  for (const auto& [k, b] : wire) m.bytes_on_air += b * cond.air_crossings(k.first, k.second);
  m.accuracy_top1 = model.facts.top1;
  m.deadline_s = sc.constraints.deadline_s;
  const std::string how = fmt::format(
      "measured (emulator: {} worker processes, real TCP, net {}, {} mode{}, kernels {})", ce.roles.size(),
      rep.net_used, pace_mode_name(o.mode), K != 1 ? fmt::format(", time dilation x{}", K) : std::string(),
      setup["backend"].get<std::string>());
  m.provenance = {{"latency", how},
                  {"busy", o.mode == PaceMode::paced ? "measured task spans, each paced to its predicted time (simulated compute)"
                                                     : "measured task spans (real compute on this host)"},
                  {"bytes", "measured wire bytes (message and tensor headers included)"},
                  {"energy", "not measured by the emulator"}};

  // Correctness: every frame's result against the monolithic run (float32 transfers), or against the in-process
  // replay with the same int8 transfers, the float32 replay then checked against the monolithic run (EmulationReport).
  auto backend = kernels::make_backend(setup["backend"].get<std::string>(), 1);
  const auto weights = kernels::make_model_weights(model, o.weights_seed);
  const kernels::Tensor mono = kernels::run_model(*backend, model, weights, input).back();
  auto max_diff = [](const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) throw std::runtime_error("result has the wrong size");
    double d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, static_cast<double>(std::fabs(a[i] - b[i])));
    return d;
  };
  rep.output_checked = true;
  rep.monolithic_max_abs = kernels::max_abs(mono);
  rep.quantised = has_quantised_transfer(ce);
  std::vector<float> ref = mono.data;
  bool partition_ok = true;
  if (rep.quantised) {
    const Replay q = wire_replay ? std::move(*wire_replay) : replay_tasks(ce, in, true);
    const Replay f = replay_tasks(ce, in, false);
    rep.partition_error = max_diff(f.output.values, mono.data);
    rep.quantisation_error = max_diff(q.output.values, mono.data);
    partition_ok = rep.partition_error <= 1e-5 * rep.monolithic_max_abs;
    ref = q.output.values;
  }
  rep.max_abs_output = 0;
  for (float v : ref) rep.max_abs_output = std::max(rep.max_abs_output, static_cast<double>(std::fabs(v)));
  for (const Tensor& t : results) rep.max_abs_error = std::max(rep.max_abs_error, max_diff(t.values, ref));
  // Pieces computed apart must reproduce the reference within 1e-5 of its largest value (DESIGN.md).
  rep.output_ok = partition_ok && rep.max_abs_error <= 1e-5 * rep.max_abs_output;

  for (const auto& [k, b] : ce.graph_bytes) {
    LinkReport l;
    l.from = platform.devices[static_cast<std::size_t>(k.first)].name;
    l.to = platform.devices[static_cast<std::size_t>(k.second)].name;
    l.simulated_bytes = b * frames;
    l.payload_bytes = ce.payload_bytes[k] * frames;
    l.wire_bytes = wire[k];
    l.messages = static_cast<std::int64_t>(ce.messages[k]) * frames;
    rep.links.push_back(l);
  }

  if (o.simulate) {
    Scenario s2 = sc;
    s2.workload.frames = frames;
    s2.workload.arrival = Arrival::Closed;
    s2.dynamics.clear();
    s2.trace = false;
    auto res = run_simgrid_forked({make_job(s2, plan)});
    rep.simulated = res.at(0);
  } else {
    rep.simulated.status = "error";
    rep.simulated.error = "not simulated (--no-simulate)";
  }
  if (sc.workload.arrival != Arrival::Closed)
    rep.notes.push_back("the emulator runs frames closed-loop (next frame after the previous result); the "
                        "scenario's arrival process was replaced by closed for both executors");
  if (!sc.dynamics.empty()) rep.notes.push_back("dynamics are not emulated; both executors ran without them");
  return rep;
}

}  // namespace edgesplit::runtime
