// edgesplit executors: SimGrid (each run in a forked child, one Engine per process) and analytic against times worked
// out by hand. Rates in bytes/s; compute in seconds of work at speed 1 (fixture profiles: p0 speed 1, p1 speed 0.5).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "sim/plan/task_graph.hpp"
#include "tests/sim/sim_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

namespace {
constexpr double kExact = 1e-9;

double completion(const RunResult& r, int f) { return r.frames.at(static_cast<std::size_t>(f)).completion_s; }

// A single transfer src → dst of `bytes` (a source and a sink role, no compute).
TaskGraph one_transfer(const Platform& p, const std::string& src, const std::string& dst, std::int64_t bytes) {
  GraphBuilder b(p);
  int s = b.role(RoleKind::Source, src);
  int k = b.role(RoleKind::Sink, dst);
  b.transfer(s, k, bytes);
  return b.g;
}

// The cloud pokes each station with 1 byte, then every station uploads `bytes` to the cloud at once.
TaskGraph concurrent_uploads(const Platform& p, const std::vector<std::string>& stations, std::int64_t bytes) {
  GraphBuilder b(p);
  int s = b.role(RoleKind::Source, "cloud");
  std::vector<int> mid;
  for (const auto& st : stations) mid.push_back(b.role(RoleKind::Compute, st));
  int k = b.role(RoleKind::Sink, "cloud");
  for (int m : mid) {
    b.transfer(s, m, 1);
    b.transfer(m, k, bytes);
  }
  return b.g;
}

Plan local_plan(const Model& m, const std::string& dev) {
  Plan p;
  p.source = p.sink = dev;
  p.stages.push_back(whole_stage(m, 1, m.size() - 1, dev));
  return p;
}

Plan band_plan(const Model& m) {
  Plan p;
  p.source = p.sink = "A";
  p.stages.push_back(band_stage(m, 1, 2, {"A", "B"}, {0.5, 0.5}));
  Stage s2 = whole_stage(m, 3, 4, "A");
  s2.input_bits = 16;
  p.stages.push_back(s2);
  return p;
}

// Three stages in a chain: S1@A 1 s → 1e5 B → S2@B 2 s → 1e5 B → S3@C 1 s → 1e5 B → sink@A.
TaskGraph three_stages(const Platform& p) {
  GraphBuilder b(p);
  int src = b.role(RoleKind::Source, "A");
  int s1 = b.role(RoleKind::Compute, "A", 1.0);
  int s2 = b.role(RoleKind::Compute, "B", 2.0);
  int s3 = b.role(RoleKind::Compute, "C", 1.0);
  int sink = b.role(RoleKind::Sink, "A");
  b.transfer(src, s1, 150528);  // local: the frame is already on A
  b.transfer(s1, s2, 100000);
  b.transfer(s2, s3, 100000);
  b.transfer(s3, sink, 100000);
  return b.g;
}
}  // namespace

TEST_CASE("edgesplit::simgrid: a wired transfer (cloud to station, the wired link is the bottleneck)", "[sim]") {
  // cloud→A 1000 B: route wan_DOWN (500 B/s) + air (A at 1e4 B/s): rate min(500, 1e4) = 500 → 2.0 s,
  // plus latency 0.1 (cloud link) + 0.01 (air hop) slept before the transfer = 2.11 s.
  Platform p = wifi_platform({"A"}, {1e4}, 500, 0.01, 0.1);
  SimJob j = job_of(p, one_transfer(p, "cloud", "A", 1000));
  RunResult sg = simgrid_one(j);
  REQUIRE(sg.status == "ok");
  CHECK(completion(sg, 0) == Approx(2.11).margin(kExact));
  CHECK(completion(run_analytic(j), 0) == Approx(2.11).margin(kExact));
  CHECK(sg.bytes_on_air == 1000);
}

