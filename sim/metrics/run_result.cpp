// Frame statistics and the JSON / CSV / Chrome-trace writers of RunResult.
#include "sim/metrics/run_result.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace edgesplit {

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  double pos = q * static_cast<double>(v.size() - 1);
  auto lo = static_cast<std::size_t>(std::floor(pos));
  std::size_t hi = std::min(lo + 1, v.size() - 1);
  double f = pos - static_cast<double>(lo);
  return v[lo] + f * (v[hi] - v[lo]);
}

void summarise_frames(RunResult& r) {
  std::vector<double> lat, done;
  int hits = 0;
  r.frames_requested = static_cast<int>(r.frames.size());
  r.frames_completed = 0;
  r.frames_failed = 0;
  for (const auto& f : r.frames) {
    if (!f.ok) {
      ++r.frames_failed;
      continue;
    }
    ++r.frames_completed;
    lat.push_back(f.latency_s());
    done.push_back(f.completion_s);
    if (r.deadline_s <= 0 || f.latency_s() <= r.deadline_s + 1e-12) ++hits;
  }
  r.latency_mean_s = lat.empty() ? 0.0 : std::accumulate(lat.begin(), lat.end(), 0.0) / lat.size();
  r.latency_p50_s = percentile(lat, 0.50);
  r.latency_p95_s = percentile(lat, 0.95);
  r.latency_p99_s = percentile(lat, 0.99);
  r.latency_max_s = lat.empty() ? 0.0 : *std::max_element(lat.begin(), lat.end());
  std::sort(done.begin(), done.end());
  if (done.size() >= 2) r.period_s = (done.back() - done.front()) / static_cast<double>(done.size() - 1);
  else if (done.size() == 1) r.period_s = lat.front();
  else r.period_s = 0;
  r.throughput_fps = r.period_s > 0 ? 1.0 / r.period_s : 0.0;
  r.deadline_hit_rate = r.frames_requested ? static_cast<double>(hits) / r.frames_requested : 0.0;
  if (r.frames_failed > 0 && r.status == "ok") r.status = "failed";
}

nlohmann::json to_json(const RunResult& r, bool with_frames) {
  nlohmann::json j = {{"scenario", r.scenario},
                      {"key", r.key},
                      {"executor", r.executor},
                      {"status", r.status},
                      {"error", r.error},
                      {"frames_requested", r.frames_requested},
                      {"frames_completed", r.frames_completed},
                      {"frames_failed", r.frames_failed},
                      {"latency_mean_s", r.latency_mean_s},
                      {"latency_p50_s", r.latency_p50_s},
                      {"latency_p95_s", r.latency_p95_s},
                      {"latency_p99_s", r.latency_p99_s},
                      {"latency_max_s", r.latency_max_s},
                      {"period_s", r.period_s},
                      {"throughput_fps", r.throughput_fps},
                      {"makespan_s", r.makespan_s},
                      {"bytes_on_air", r.bytes_on_air},
                      {"energy_total_J", r.energy_total_J},
                      {"energy_per_inference_J", r.energy_per_inference_J},
                      {"deadline_s", r.deadline_s},
                      {"deadline_hit_rate", r.deadline_hit_rate},
                      {"accuracy_top1", r.accuracy_top1},
                      {"provenance", r.provenance}};
  nlohmann::json devs = nlohmann::json::array();
  for (const auto& d : r.devices)
    devs.push_back({{"device", d.device},
                    {"busy_s", d.busy_s},
                    {"utilisation", d.utilisation},
                    {"host_energy_J", d.host_energy_J},
                    {"radio_energy_J", d.radio_energy_J},
                    {"energy_per_inference_J", d.energy_per_inference_J},
                    {"bytes_sent", d.bytes_sent},
                    {"bytes_received", d.bytes_received}});
  j["devices"] = devs;
  if (with_frames) {
    nlohmann::json fr = nlohmann::json::array();
    for (const auto& f : r.frames)
      fr.push_back({{"frame", f.frame},
                    {"arrival_s", f.arrival_s},
                    {"start_s", f.start_s},
                    {"completion_s", f.completion_s},
                    {"ok", f.ok},
                    {"failure", f.failure}});
    j["frames"] = fr;
    nlohmann::json tr = nlohmann::json::array();
    for (const auto& e : r.trace)
      tr.push_back({{"track", e.track}, {"name", e.name}, {"kind", e.kind}, {"frame", e.frame},
                    {"start_s", e.start_s}, {"end_s", e.end_s}, {"bytes", e.bytes}});
    j["trace"] = tr;
  }
  return j;
}

