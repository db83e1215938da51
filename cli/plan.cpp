// `edgesplit plan SCENARIO`: the plan the scenario's planner produces, with the analytic executor's estimate.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/scenario_args.hpp"
#include "sim/common/error.hpp"
#include "planners/plan_regions.hpp"
#include "planners/registry.hpp"
#include "sim/exec/analytic.hpp"
#include "sim/plan/plan_json.hpp"
#include "sim/plan/task_graph.hpp"
#include "sim/scenario/scenario_io.hpp"

namespace po = boost::program_options;

namespace edgesplit::cli {
namespace {

// A request-level replicated plan (AWD): each replica is an ordinary plan of its own model variant; the stream is
// bounded by the replica that saturates first, min_k 1 / (share_k · period_k).
int print_replicated(const Plan& plan, const Scenario& sc, bool json) {
  double total = 0;
  for (double w : plan.replica_shares) total += w;
  nlohmann::json reps = nlohmann::json::array();
  double stream_fps = 0;
  bool first = true;
  if (!json) {
    fmt::print("scenario '{}': planner {}, model {}, {} request-level replicas (smooth weighted round-robin)\n", sc.name,
               plan.planner, sc.model.name, plan.replicas.size());
    if (!plan.note.empty()) fmt::print("  {}\n", plan.note);
  }
  for (std::size_t k = 0; k < plan.replicas.size(); ++k) {
    const Plan& r = plan.replicas[k];
    Model m = plan_model(r, sc.model);
    Evaluation ev = evaluate(build_task_graph(r, m, sc.platform), sc.platform);
    const double share = plan.replica_shares[k] / total;
    std::string devices;
    for (const auto& st : r.stages)
      for (const auto& pc : st.pieces)
        if (devices.find(pc.device) == std::string::npos) devices += (devices.empty() ? "" : "+") + pc.device;
    if (share > 0) {
      double fps = 1.0 / (share * ev.period_s);
      stream_fps = first ? fps : std::min(stream_fps, fps);
      first = false;
    }
    reps.push_back({{"share", share}, {"devices", devices}, {"model", m.name}, {"accuracy_top1", plan_accuracy_top1(r, sc.model)},
                    {"latency_s", ev.latency_s}, {"period_s", ev.period_s}});
    if (!json)
      fmt::print("  replica {}: share {:.4f}  {:<10} {:<24} top-1 {:6.2f} %  latency {:.6f} s  period {:.6f} s\n", k, share,
                 devices, m.name, plan_accuracy_top1(r, sc.model), ev.latency_s, ev.period_s);
  }
  if (json) {
    nlohmann::json j = plan_to_json(plan, sc.model);
    j["scenario"] = sc.name;
    j["evaluation"] = {{"replicas", reps},
                       {"stream_fps", stream_fps},
                       {"accuracy_top1", plan_accuracy_top1(plan, sc.model)},
                       {"provenance", "simulated (analytic executor per replica; compute times from the device profiles)"}};
    fmt::print("{}\n", j.dump(2));
    return kExitOk;
  }
  fmt::print("estimate (simulated, analytic executor per replica): stream bound {:.4f} frames/s (the replica that "
             "saturates first), top-1 {:.3f} %\n",
             stream_fps, plan_accuracy_top1(plan, sc.model));
  return kExitOk;
}

int run_plan(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("scenario", po::value<std::string>()->required(), "scenario YAML file")(
      "json", "print JSON instead of text")("planner", po::value<std::string>(),
                                            "use this planner (with its default options) instead of the scenario's")(
      "planner-options", po::value<std::string>(), "the planner's options as a JSON object, e.g. '{\"fused\": true}'");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (!parse_options("edgesplit plan SCENARIO [--json] [--planner NAME] [--planner-options JSON]", args, opts, pos, vm)) return kExitOk;
  Scenario sc = load_scenario_with_overrides(vm);
  Plan plan = plan_scenario(sc);
  if (!plan.replicas.empty()) return print_replicated(plan, sc, vm.count("json") > 0);
  TaskGraph g = build_task_graph(plan, sc.model, sc.platform);
  Evaluation ev = evaluate(g, sc.platform);

  if (vm.count("json")) {
    nlohmann::json j = plan_to_json(plan, sc.model);
    j["scenario"] = sc.name;
    j["evaluation"] = {{"latency_s", ev.latency_s},
                       {"period_s", ev.period_s},
                       {"network_bytes", g.network_bytes()},
                       {"macs", g.total_macs()},
                       {"provenance", "simulated (analytic executor; compute times from the device profiles)"}};
    nlohmann::json roles = nlohmann::json::array();
    for (const auto& r : g.roles)
      roles.push_back({{"name", r.name}, {"kind", role_kind_name(r.kind)}, {"device", sc.platform.devices[static_cast<std::size_t>(r.device)].name},
                       {"macs", r.macs}, {"time_ref_s", r.time_ref_s}});
    nlohmann::json transfers = nlohmann::json::array();
    for (const auto& t : g.transfers)
      transfers.push_back({{"from", g.roles[static_cast<std::size_t>(t.from)].name}, {"to", g.roles[static_cast<std::size_t>(t.to)].name},
                           {"bytes", t.bytes}, {"metadata_bytes", t.metadata_bytes}, {"bits", t.bits}, {"local", t.local}});
    j["task_graph"] = {{"roles", roles}, {"transfers", transfers}};
    j["regions"] = plan_regions_json(plan, plan_model(plan, sc.model));  // the variant's layers, when it names one
    fmt::print("{}\n", j.dump(2));
    return kExitOk;
  }
  fmt::print("scenario '{}': planner {}, model {}{}\n", sc.name, plan.planner, sc.model.name,
             plan.model_variant.empty() ? "" : " (" + plan.model_variant + ")");
  if (!plan.note.empty()) fmt::print("  {}\n", plan.note);
  fmt::print("source {} -> sink {}; pipelined: {}; accounting: {}; result at {} bit{}\n", plan.source, plan.sink,
             plan.pipelined ? "yes" : "no", accounting_name(plan.accounting), plan.output_bits,
             plan.sequential_devices ? "; devices compute one piece at a time, in order" : "");
  const Model run_model = plan_model(plan, sc.model);  // stages index the variant's layers when the plan names one
  for (std::size_t s = 0; s < plan.stages.size(); ++s) {
    const Stage& st = plan.stages[s];
    fmt::print("stage {}: layers {}..{} ({}..{}), {} split, input {}{} at {} bit{}\n", s, st.first_layer, st.last_layer,
               run_model.layers[static_cast<std::size_t>(st.first_layer)].name,
               run_model.layers[static_cast<std::size_t>(st.last_layer)].name, split_kind_name(st.split),
               route_name(st.input_route), st.input_route == Route::ViaHost ? " via " + st.host : "", st.input_bits,
               st.input_scales == ScaleGranularity::None ? "" : fmt::format(" ({} scales)", scale_granularity_name(st.input_scales)));
    for (std::size_t k = 0; k < st.pieces.size(); ++k) {
      const Piece& pc = st.pieces[k];
      fmt::print("  piece {}: {:<8} rows [{}, {}) cols [{}, {})\n", k, pc.device, pc.region.r0, pc.region.r1,
                 pc.region.c0, pc.region.c1);
    }
  }
  fmt::print("roles:\n");
  for (const auto& r : g.roles)
    if (r.kind == RoleKind::Compute)
      fmt::print("  {:<24} {:>14} MACs {:>12.6f} s at speed 1 (device profile)\n", r.name, r.macs, r.time_ref_s);
  fmt::print("network: {} bytes per frame in {} transfers\n", g.network_bytes(),
             std::count_if(g.transfers.begin(), g.transfers.end(), [](const Transfer& t) { return !t.local; }));
  fmt::print("estimate (simulated, analytic executor): latency {:.6f} s, pipelined period {:.6f} s\n", ev.latency_s,
             ev.period_s);
  return kExitOk;
}

CommandRegistrar reg({"plan", "plan SCENARIO: the plan its planner produces, with the analytic estimate", run_plan});

}  // namespace
}  // namespace edgesplit::cli