TEST_CASE("edgesplit::simgrid: one station to AP transfer, and two concurrent ones share the air", "[sim]") {
  // Fast wired link (1e9 B/s): the air is the bottleneck. One upload A→cloud 1e6 B at r_A = 1e6: 1.0 s (+1 B poke
  // at 1e6: 1e-6 s) = 1.000001 s.
  Platform p = wifi_platform({"A", "B"}, {1e6, 1e6}, 1e9);
  SimJob one = job_of(p, concurrent_uploads(p, {"A"}, 1000000));
  CHECK(completion(simgrid_one(one), 0) == Approx(1.000001).margin(kExact));
  // Two at once: every flow gets x = 1/(1/r_A + 1/r_B) = 5e5 B/s (equal throughput on the one air constraint):
  // pokes 1 B each at 5e5 → 2e-6 s, uploads 1e6 B each at 5e5 → 2.0 s: both end at 2.000002 s.
  SimJob two = job_of(p, concurrent_uploads(p, {"A", "B"}, 1000000));
  RunResult sg = simgrid_one(two);
  CHECK(completion(sg, 0) == Approx(2.000002).margin(kExact));
  // The analytic executor lets each run alone (1e-6 + 1.0): SimGrid is slower by exactly 1.000001 s.
  RunResult an = run_analytic(two);
  CHECK(completion(an, 0) == Approx(1.000001).margin(kExact));
  CHECK(completion(sg, 0) - completion(an, 0) == Approx(1.000001).margin(kExact));
}

TEST_CASE("edgesplit::simgrid: station to station crosses the air twice", "[sim]") {
  // A→B 1e6 B: x·(1/r_A + 1/r_B) ≤ 1. r = 1e6, 1e6 → x = 5e5 → 2.0 s; r_B = 5e5 → x = 1/3e-6 → 3.0 s.
  Platform p = wifi_platform({"A", "B"}, {1e6, 1e6});
  SimJob j = job_of(p, one_transfer(p, "A", "B", 1000000));
  RunResult sg = simgrid_one(j);
  CHECK(completion(sg, 0) == Approx(2.0).margin(kExact));
  CHECK(completion(run_analytic(j), 0) == Approx(2.0).margin(kExact));
  CHECK(sg.bytes_on_air == 2000000);
  Platform q = wifi_platform({"A", "B"}, {1e6, 5e5});
  SimJob k = job_of(q, one_transfer(q, "A", "B", 1000000));
  CHECK(completion(simgrid_one(k), 0) == Approx(3.0).margin(kExact));
  CHECK(completion(run_analytic(k), 0) == Approx(3.0).margin(kExact));
}

TEST_CASE("edgesplit::simgrid: stations at different rates share the air (performance anomaly)", "[sim]") {
  // A at 1e6, C at 5e5, both upload 1e6 B to the cloud at once. Equal throughput x = 1/(1e-6 + 2e-6) = 333333.3 B/s:
  // pokes 1 B → 3e-6 s, uploads → 3.0 s: both done at 3.000003 s. Alone, A would take 1.0 s and C 2.0 s:
  // the analytic executor says max(1e-6 + 1.0, 2e-6 + 2.0) = 2.000002 s — SimGrid is 1.000001 s slower.
  Platform p = wifi_platform({"A", "C"}, {1e6, 5e5}, 1e9);
  SimJob j = job_of(p, concurrent_uploads(p, {"A", "C"}, 1000000));
  RunResult sg = simgrid_one(j);
  RunResult an = run_analytic(j);
  CHECK(completion(sg, 0) == Approx(3.000003).margin(kExact));
  CHECK(completion(an, 0) == Approx(2.000002).margin(kExact));
}

TEST_CASE("edgesplit::simgrid: a transfer to the cloud with latency slept before it", "[sim]") {
  // A→cloud 1e6 B: air 1e6, wired 5e5 → 2.0 s; latency 0.005 (air hop) + 0.02 (cloud link) → 2.025 s.
  Platform p = wifi_platform({"A"}, {1e6}, 5e5, 0.005, 0.02);
  SimJob j = job_of(p, one_transfer(p, "A", "cloud", 1000000));
  CHECK(completion(simgrid_one(j), 0) == Approx(2.025).margin(kExact));
  CHECK(completion(run_analytic(j), 0) == Approx(2.025).margin(kExact));
  CHECK(evaluate(j.graph, p).latency_s == Approx(2.025).margin(kExact));
}

TEST_CASE("edgesplit::simgrid: a compute task at two pstates", "[sim]") {
  // tiny_model on A at 1000 ops/s: 1152 + 2304 + 128 + 320 = 3904 ops → 3.904 s at p0 (speed 1), 7.808 s at p1 (0.5).
  Model m = tiny_model();
  Platform p = wifi_platform({"A"}, {1e6});
  SimJob j = job_of(p, build_task_graph(local_plan(m, "A"), m, p));
  CHECK(completion(simgrid_one(j), 0) == Approx(3.904).margin(kExact));
  CHECK(completion(run_analytic(j), 0) == Approx(3.904).margin(kExact));
  p.devices[0].pstate = 1;
  SimJob k = job_of(p, build_task_graph(local_plan(m, "A"), m, p));
  CHECK(completion(simgrid_one(k), 0) == Approx(7.808).margin(kExact));
  CHECK(evaluate(k.graph, p).latency_s == Approx(7.808).margin(kExact));
}

