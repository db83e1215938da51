// bench_planners: every planner's wall time on VGG-16 over 4 and 8 heterogeneous stations, and every planner's
// optimality gap to the exhaustive oracle on small cases. Run by scripts/bench_planners.sh; prints two tables.
// Wall times are measured on this host (steady_clock, median of repeated runs); latencies are simulated by the
// analytic executor on calibrated device profiles (platforms/devices/*.yaml).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "planners/registry.hpp"
#include "sim/common/error.hpp"
#include "sim/exec/fork_runner.hpp"
#include "sim/model/builder.hpp"
#include "sim/model/zoo.hpp"
#include "sim/plan/task_graph.hpp"
#include "sim/scenario/profile_io.hpp"

using namespace edgesplit;

namespace {

std::string devices_dir = "platforms/devices";

Device device(const std::string& name, const std::string& profile, double rate_Mbps) {
  Device d;
  d.name = name;
  d.profile_file = devices_dir + "/" + profile + ".yaml";
  d.profile = load_profile(d.profile_file);
  d.pstate = d.profile.reference_pstate;
  d.attachment = rate_Mbps > 0 ? Attachment::WifiStation : Attachment::Cloud;
  d.wifi_rate_Bps = rate_Mbps * 1e6 / 8;
  return d;
}

// Stations with the given profiles and Wi-Fi rates (the requester is the first); optionally the V100 cloud host
// behind `cloud_Mbps` (20 ms); 1 ms per Wi-Fi hop.
Platform stations(const std::vector<std::string>& profiles, const std::vector<double>& rates_Mbps, double cloud_Mbps) {
  Platform p;
  p.name = "bench";
  for (std::size_t i = 0; i < profiles.size(); ++i)
    p.devices.push_back(device(fmt::format("d{}_{}", i, profiles[i]), profiles[i], rates_Mbps[i]));
  if (cloud_Mbps > 0) {
    p.devices.push_back(device("cloud", "cloud_gpu", 0));
    p.network.cloud_bandwidth_Bps = cloud_Mbps * 1e6 / 8;
    p.network.cloud_latency_s = 0.02;
  }
  p.network.wifi_latency_s = 0.001;
  p.requester = p.devices[0].name;
  validate(p);
  return p;
}

// n stations cycling through Pi 4B / Nano / TX2 / Xavier at 50 / 100 / 200 / 300 Mbps (DistrEdge's device group DC
// with network group ND, papers.md §4.6), requester the first Pi, the cloud behind `cloud_Mbps`.
Platform mixed(int n, double cloud_Mbps) {
  const char* profiles[] = {"rpi4b", "jetson_nano", "jetson_tx2", "jetson_xavier"};
  const double rates[] = {50, 100, 200, 300};
  std::vector<std::string> pr;
  std::vector<double> r;
  for (int i = 0; i < n; ++i) pr.push_back(profiles[i % 4]), r.push_back(rates[i % 4]);
  return stations(pr, r, cloud_Mbps);
}

// A small CNN the oracle can search: 3×128×128 → conv 32 → pool → conv 64 → pool → conv 128 → fc 10 (166 M MACs).
Model small_cnn() {
  ModelBuilder b("small_cnn", Shape{3, 128, 128});
  b.conv("conv1", ConvSpec{.out = 32});
  b.maxpool("pool1", PoolSpec{.k = 2});
  b.conv("conv2", ConvSpec{.out = 64});
  b.maxpool("pool2", PoolSpec{.k = 2});
  b.conv("conv3", ConvSpec{.out = 128});
  b.fc("fc", 10);
  return b.build();
}

nlohmann::json options_for(const std::string& planner, const Model& m) {
  if (planner == "deepthings") {
    int L = 0;  // the whole spatial prefix, 2×2 tiles
    while (L + 1 < m.size() && m.layers[static_cast<std::size_t>(L + 1)].out.h > 1) ++L;
    return {{"fused_layers", L}, {"grid_rows", 2}, {"grid_cols", 2}};
  }
  return nlohmann::json::object();
}

struct Outcome {
  bool ok = false;
  std::string error;
  double latency_s = 0;
  double wall_ms = 0;
  Plan plan;
};

Outcome run(const std::string& name, const Model& m, const Platform& p, nlohmann::json opts, int repeats) {
  Outcome o;
  PlanningInput in{m, p, Objective::Latency, {}, 1, opts, analytic_evaluator(m, p)};
  std::vector<double> ms;
  try {
    Plan plan;
    for (int r = 0; r < repeats; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      plan = planner_entry(name).make()->plan(in);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    o.latency_s = evaluate(build_task_graph(plan, m, p), p).latency_s;
    o.plan = plan;
    std::sort(ms.begin(), ms.end());
    o.wall_ms = ms[ms.size() / 2];
    o.ok = true;
  } catch (const std::exception& e) {
    o.error = e.what();
  }
  return o;
}

std::vector<std::string> baseline_names() {
  std::vector<std::string> v;
  for (const auto& i : planner_infos())
    if (i.name != "oracle") v.push_back(i.name);
  return v;
}

std::string brief(std::string s) {
  auto nl = s.find('\n');
  if (nl != std::string::npos) s = s.substr(0, nl);
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) devices_dir = argv[1];
  int repeats = argc > 2 ? std::stoi(argv[2]) : 5;
  try {
    Model vgg = zoo_model("vgg16");
    fmt::print("## Planner wall time on VGG-16 (measured on this host, median of {} runs; latency simulated by the "
               "analytic executor)\n\n",
               repeats);
    fmt::print("| planner | 4 stations: wall ms | latency s | 8 stations: wall ms | latency s |\n|---|---|---|---|---|\n");
    Platform p4 = mixed(4, 100), p8 = mixed(8, 100);
    std::vector<std::string> names = baseline_names();
    names.push_back("oracle");
    for (const auto& n : names) {
      Outcome a = run(n, vgg, p4, options_for(n, vgg), n == "oracle" ? 1 : repeats);
      Outcome b = run(n, vgg, p8, options_for(n, vgg), n == "oracle" ? 1 : repeats);
      auto cell = [](const Outcome& o) {
        return o.ok ? fmt::format("{:.3f} | {:.4f}", o.wall_ms, o.latency_s) : fmt::format("refused | {}", brief(o.error));
      };
      fmt::print("| {} | {} | {} |\n", n, cell(a), cell(b));
    }

    struct Case {
      std::string name;
      Platform platform;
      nlohmann::json oracle_options;
    };
    Model small = small_cnn();
    std::vector<Case> cases = {
        {"3× Pi 3B @300 Mbps + cloud @50 Mbps", stations({"rpi3b", "rpi3b", "rpi3b"}, {300, 300, 300}, 50),
         {{"max_stages", 3}, {"fraction_steps", 4}}},
        {"3× Pi 3B @300 Mbps", stations({"rpi3b", "rpi3b", "rpi3b"}, {300, 300, 300}, 0),
         {{"max_stages", 4}, {"fraction_steps", 4}}},
        {"Pi 4B @50 + Nano @100 + TX2 @200 Mbps", mixed(3, 0), {{"max_stages", 3}, {"fraction_steps", 4}}},
    };
    std::vector<std::string> rows = {"oracle"};
    for (const auto& n : baseline_names()) rows.push_back(n);
    // outcome[row][case]
    std::vector<std::vector<Outcome>> out(rows.size());
    std::vector<SimJob> jobs;
    std::vector<std::pair<std::size_t, std::size_t>> job_of;
    for (std::size_t r = 0; r < rows.size(); ++r)
      for (std::size_t k = 0; k < cases.size(); ++k) {
        const auto& c = cases[k];
        out[r].push_back(run(rows[r], small, c.platform, rows[r] == "oracle" ? c.oracle_options : options_for(rows[r], small), 1));
        if (!out[r].back().ok) continue;
        SimJob j;
        j.name = fmt::format("{}/{}", rows[r], k);
        j.key = j.name;
        j.platform = c.platform;
        j.graph = build_task_graph(out[r].back().plan, small, c.platform);
        j.workload.frames = 1;
        jobs.push_back(std::move(j));
        job_of.push_back({r, k});
      }
    // The same plans on the SimGrid executor (shared air, shared CPU of a device's roles), one frame each.
    std::vector<RunResult> sg = run_simgrid_forked(jobs);
    std::vector<std::vector<double>> sg_latency(rows.size(), std::vector<double>(cases.size(), NAN));
    for (std::size_t i = 0; i < sg.size(); ++i)
      if (sg[i].status == "ok") sg_latency[job_of[i].first][job_of[i].second] = sg[i].latency_p50_s;

    fmt::print("\n## Optimality gap to the oracle on small cases: small_cnn (3×128×128, 166 M MACs), calibrated "
               "profiles\n\nEach cell: gap = latency / oracle latency − 1, analytic executor | SimGrid executor (both "
               "simulated, one frame). The oracle's row gives its latencies and its search wall time (measured).\n\n");
    std::string header = "| planner |", rule = "|---|";
    for (const auto& c : cases) header += fmt::format(" {} |", c.name), rule += "---|";
    fmt::print("{}\n{}\n", header, rule);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      std::string row = fmt::format("| {} |", rows[r]);
      for (std::size_t k = 0; k < cases.size(); ++k) {
        const Outcome& o = out[r][k];
        const Outcome& orc = out[0][k];
        if (!o.ok) {
          row += fmt::format(" n/a: {} |", brief(o.error));
        } else if (r == 0) {
          row += fmt::format(" {:.2f} ms \\| {:.2f} ms (search {:.0f} ms) |", 1e3 * o.latency_s, 1e3 * sg_latency[0][k], o.wall_ms);
        } else if (!orc.ok) {
          row += fmt::format(" {:.2f} ms |", 1e3 * o.latency_s);
        } else {
          row += fmt::format(" {:+.1f} % \\| {:+.1f} % |", 100.0 * (o.latency_s / orc.latency_s - 1),
                             100.0 * (sg_latency[r][k] / sg_latency[0][k] - 1));
        }
      }
      fmt::print("{}\n", row);
    }
  } catch (const InputError& e) {
    fmt::print(stderr, "bench_planners: {}\n", e.what());
    return 2;
  }
  return 0;
}
