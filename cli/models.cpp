// `edgesplit models` (the zoo) and `edgesplit model show NAME` (per-layer table).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "sim/common/error.hpp"
#include "sim/model/zoo.hpp"

namespace po = boost::program_options;

namespace edgesplit::cli {
namespace {

std::string shape_str(const Shape& s) { return fmt::format("{}x{}x{}", s.c, s.h, s.w); }

nlohmann::json model_summary_json(const Model& m) {
  return {{"name", m.name},
          {"input", {m.input().out.c, m.input().out.h, m.input().out.w}},
          {"layers", m.size() - 1},
          {"macs", model_macs(m)},
          {"params", model_params(m)},
          {"top1", m.facts.top1},
          {"accuracy_source", m.facts.accuracy_source},
          {"provenance", {{"macs", "counted"}, {"params", "counted"}, {"top1", "published"}}}};
}

int run_models(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("json", "print JSON instead of a table");
  po::variables_map vm;
  if (!parse_options("edgesplit models [--json]", args, opts, {}, vm)) return kExitOk;
  if (vm.count("json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : zoo()) out.push_back(model_summary_json(e.build()));
    fmt::print("{}\n", out.dump(2));
    return kExitOk;
  }
  fmt::print("{:<24} {:>11} {:>6} {:>10} {:>13} {:>7}  {}\n", "model", "input", "layers", "GMACs", "params",
             "top-1", "accuracy source");
  for (const auto& e : zoo()) {
    Model m = e.build();
    fmt::print("{:<24} {:>11} {:>6} {:>10.3f} {:>13} {:>7}  {}\n", m.name, shape_str(m.input().out), m.size() - 1,
               model_macs(m) / 1e9, model_params(m), m.facts.top1 > 0 ? fmt::format("{:.3f}", m.facts.top1) : "-",
               m.facts.accuracy_source.empty() ? "-" : m.facts.accuracy_source);
  }
  fmt::print("GMACs (conv + FC multiply-accumulates) and params counted from the layer definitions; top-1 published.\n");
  return kExitOk;
}

int run_model(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("action", po::value<std::string>()->required(), "show")(
      "name", po::value<std::string>()->required(), "zoo model name")("json", "print JSON instead of a table")(
      "bits", po::value<int>()->default_value(32), "bits per activation element for the byte column");
  po::positional_options_description pos;
  pos.add("action", 1).add("name", 1);
  po::variables_map vm;
  if (!parse_options("edgesplit model show NAME [--json] [--bits B]", args, opts, pos, vm)) return kExitOk;
  if (vm["action"].as<std::string>() != "show")
    throw InputError(InputIssue{"", 0, 0, "", unknown_name_message("action", vm["action"].as<std::string>(), {"show"})});
  Model m = zoo_model(vm["name"].as<std::string>());
  int bits = vm["bits"].as<int>();
  if (vm.count("json")) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : m.layers) {
      std::vector<std::string> ins;
      for (int p : l.inputs) ins.push_back(m.layers[p].name);
      layers.push_back({{"name", l.name},
                        {"op", op_name(l.op)},
                        {"inputs", ins},
                        {"in", {l.in.c, l.in.h, l.in.w}},
                        {"out", {l.out.c, l.out.h, l.out.w}},
                        {"macs", layer_macs(l)},
                        {"params", layer_params(l)},
                        {"out_bytes", activation_bytes(l.out, bits)}});
    }
    nlohmann::json out = model_summary_json(m);
    out["layers"] = layers;
    fmt::print("{}\n", out.dump(2));
    return kExitOk;
  }
  fmt::print("{}: input {}, {} layers, {:.4f} GMACs (counted), {} params (counted), top-1 {} (published: {})\n",
             m.name, shape_str(m.input().out), m.size() - 1, model_macs(m) / 1e9, model_params(m),
             m.facts.top1 > 0 ? fmt::format("{:.3f}", m.facts.top1) : "-",
             m.facts.accuracy_source.empty() ? "-" : m.facts.accuracy_source);
  fmt::print("{:>4} {:<22} {:<14} {:>13} {:>13} {:>14} {:>11} {:>12}\n", "#", "layer", "op", "in", "out", "MACs",
             "params", fmt::format("bytes@{}b", bits));
  for (int i = 0; i < m.size(); ++i) {
    const Layer& l = m.layers[i];
    fmt::print("{:>4} {:<22} {:<14} {:>13} {:>13} {:>14} {:>11} {:>12}\n", i, l.name, op_name(l.op), shape_str(l.in),
               shape_str(l.out), layer_macs(l), layer_params(l), activation_bytes(l.out, bits));
  }
  return kExitOk;
}

CommandRegistrar reg_models({"models", "list the model zoo (MACs, params, top-1 and its source)", run_models});
CommandRegistrar reg_model({"model", "model show NAME: per-layer shapes, MACs, params, bytes", run_model});

}  // namespace
}  // namespace edgesplit::cli
