// edgesplit::RunResult: frame statistics, CSV row, JSON round trip and the Chrome trace, on values worked by hand.
#include <catch2/catch.hpp>

#include "sim/metrics/run_result.hpp"

using namespace edgesplit;

TEST_CASE("edgesplit::summarise_frames: percentiles, period, deadline hits", "[plan][metrics]") {
  RunResult r;
  r.deadline_s = 2.5;
  // Latencies 1, 2, 3, 4 (arrivals 0, completions 1..4) and one failed frame.
  for (int f = 0; f < 4; ++f) r.frames.push_back({f, 0.0, 0.0, 1.0 + f, true, ""});
  r.frames.push_back({4, 0.0, 0.0, 0.0, false, "device 'x' failed at 5 s"});
  summarise_frames(r);
  CHECK(r.frames_requested == 5);
  CHECK(r.frames_completed == 4);
  CHECK(r.frames_failed == 1);
  CHECK(r.status == "failed");
  CHECK(r.latency_mean_s == Approx(2.5));
  // Linear interpolation on 1,2,3,4: p50 at position 1.5 → 2.5; p95 at 2.85 → 3.85; p99 at 2.97 → 3.97.
  CHECK(r.latency_p50_s == Approx(2.5));
  CHECK(r.latency_p95_s == Approx(3.85));
  CHECK(r.latency_p99_s == Approx(3.97));
  CHECK(r.latency_max_s == 4.0);
  // Completions 1..4: period (4 − 1) / 3 = 1.
  CHECK(r.period_s == Approx(1.0));
  CHECK(r.throughput_fps == Approx(1.0));
  // Within 2.5 s: latencies 1 and 2 → 2 of 5 requested.
  CHECK(r.deadline_hit_rate == Approx(0.4));
}

TEST_CASE("edgesplit::RunResult: CSV row, JSON round trip, trace tracks", "[plan][metrics]") {
  RunResult r;
  r.scenario = "a,b";
  r.executor = "simgrid";
  r.frames.push_back({0, 0.0, 0.0, 0.1, true, ""});
  summarise_frames(r);
  r.devices.push_back({"pi", 0.05, 0.5, 1.0, 0.25, 1.25, 10, 20});
  r.trace.push_back({"pi", "s0.p0@pi", "compute", 0, 0.0, 0.05, 0});
  r.trace.push_back({"link pi->nano", "x -> y", "transfer", 0, 0.05, 0.1, 1000});
  std::string row = csv_row(r);
  CHECK(row.rfind("\"a,b\",,simgrid,ok,1,1,0,0.10000000000000001,", 0) == 0);
  std::string header = csv_header();
  // One more comma in the row: the quoted scenario name "a,b".
  CHECK(std::count(row.begin(), row.end(), ',') == std::count(header.begin(), header.end(), ',') + 1);
  RunResult back = run_result_from_json(to_json(r));
  CHECK(to_json(back) == to_json(r));
  auto t = chrome_trace(r);
  // 1 process name + 2 thread names + 2 events.
  REQUIRE(t["traceEvents"].size() == 5);
  CHECK(t["traceEvents"][4]["tid"] == 2);
  CHECK(t["traceEvents"][4]["dur"].get<double>() == Approx(50000.0));
  CHECK(t["traceEvents"][4]["args"]["bytes"] == 1000);
}