TEST_CASE("edgesplit::simgrid: a 3-stage pipeline's latency and period", "[sim]") {
  // Every hop is station→station at 1e6/1e6: 1e5 B at 5e5 B/s = 0.2 s. Frame 0 alone: 1 + 0.2 + 2 + 0.2 + 1 + 0.2
  // = 4.6 s. Role cycles (receive + compute + send): S1 1.2, S2 0.2 + 2 + 0.2 = 2.4, S3 1.4 → period 2.4 s, and the
  // transfers never overlap on the air (S2's receive [t, t+0.2] and send [t+2.2, t+2.4] interleave with S3's send
  // [t+3.4, t+3.6]), so both executors give frame f done at 4.6 + 2.4·f.
  Platform p = wifi_platform({"A", "B", "C"}, {1e6, 1e6, 1e6});
  SimJob j = job_of(p, three_stages(p), 10, true);
  Evaluation ev = evaluate(j.graph, p);
  CHECK(ev.latency_s == Approx(4.6).margin(kExact));
  CHECK(ev.period_s == Approx(2.4).margin(kExact));
  RunResult sg = simgrid_one(j);
  RunResult an = run_analytic(j);
  for (int f = 0; f < 10; ++f) {
    CHECK(completion(sg, f) == Approx(4.6 + 2.4 * f).margin(kExact));
    CHECK(completion(an, f) == Approx(4.6 + 2.4 * f).margin(kExact));
  }
  CHECK(sg.period_s == Approx(2.4).margin(kExact));
  CHECK(sg.latency_p50_s == Approx(an.latency_p50_s).margin(kExact));
  // Not pipelined: one frame at a time, 4.6 s each; closed arrivals issue a frame when it starts, so every
  // latency is 4.6 s.
  SimJob k = job_of(p, three_stages(p), 3, false);
  for (const RunResult& r : {simgrid_one(k), run_analytic(k)}) {
    CHECK(completion(r, 2) == Approx(13.8).margin(kExact));
    CHECK(r.latency_max_s == Approx(4.6).margin(kExact));
    CHECK(r.period_s == Approx(4.6).margin(kExact));
  }
}

TEST_CASE("edgesplit::simgrid: a band split with halo bytes", "[sim]") {
  // tiny_model, conv1..conv2 split A rows [0,4) / B rows [4,8), pool..fc on A (stage 2 input at 16 bit).
  // B gets input rows [2,8): 48 elements · 4 B = 192 B (64 B of it halo), A→B at x = 1/(1/1000+1/1000) = 500 B/s
  // → 0.384 s. A computes 1872 ops [0, 1.872]; B [0.384, 2.256]; B→A conv2 rows [4,8): 64 el · 2 B = 128 B
  // → 0.256 s [2.256, 2.512]; A stage 2 pool 128 + fc 320 = 0.448 s → 2.96 s. No overlap on the air.
  Model m = tiny_model();
  Platform p = wifi_platform({"A", "B"}, {1000, 1000});
  SimJob j = job_of(p, build_task_graph(band_plan(m), m, p));
  RunResult sg = simgrid_one(j);
  CHECK(completion(sg, 0) == Approx(2.96).margin(kExact));
  CHECK(completion(run_analytic(j), 0) == Approx(2.96).margin(kExact));
  CHECK(sg.bytes_on_air == 2 * (192 + 128));
  CHECK(sg.devices[1].busy_s == Approx(1.872).margin(kExact));
}

TEST_CASE("edgesplit::simgrid: an energy total (host plugin + radio airtime)", "[sim]") {
  // The band split above, makespan 2.96 s; p0 idle 2 W, busy 5 W; radio tx 1 W, rx 0.5 W.
  // A busy 1.872 + 0.448 = 2.32 s → 2.32·5 + 0.64·2 = 12.88 J; B busy 1.872 s → 9.36 + 1.088·2 = 11.536 J.
  // Radio: A→B 192 B at 1000 B/s airtime 0.192 s: A tx 0.192 J, B rx 0.096 J; B→A 128 B: B tx 0.128, A rx 0.064.
  // Total 12.88 + 11.536 + 0.256 + 0.224 = 24.896 J.
  Model m = tiny_model();
  Platform p = wifi_platform({"A", "B"}, {1000, 1000});
  SimJob j = job_of(p, build_task_graph(band_plan(m), m, p));
  RunResult sg = simgrid_one(j);
  CHECK(sg.devices[0].host_energy_J == Approx(12.88).margin(1e-9));
  CHECK(sg.devices[1].host_energy_J == Approx(11.536).margin(1e-9));
  CHECK(sg.devices[0].radio_energy_J == Approx(0.256).margin(1e-12));
  CHECK(sg.devices[1].radio_energy_J == Approx(0.224).margin(1e-12));
  CHECK(sg.energy_total_J == Approx(24.896).margin(1e-9));
  CHECK(run_analytic(j).energy_total_J == Approx(24.896).margin(1e-9));
}