RunResult run_result_from_json(const nlohmann::json& j) {
  RunResult r;
  r.scenario = j.value("scenario", "");
  r.key = j.value("key", "");
  r.executor = j.value("executor", "");
  r.status = j.value("status", "ok");
  r.error = j.value("error", "");
  r.frames_requested = j.value("frames_requested", 0);
  r.frames_completed = j.value("frames_completed", 0);
  r.frames_failed = j.value("frames_failed", 0);
  r.latency_mean_s = j.value("latency_mean_s", 0.0);
  r.latency_p50_s = j.value("latency_p50_s", 0.0);
  r.latency_p95_s = j.value("latency_p95_s", 0.0);
  r.latency_p99_s = j.value("latency_p99_s", 0.0);
  r.latency_max_s = j.value("latency_max_s", 0.0);
  r.period_s = j.value("period_s", 0.0);
  r.throughput_fps = j.value("throughput_fps", 0.0);
  r.makespan_s = j.value("makespan_s", 0.0);
  r.bytes_on_air = j.value("bytes_on_air", std::int64_t{0});
  r.energy_total_J = j.value("energy_total_J", 0.0);
  r.energy_per_inference_J = j.value("energy_per_inference_J", 0.0);
  r.deadline_s = j.value("deadline_s", 0.0);
  r.deadline_hit_rate = j.value("deadline_hit_rate", 0.0);
  r.accuracy_top1 = j.value("accuracy_top1", 0.0);
  if (j.contains("provenance")) r.provenance = j["provenance"].get<std::map<std::string, std::string>>();
  for (const auto& d : j.value("devices", nlohmann::json::array()))
    r.devices.push_back({d.value("device", ""), d.value("busy_s", 0.0), d.value("utilisation", 0.0),
                         d.value("host_energy_J", 0.0), d.value("radio_energy_J", 0.0),
                         d.value("energy_per_inference_J", 0.0), d.value("bytes_sent", std::int64_t{0}),
                         d.value("bytes_received", std::int64_t{0})});
  for (const auto& f : j.value("frames", nlohmann::json::array()))
    r.frames.push_back({f.value("frame", 0), f.value("arrival_s", 0.0), f.value("start_s", 0.0),
                        f.value("completion_s", 0.0), f.value("ok", true), f.value("failure", "")});
  for (const auto& e : j.value("trace", nlohmann::json::array()))
    r.trace.push_back({e.value("track", ""), e.value("name", ""), e.value("kind", ""), e.value("frame", 0),
                       e.value("start_s", 0.0), e.value("end_s", 0.0), e.value("bytes", std::int64_t{0})});
  return r;
}

std::string csv_header() {
  return "scenario,key,executor,status,frames_requested,frames_completed,frames_failed,latency_mean_s,latency_p50_s,"
         "latency_p95_s,latency_p99_s,latency_max_s,period_s,throughput_fps,makespan_s,bytes_on_air,energy_total_J,"
         "energy_per_inference_J,deadline_s,deadline_hit_rate,accuracy_top1,error";
}

namespace {
std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}
}  // namespace

std::string csv_row(const RunResult& r) {
  // {:.17g} round-trips doubles, so the same run gives a byte-identical row.
  return fmt::format("{},{},{},{},{},{},{},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{},{:.17g},"
                     "{:.17g},{:.17g},{:.17g},{:.17g},{}",
                     csv_quote(r.scenario), r.key, r.executor, r.status, r.frames_requested, r.frames_completed,
                     r.frames_failed, r.latency_mean_s, r.latency_p50_s, r.latency_p95_s, r.latency_p99_s,
                     r.latency_max_s, r.period_s, r.throughput_fps, r.makespan_s, r.bytes_on_air, r.energy_total_J,
                     r.energy_per_inference_J, r.deadline_s, r.deadline_hit_rate, r.accuracy_top1, csv_quote(r.error));
}

nlohmann::json chrome_trace(const RunResult& r) {
  std::map<std::string, int> tids;
  nlohmann::json events = nlohmann::json::array();
  events.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", 1},
                    {"args", {{"name", fmt::format("{} ({}, simulated)", r.scenario, r.executor)}}}});
  auto tid_of = [&](const std::string& track) {
    auto [it, fresh] = tids.emplace(track, static_cast<int>(tids.size()) + 1);
    if (fresh)
      events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", 1}, {"tid", it->second},
                        {"args", {{"name", track}}}});
    return it->second;
  };
  for (const auto& e : r.trace) {
    int tid = tid_of(e.track);
    events.push_back({{"name", e.name},
                      {"cat", e.kind},
                      {"ph", "X"},
                      {"pid", 1},
                      {"tid", tid},
                      {"ts", e.start_s * 1e6},
                      {"dur", (e.end_s - e.start_s) * 1e6},
                      {"args", {{"frame", e.frame}, {"bytes", e.bytes}}}});
  }
  return {{"traceEvents", events}, {"displayTimeUnit", "ms"}};
}

}  // namespace edgesplit
