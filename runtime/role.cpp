// JSON conversion of roles and frame reports (see role.hpp). Every field is checked: a role is input from the network.
#include "runtime/role.hpp"

#include <fmt/format.h>

#include <set>

#include "runtime/wire.hpp"

namespace edgesplit::runtime {
namespace {

using nlohmann::json;

const json& need(const json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw WireError(fmt::format("{}: missing key '{}'", where, key));
  return j.at(key);
}

template <class T>
T get(const json& j, const char* key, const std::string& where) {
  const json& v = need(j, key, where);
  try {
    return v.get<T>();
  } catch (const json::exception&) {
    throw WireError(fmt::format("{}: key '{}' has the wrong type ({})", where, key, v.type_name()));
  }
}

int parse_id(const std::string& text, const std::string& where) {
  try {
    std::size_t used = 0;
    int id = std::stoi(text, &used);
    if (used == text.size()) return id;
  } catch (const std::exception&) {
  }
  throw WireError(fmt::format("{}: '{}' is not a worker id", where, text));
}

}  // namespace

std::string pace_mode_name(PaceMode m) { return m == PaceMode::paced ? "paced" : "native"; }

json to_json(const RoleSpec& r) {
  json peers = json::object();
  for (const auto& [id, e] : r.peers) peers[std::to_string(id)] = e.str();
  json links = json::object();
  for (const auto& [id, l] : r.links) {
    json jl = {{"rate_bps", l.rate_bps}, {"latency_s", l.latency_s}};
    if (l.air_s_per_byte > 0) jl["air_s_per_byte"] = l.air_s_per_byte;
    if (l.wan != 0) {
      jl["wan"] = l.wan;
      jl["wan_s_per_byte"] = l.wan_s_per_byte;
    }
    links[std::to_string(id)] = jl;
  }
  json tasks = json::array();
  for (const auto& t : r.tasks) {
    json outs = json::array();
    for (const auto& o : t.outputs) outs.push_back({{"slot", o.slot}, {"to", o.to}});
    json jt = {{"id", t.id},           {"kind", t.kind},   {"inputs", t.inputs}, {"outputs", outs},
               {"predicted_s", t.predicted_s}, {"params", t.params}};
    if (!t.sources.empty()) jt["sources"] = t.sources;
    if (!t.gates.empty()) jt["gates"] = t.gates;
    if (!t.opens.empty()) {
      json opens = json::array();
      for (const auto& o : t.opens) opens.push_back({{"slot", o.slot}, {"to", o.to}});
      jt["opens"] = opens;
    }
    tasks.push_back(jt);
  }
  json j = {{"worker", r.worker}, {"mode", pace_mode_name(r.mode)}, {"peers", peers},
            {"links", links},     {"tasks", tasks},                   {"setup", r.setup}};
  if (r.pipelined) j["pipelined"] = true;
  if (!r.clocks.empty()) j["clocks"] = r.clocks;
  if (!r.sequential.empty()) j["sequential"] = r.sequential;
  return j;
}

RoleSpec role_from_json(const json& j) {
  RoleSpec r;
  r.worker = get<int>(j, "worker", "role");
  const auto mode = get<std::string>(j, "mode", "role");
  if (mode != "paced" && mode != "native")
    throw WireError(fmt::format("role: key 'mode' is '{}'; expected paced or native", mode));
  r.mode = mode == "paced" ? PaceMode::paced : PaceMode::native;
  for (const auto& [id, e] : need(j, "peers", "role").items()) {
    if (!e.is_string()) throw WireError(fmt::format("role: peers.{} is not a string", id));
    try {
      r.peers[parse_id(id, "role: peers")] = parse_endpoint(e.get<std::string>(), "peers." + id);
    } catch (const std::exception& ex) {
      throw WireError(fmt::format("role: peers.{}: {}", id, ex.what()));
    }
  }
  if (j.contains("links"))
    for (const auto& [id, l] : j.at("links").items()) {
      const std::string where = "role: links." + id;
      LinkSpec ls{get<double>(l, "rate_bps", where), get<double>(l, "latency_s", where)};
      if (l.contains("air_s_per_byte")) ls.air_s_per_byte = get<double>(l, "air_s_per_byte", where);
      if (l.contains("wan")) {
        ls.wan = get<int>(l, "wan", where);
        ls.wan_s_per_byte = get<double>(l, "wan_s_per_byte", where);
        if (ls.wan != 1 && ls.wan != 2) throw WireError(fmt::format("{}: key 'wan' is {}; expected 1 or 2", where, ls.wan));
      }
      if (!(ls.rate_bps >= 0) || !(ls.latency_s >= 0) || !(ls.air_s_per_byte >= 0) || !(ls.wan_s_per_byte >= 0))
        throw WireError(where + ": rates, latencies and seconds per byte must be >= 0");
      r.links[parse_id(id, "role: links")] = ls;
    }
  const json& tasks = need(j, "tasks", "role");
  if (!tasks.is_array()) throw WireError("role: key 'tasks' is not an array");
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const std::string where = fmt::format("role: tasks[{}]", i);
    const json& t = tasks[i];
    TaskSpec s;
    s.id = get<int>(t, "id", where);
    s.kind = get<std::string>(t, "kind", where);
    s.inputs = get<std::vector<int>>(t, "inputs", where);
    s.predicted_s = get<double>(t, "predicted_s", where);
    if (t.contains("params")) s.params = t.at("params");
    if (t.contains("sources")) {
      s.sources = get<std::vector<int>>(t, "sources", where);
      if (s.sources.size() != s.inputs.size())
        throw WireError(fmt::format("{}: {} sources for {} inputs", where, s.sources.size(), s.inputs.size()));
    }
    if (t.contains("gates")) s.gates = get<std::vector<int>>(t, "gates", where);
    if (t.contains("opens")) {
      if (!t.at("opens").is_array()) throw WireError(where + ": key 'opens' is not an array");
      for (const auto& o : t.at("opens")) s.opens.push_back({get<int>(o, "slot", where), get<std::vector<int>>(o, "to", where)});
    }
    const json& outs = need(t, "outputs", where);
    if (!outs.is_array()) throw WireError(where + ": key 'outputs' is not an array");
    for (const auto& o : outs) s.outputs.push_back({get<int>(o, "slot", where), get<std::vector<int>>(o, "to", where)});
    r.tasks.push_back(std::move(s));
  }
  if (j.contains("setup")) r.setup = j.at("setup");
  if (j.contains("pipelined")) r.pipelined = get<bool>(j, "pipelined", "role");
  if (j.contains("clocks")) r.clocks = get<std::string>(j, "clocks", "role");
  if (j.contains("sequential")) r.sequential = get<std::vector<int>>(j, "sequential", "role");
  std::set<int> ids;
  for (const auto& t : r.tasks)
    if (!ids.insert(t.id).second) throw WireError(fmt::format("role: task id {} appears twice", t.id));
  std::set<int> seq;
  for (int id : r.sequential) {
    if (!ids.count(id)) throw WireError(fmt::format("role: key 'sequential' names task {}, which the role lacks", id));
    if (!seq.insert(id).second) throw WireError(fmt::format("role: key 'sequential' names task {} twice", id));
  }
  return r;
}