TEST_CASE("edgesplit::simgrid: a Poisson arrival stream with a fixed seed", "[sim]") {
  // One 0.1 s task on A per frame, Poisson at 5 frames/s, seed 42. Reference: the arrival times from
  // mt19937_64(42), gap −ln(1−u)/5 with u = (x >> 11)·2^−53, and the single-server recurrence (Lindley)
  // done_f = max(arrival_f, done_{f−1}) + 0.1.
  Platform p = wifi_platform({"A"}, {1e6});
  GraphBuilder b(p);
  int s = b.role(RoleKind::Source, "A");
  int c = b.role(RoleKind::Compute, "A", 0.1);
  int k = b.role(RoleKind::Sink, "A");
  b.transfer(s, c, 100);
  b.transfer(c, k, 100);
  SimJob j = job_of(p, b.g, 20, false);
  j.workload.arrival = Arrival::Poisson;
  j.workload.rate_per_s = 5;
  j.seed = 42;
  std::mt19937_64 gen(42);
  double t = 0, done = 0;
  std::vector<double> expect;
  for (int f = 0; f < 20; ++f) {
    t += -std::log1p(-static_cast<double>(gen() >> 11) * 0x1.0p-53) / 5.0;
    done = std::max(t, done) + 0.1;
    expect.push_back(done);
  }
  RunResult sg = simgrid_one(j);
  RunResult an = run_analytic(j);
  for (int f = 0; f < 20; ++f) {
    CHECK(completion(sg, f) == Approx(expect[static_cast<std::size_t>(f)]).margin(kExact));
    CHECK(completion(an, f) == Approx(expect[static_cast<std::size_t>(f)]).margin(kExact));
  }
  CHECK(sg.frames[0].arrival_s > 0);
}

TEST_CASE("edgesplit::simgrid: bandwidth changes mid-run", "[sim]") {
  SECTION("cloud bandwidth re-rates a running transfer") {
    // A→cloud 1e6 B, air 1e7, wired 1e6 B/s; at 0.5 s the wired link drops to 2.5e5: 5e5 B sent by then, the other
    // 5e5 B at 2.5e5 take 2.0 s → done at 2.5 s.
    Platform p = wifi_platform({"A"}, {1e7}, 1e6);
    SimJob j = job_of(p, one_transfer(p, "A", "cloud", 1000000));
    j.dynamics.push_back({DynamicsEvent::Kind::CloudBandwidth, 0.5, "", 2.5e5, "", 0});
    CHECK(completion(simgrid_one(j), 0) == Approx(2.5).margin(kExact));
    CHECK(completion(run_analytic(j), 0) == Approx(2.5).margin(kExact));
  }
  SECTION("a station's rate changes between transfers, not during one") {
    // Two frames A→B 1e6 B, one at a time. B drops from 1e6 to 5e5 at 1.0 s, during frame 0 (started at 0 at
    // x = 5e5: 2.0 s, unaffected). Frame 1 starts at 2.0 at x = 1/(1e-6 + 2e-6): 3.0 s → 5.0 s.
    Platform p = wifi_platform({"A", "B"}, {1e6, 1e6});
    SimJob j = job_of(p, one_transfer(p, "A", "B", 1000000), 2, false);
    j.dynamics.push_back({DynamicsEvent::Kind::StationRate, 1.0, "B", 5e5, "", 0});
    RunResult sg = simgrid_one(j);
    CHECK(completion(sg, 0) == Approx(2.0).margin(kExact));
    CHECK(completion(sg, 1) == Approx(5.0).margin(kExact));
    CHECK(completion(run_analytic(j), 1) == Approx(5.0).margin(kExact));
  }
}

