// JSON conversion of roles and frame reports (see role.hpp). Every field is checked: a role is input from the network.
#include "runtime/role.hpp"

#include <fmt/format.h>

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
  for (const auto& [id, l] : r.links) links[std::to_string(id)] = {{"rate_bps", l.rate_bps}, {"latency_s", l.latency_s}};
  json tasks = json::array();
  for (const auto& t : r.tasks) {
    json outs = json::array();
    for (const auto& o : t.outputs) outs.push_back({{"slot", o.slot}, {"to", o.to}});
    tasks.push_back({{"id", t.id},
                     {"kind", t.kind},
                     {"inputs", t.inputs},
                     {"outputs", outs},
                     {"predicted_s", t.predicted_s},
                     {"params", t.params}});
  }
  return {{"worker", r.worker}, {"mode", pace_mode_name(r.mode)}, {"peers", peers},
          {"links", links},     {"tasks", tasks},                   {"setup", r.setup}};
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
      r.links[parse_id(id, "role: links")] = {get<double>(l, "rate_bps", where), get<double>(l, "latency_s", where)};
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
    const json& outs = need(t, "outputs", where);
    if (!outs.is_array()) throw WireError(where + ": key 'outputs' is not an array");
    for (const auto& o : outs) s.outputs.push_back({get<int>(o, "slot", where), get<std::vector<int>>(o, "to", where)});
    r.tasks.push_back(std::move(s));
  }
  if (j.contains("setup")) r.setup = j.at("setup");
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
                     {"overrun", t.overrun}});
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
    r.tasks.push_back(k);
  }
  for (const auto& [to, b] : need(j, "bytes_to", "frame_report").items()) r.bytes_to[parse_id(to, "frame_report: bytes_to")] = b.get<std::uint64_t>();
  return r;
}

}  // namespace edgesplit::runtime