json to_json(const FrameReport& r) {
  json tasks = json::array();
  for (const auto& t : r.tasks)
    tasks.push_back({{"task", t.task},
                     {"ready_s", t.ready_s},
                     {"start_s", t.start_s},
                     {"compute_end_s", t.compute_end_s},
                     {"end_s", t.end_s},
                     {"sent_s", t.sent_s},
                     {"overrun", t.overrun},
                     {"kernel_s", t.kernel_s},
                     {"kernel_io_s", t.kernel_io_s}});
  json bytes = json::object();
  for (const auto& [to, b] : r.bytes_to) bytes[std::to_string(to)] = b;
  return {{"worker", r.worker}, {"frame", r.frame}, {"tasks", tasks}, {"bytes_to", bytes}};
}

FrameReport frame_report_from_json(const json& j) {
  FrameReport r;
  r.worker = get<int>(j, "worker", "frame_report");
  r.frame = get<std::uint32_t>(j, "frame", "frame_report");
  for (const auto& t : need(j, "tasks", "frame_report")) {
    TaskRecord k;
    k.task = get<int>(t, "task", "frame_report.tasks");
    k.ready_s = get<double>(t, "ready_s", "frame_report.tasks");
    k.start_s = get<double>(t, "start_s", "frame_report.tasks");
    k.compute_end_s = get<double>(t, "compute_end_s", "frame_report.tasks");
    k.end_s = get<double>(t, "end_s", "frame_report.tasks");
    k.sent_s = get<double>(t, "sent_s", "frame_report.tasks");
    k.overrun = get<bool>(t, "overrun", "frame_report.tasks");
    if (t.contains("kernel_s")) k.kernel_s = get<double>(t, "kernel_s", "frame_report.tasks");
    if (t.contains("kernel_io_s")) k.kernel_io_s = get<double>(t, "kernel_io_s", "frame_report.tasks");
    r.tasks.push_back(k);
  }
  for (const auto& [to, b] : need(j, "bytes_to", "frame_report").items()) r.bytes_to[parse_id(to, "frame_report: bytes_to")] = b.get<std::uint64_t>();
  return r;
}

}  // namespace edgesplit::runtime
