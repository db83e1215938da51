// Plan serialisation.
#include "sim/plan/plan_json.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"

namespace edgesplit {

nlohmann::json plan_to_json(const Plan& p, const Model& base) {
  const Model m = p.replicas.empty() ? plan_model(p, base) : base;  // layer names of the variant the plan runs
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& s : p.stages) {
    nlohmann::json pieces = nlohmann::json::array();
    for (const auto& pc : s.pieces)
      pieces.push_back({{"device", pc.device}, {"rows", {pc.region.r0, pc.region.r1}}, {"cols", {pc.region.c0, pc.region.c1}}});
    nlohmann::json js = {{"first_layer", s.first_layer},
                         {"last_layer", s.last_layer},
                         {"first_layer_name", m.layers.at(static_cast<std::size_t>(s.first_layer)).name},
                         {"last_layer_name", m.layers.at(static_cast<std::size_t>(s.last_layer)).name},
                         {"split", split_kind_name(s.split)},
                         {"pieces", pieces},
                         {"input_route", route_name(s.input_route)},
                         {"input_bits", s.input_bits}};
    if (s.input_scales != ScaleGranularity::None) js["input_scales"] = scale_granularity_name(s.input_scales);
    if (s.input_route == Route::ViaHost) js["host"] = s.host;
    if (!s.fractions.empty()) js["fractions"] = s.fractions;
    if (s.split == SplitKind::Tiles) js["grid"] = {s.grid_rows, s.grid_cols};
    stages.push_back(js);
  }
  nlohmann::json j = {{"planner", p.planner},   {"model", m.name},          {"model_variant", p.model_variant},
                      {"pipelined", p.pipelined}, {"source", p.source},       {"sink", p.sink},
                      {"output_bits", p.output_bits}, {"accounting", accounting_name(p.accounting)}, {"note", p.note},
                      {"stages", stages}};
  if (p.sequential_devices) j["sequential_devices"] = true;
  if (p.accuracy_top1 > 0) {
    j["accuracy_top1"] = p.accuracy_top1;
    j["accuracy_source"] = p.accuracy_source;
  }
  if (!p.replicas.empty()) {
    nlohmann::json reps = nlohmann::json::array();
    for (const auto& r : p.replicas) reps.push_back(plan_to_json(r, base));
    j["replicas"] = reps;
    j["replica_shares"] = p.replica_shares;
  }
  return j;
}

Plan plan_from_json(const nlohmann::json& j) {
  try {
    Plan p;
    p.planner = j.value("planner", "");
    p.model_variant = j.value("model_variant", "");
    p.pipelined = j.value("pipelined", false);
    p.sequential_devices = j.value("sequential_devices", false);
    p.source = j.at("source").get<std::string>();
    p.sink = j.at("sink").get<std::string>();
    p.output_bits = j.value("output_bits", 32);
    p.accounting = j.value("accounting", "output_area") == "executed" ? Accounting::Executed : Accounting::OutputArea;
    p.note = j.value("note", "");
    p.accuracy_top1 = j.value("accuracy_top1", 0.0);
    p.accuracy_source = j.value("accuracy_source", "");
    if (j.contains("replicas")) {
      for (const auto& r : j.at("replicas")) p.replicas.push_back(plan_from_json(r));
      p.replica_shares = j.at("replica_shares").get<std::vector<double>>();
    }
    for (const auto& js : j.at("stages")) {
      Stage s;
      s.first_layer = js.at("first_layer").get<int>();
      s.last_layer = js.at("last_layer").get<int>();
      std::string split = js.value("split", "whole");
      s.split = split == "rows" ? SplitKind::Rows : split == "tiles" ? SplitKind::Tiles : SplitKind::Whole;
      s.input_route = js.value("input_route", "direct") == "via_host" ? Route::ViaHost : Route::Direct;
      s.host = js.value("host", "");
      s.input_bits = js.value("input_bits", 32);
      std::string scales = js.value("input_scales", "none");
      s.input_scales = scales == "per_tensor"    ? ScaleGranularity::PerTensor
                       : scales == "per_channel" ? ScaleGranularity::PerChannel
                                                 : ScaleGranularity::None;
      if (scales != "none" && s.input_scales == ScaleGranularity::None)
        throw InputError(InputIssue{"", 0, 0, "plan.stages.input_scales",
                                    fmt::format("expected none, per_tensor or per_channel, found '{}'", scales)});
      if (js.contains("fractions")) s.fractions = js["fractions"].get<std::vector<double>>();
      if (js.contains("grid")) {
        s.grid_rows = js["grid"][0].get<int>();
        s.grid_cols = js["grid"][1].get<int>();
      }
      for (const auto& pc : js.at("pieces")) {
        Piece piece;
        piece.device = pc.at("device").get<std::string>();
        piece.region = {pc.at("rows")[0].get<int>(), pc.at("rows")[1].get<int>(), pc.at("cols")[0].get<int>(),
                        pc.at("cols")[1].get<int>()};
        s.pieces.push_back(piece);
      }
      p.stages.push_back(s);
    }
    return p;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(InputIssue{"", 0, 0, "plan", fmt::format("malformed plan JSON: {}", e.what())});
  }
}

}  // namespace edgesplit
