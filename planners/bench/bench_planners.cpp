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

// n stations cycling through Pi 4B / Nano / TX2 / Xavier at 50 / 100 / 200 / 300 Mbps (DistrEdge's ND network
// group, papers.md §4.6), requester the first Pi; optionally the V100 cloud host behind `cloud_Mbps`.
Platform mixed(int n, double cloud_Mbps, double scale_rate = 1.0) {
  const char* profiles[] = {"rpi4b", "jetson_nano", "jetson_tx2", "jetson_xavier"};
  const double rates[] = {50, 100, 200, 300};
  Platform p;
  p.name = fmt::format("mixed{}", n);
  for (int i = 0; i < n; ++i) p.devices.push_back(device(fmt::format("d{}_{}", i, profiles[i % 4]), profiles[i % 4], rates[i % 4] * scale_rate));
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

// A small CNN the oracle can search: 3×64×64 → conv 16 → pool → conv 32 → pool → conv 64 → fc 10.
Model small_cnn() {
  ModelBuilder b("small_cnn", Shape{3, 64, 64});
  b.conv("conv1", ConvSpec{.out = 16});
  b.maxpool("pool1", PoolSpec{.k = 2});
  b.conv("conv2", ConvSpec{.out = 32});
  b.maxpool("pool2", PoolSpec{.k = 2});
  b.conv("conv3", ConvSpec{.out = 64});
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
        {"small_cnn, 3 stations + cloud @100 Mbps", mixed(3, 100), {{"max_stages", 3}, {"fraction_steps", 4}}},
        {"small_cnn, 3 stations, Wi-Fi /10", mixed(3, 0, 0.1), {{"max_stages", 4}, {"fraction_steps", 4}}},
        {"small_cnn, 4 stations", mixed(4, 0), {{"max_stages", 3}, {"fraction_steps", 4}}},
    };
    fmt::print("\n## Optimality gap to the oracle on small cases (latency simulated by the analytic executor; gap = "
               "latency / oracle − 1)\n\n");
    std::string header = "| planner |", rule = "|---|";
    for (const auto& c : cases) header += fmt::format(" {} |", c.name), rule += "---|";
    fmt::print("{}\n{}\n", header, rule);
    std::vector<Outcome> oracle;
    std::string row = "| oracle |";
    for (const auto& c : cases) {
      oracle.push_back(run("oracle", small, c.platform, c.oracle_options, 1));
      const Outcome& o = oracle.back();
      row += o.ok ? fmt::format(" {:.4f} s ({:.0f} ms) |", o.latency_s, o.wall_ms) : fmt::format(" refused: {} |", brief(o.error));
    }
    fmt::print("{}\n", row);
    for (const auto& n : baseline_names()) {
      row = fmt::format("| {} |", n);
      for (std::size_t k = 0; k < cases.size(); ++k) {
        Outcome o = run(n, small, cases[k].platform, options_for(n, small), 1);
        if (!o.ok)
          row += fmt::format(" n/a ({}) |", brief(o.error));
        else if (!oracle[k].ok)
          row += fmt::format(" {:.4f} s |", o.latency_s);
        else
          row += fmt::format(" {:+.1f} % ({:.4f} s) |", 100.0 * (o.latency_s / oracle[k].latency_s - 1), o.latency_s);
      }
      fmt::print("{}\n", row);
    }
  } catch (const InputError& e) {
    fmt::print(stderr, "bench_planners: {}\n", e.what());
    return 2;
  }
  return 0;
}