TEST_CASE("edgesplit::simgrid: a failed device fails the affected frames with a reason", "[sim]") {
  // The 3-stage pipeline (frames done at 4.6, 7.0, 9.4, ...); C fails at 7.5 (while S3 waits for frame 2): frames 0
  // and 1 complete, the other 8 fail, the run ends at 7.5.
  Platform p = wifi_platform({"A", "B", "C"}, {1e6, 1e6, 1e6});
  SimJob j = job_of(p, three_stages(p), 10, true);
  j.dynamics.push_back({DynamicsEvent::Kind::Failure, 7.5, "C", 0, "", 0});
  for (const RunResult& r : {simgrid_one(j), run_analytic(j)}) {
    INFO(r.executor << ": " << r.error);
    REQUIRE(r.frames.size() == 10);
    CHECK(r.status == "failed");
    CHECK(r.frames_completed == 2);
    CHECK(r.frames_failed == 8);
    CHECK(r.frames[2].failure == "device 'C' failed at 7.5 s");
    CHECK(r.makespan_s == Approx(7.5).margin(kExact));
    CHECK(completion(r, 1) == Approx(7.0).margin(kExact));
  }
}

TEST_CASE("edgesplit::simgrid: a pstate change and a straggler re-rate running computations", "[sim]") {
  // 4 s of work on A. At 1.0 s A drops to p1 (speed 0.5): 1 s done, 3 s of work at 0.5 → 6 s → 7.0 s.
  // With a 2× straggler over [0.5, 1.5) instead: 0.5 + 0.5 (1 s at half speed) + 3 → done at 4.5 s.
  Platform p = wifi_platform({"A"}, {1e6});
  GraphBuilder b(p);
  int s = b.role(RoleKind::Source, "A");
  int c = b.role(RoleKind::Compute, "A", 4.0);
  int k = b.role(RoleKind::Sink, "A");
  b.transfer(s, c, 1);
  b.transfer(c, k, 1);
  SimJob j = job_of(p, b.g);
  j.dynamics.push_back({DynamicsEvent::Kind::PState, 1.0, "A", 0, "p1", 0});
  CHECK(completion(simgrid_one(j), 0) == Approx(7.0).margin(kExact));
  CHECK(completion(run_analytic(j), 0) == Approx(7.0).margin(kExact));
  SimJob st = job_of(p, b.g);
  st.dynamics.push_back({DynamicsEvent::Kind::Straggler, 0.5, "A", 2.0, "", 1.0});
  CHECK(completion(simgrid_one(st), 0) == Approx(4.5).margin(kExact));
  CHECK(completion(run_analytic(st), 0) == Approx(4.5).margin(kExact));
}

TEST_CASE("edgesplit::fork_runner: batches give the same results as one job per child", "[sim]") {
  Platform p = wifi_platform({"A", "B", "C"}, {1e6, 1e6, 1e6});
  std::vector<SimJob> jobs;
  for (int n = 1; n <= 5; ++n) jobs.push_back(job_of(p, three_stages(p), n, true));
  auto batched = run_simgrid_forked(jobs, {2, 3});
  auto single = run_simgrid_forked(jobs, {1, 1});
  REQUIRE(batched.size() == 5);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    CHECK(batched[i].frames_completed == static_cast<int>(i) + 1);
    CHECK(batched[i].makespan_s == single[i].makespan_s);
    CHECK(batched[i].makespan_s == Approx(4.6 + 2.4 * static_cast<double>(i)).margin(kExact));
  }
}

TEST_CASE("edgesplit::fork_runner: a job that aborts SimGrid fails alone with its error", "[sim]") {
  // A job that fails inside the child (here an unknown pstate in its dynamics, thrown while its sub-platform is
  // built) takes its batch's child down; the runner re-runs that batch one job per child, so the bad job fails alone
  // with its error recorded and the others in its batch succeed.
  Platform p = wifi_platform({"A", "B"}, {1e6, 1e6});
  SimJob good = job_of(p, one_transfer(p, "A", "B", 1000000));
  SimJob bad = good;
  bad.dynamics.push_back({DynamicsEvent::Kind::PState, 0.1, "A", 0, "turbo", 0});
  auto res = run_simgrid_forked({good, bad, good}, {1, 10});
  CHECK(res[0].status == "ok");
  CHECK(res[2].status == "ok");
  CHECK(res[0].makespan_s == Approx(2.0).margin(kExact));
  CHECK(res[1].status == "error");
  CHECK_THAT(res[1].error, Catch::Contains("unknown pstate 'turbo'"));
}
