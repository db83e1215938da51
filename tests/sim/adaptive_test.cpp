// Replicated plans and re-planning at dynamics events in the analytic executor, against times worked out by hand.
// Fixture profiles: p0 speed 1, so a role's time_ref_s is its compute time in seconds; 0-byte transfers are instant.
#include <catch2/catch.hpp>

#include "sim/exec/analytic.hpp"
#include "tests/sim/sim_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

namespace {
constexpr double kExact = 1e-9;

// Requester A sends the frame to `dev`, which computes for `seconds`, and the result comes back to A.
TaskGraph offload_to(const Platform& p, const std::string& dev, double seconds) {
  GraphBuilder b(p);
  int s = b.role(RoleKind::Source, "A");
  int c = b.role(RoleKind::Compute, dev, seconds);
  int k = b.role(RoleKind::Sink, "A");
  b.transfer(s, c, 0);
  b.transfer(c, k, 0);
  return b.g;
}

std::vector<double> completions(const RunResult& r) {
  std::vector<double> c;
  for (const auto& f : r.frames) c.push_back(f.completion_s);
  return c;
}
}  // namespace

TEST_CASE("edgesplit::run_analytic: request-level replicas share the stream by smooth weighted round-robin", "[sim]") {
  // Shares 2/3 : 1/3. Round-robin credits: (2/3, 1/3) → replica 0, (1/3, 2/3) → 1, (1, 0) → 0, then it repeats:
  // frames go 0, 1, 0, 0, 1, 0. Closed loop, each replica gating its own frames: replica 0 (B, 1 s) serves f0 0→1,
  // f2 1→2, f3 2→3, f5 3→4; replica 1 (C, 3 s) serves f1 0→3, f4 3→6.
  Platform p = wifi_platform({"A", "B", "C"}, {1e6, 1e6, 1e6});
  SimJob j = job_of(p, offload_to(p, "B", 1.0), 6);
  j.replicas = Deployment{{offload_to(p, "B", 1.0), offload_to(p, "C", 3.0)}, {2.0 / 3, 1.0 / 3}, {70.0, 60.0}, "", ""};
  RunResult r = run_analytic(j);
  REQUIRE(r.status == "ok");
  std::vector<double> want = {1, 3, 2, 3, 6, 4};
  auto got = completions(r);
  REQUIRE(got.size() == want.size());
  for (std::size_t f = 0; f < want.size(); ++f) CHECK(got[f] == Approx(want[f]).margin(kExact));
  CHECK(r.makespan_s == Approx(6.0).margin(kExact));
  // Four frames at 70 %, two at 60 %.
  CHECK(r.accuracy_top1 == Approx((4 * 70.0 + 2 * 60.0) / 6).margin(1e-12));
  // Busy: B 4 × 1 s, C 2 × 3 s.
  CHECK(r.devices[1].busy_s == Approx(4.0).margin(kExact));
  CHECK(r.devices[2].busy_s == Approx(6.0).margin(kExact));
}

TEST_CASE("edgesplit::run_analytic: re-planning at a failure loses only the interrupted frame", "[sim]") {
  // B computes 2 s per frame; B fails at 5 s. f0 0→2, f1 2→4; f2 starts at 4 and is lost at 5. The replanner, asked
  // at 5 s on a platform without B, moves the work to C (2 s): f3 5→7, f4 7→9.
  Platform p = wifi_platform({"A", "B", "C"}, {1e6, 1e6, 1e6});
  SimJob j = job_of(p, offload_to(p, "B", 2.0), 5);
  j.dynamics.push_back({DynamicsEvent::Kind::Failure, 5.0, "B", 0, "", 0});
  std::vector<double> asked_at;
  std::vector<std::size_t> devices_seen;
  j.replan = [&](const Platform& now, double t) {
    asked_at.push_back(t);
    devices_seen.push_back(now.devices.size());
    const char* dev = now.index_of("B") >= 0 ? "B" : "C";
    return Deployment{{offload_to(now, dev, 2.0)}, {1.0}, {71.0}, "", std::string("on ") + dev};
  };
  RunResult r = run_analytic(j);
  REQUIRE(asked_at == std::vector<double>{5.0});
  CHECK(devices_seen == std::vector<std::size_t>{2});  // A and C
  CHECK(r.status == "failed");
  CHECK(r.frames_completed == 4);
  CHECK(r.frames_failed == 1);
  CHECK_FALSE(r.frames[2].ok);
  CHECK(r.frames[2].failure == "device 'B' failed at 5 s");
  auto c = completions(r);
  CHECK(c[0] == Approx(2).margin(kExact));
  CHECK(c[1] == Approx(4).margin(kExact));
  CHECK(r.frames[3].start_s == Approx(5).margin(kExact));
  CHECK(c[3] == Approx(7).margin(kExact));
  CHECK(c[4] == Approx(9).margin(kExact));
  CHECK(r.makespan_s == Approx(9).margin(kExact));
  // B's lost second (4→5) never finished, so only f0 and f1 count as busy; C served two frames.
  CHECK(r.devices[1].busy_s == Approx(4.0).margin(kExact));
  CHECK(r.devices[2].busy_s == Approx(4.0).margin(kExact));
  CHECK(r.provenance.at("replanning").find("t=5 s: on C") != std::string::npos);
}

TEST_CASE("edgesplit::run_analytic: a switch drains the old deployment and follows the station rate", "[sim]") {
  // A 1e6-byte offload to B at 1e6 B/s each way: air rate 1/(1/1e6 + 1/1e6) = 5e5 → 2 s up, then 1 s compute,
  // 0-byte result: 3 s per frame. At 4 s B's rate drops to 2.5e5; the replanner then keeps the frame on A (4 s
  // local compute). f0 0→3, f1 3→6 (started before the event: old plan, undisturbed — rates apply to transfers
  // starting after the change); f2 is due at 6 > 4, so the new deployment serves it after the drain: 6→10, f3 10→14.
  Platform p = wifi_platform({"A", "B"}, {1e6, 1e6});
  auto offload = [](const Platform& pl) {
    GraphBuilder b(pl);
    int s = b.role(RoleKind::Source, "A");
    int c = b.role(RoleKind::Compute, "B", 1.0);
    int k = b.role(RoleKind::Sink, "A");
    b.transfer(s, c, 1000000);
    b.transfer(c, k, 0);
    return b.g;
  };
  SimJob j = job_of(p, offload(p), 4);
  j.dynamics.push_back({DynamicsEvent::Kind::StationRate, 4.0, "B", 2.5e5, "", 0});
  double rate_seen = 0;
  j.replan = [&](const Platform& now, double) {
    rate_seen = now.devices[static_cast<std::size_t>(now.index_of("B"))].wifi_rate_Bps;
    return Deployment{{offload_to(now, "A", 4.0)}, {1.0}, {71.0}, "", "local"};
  };
  RunResult r = run_analytic(j);
  CHECK(rate_seen == 2.5e5);
  auto c = completions(r);
  REQUIRE(c.size() == 4);
  CHECK(c[0] == Approx(3).margin(kExact));
  CHECK(c[1] == Approx(6).margin(kExact));
  CHECK(c[2] == Approx(10).margin(kExact));
  CHECK(c[3] == Approx(14).margin(kExact));
}

TEST_CASE("edgesplit::run_analytic: frames wait out an epoch the planner cannot serve", "[sim]") {
  // B (2 s per frame) fails at 3 s and the planner finds nothing until B's pstate event at 7 s is re-planned...
  // here the planner refuses at 3 s and offers C at 7 s: f0 0→2; f1 starts at 2, lost at 3; f2 waits for 7: 7→9.
  // With no later epoch the waiting frames fail with the planner's error.
  Platform p = wifi_platform({"A", "B", "C"}, {1e6, 1e6, 1e6});
  SimJob j = job_of(p, offload_to(p, "B", 2.0), 3);
  j.dynamics.push_back({DynamicsEvent::Kind::Failure, 3.0, "B", 0, "", 0});
  j.dynamics.push_back({DynamicsEvent::Kind::PState, 7.0, "C", 0, "p0", 0});
  j.replan = [&](const Platform& now, double t) -> Deployment {
    if (t < 7) throw std::runtime_error("no device meets the deadline");
    return Deployment{{offload_to(now, "C", 2.0)}, {1.0}, {71.0}, "", "on C"};
  };
  RunResult r = run_analytic(j);
  CHECK(r.frames_completed == 2);
  CHECK(r.frames[1].failure == "device 'B' failed at 3 s");
  CHECK(r.frames[2].start_s == Approx(7).margin(kExact));
  CHECK(r.frames[2].completion_s == Approx(9).margin(kExact));

  SimJob none = job_of(p, offload_to(p, "B", 2.0), 3);
  none.dynamics.push_back({DynamicsEvent::Kind::Failure, 3.0, "B", 0, "", 0});
  none.replan = [](const Platform&, double) -> Deployment { throw std::runtime_error("no device meets the deadline"); };
  RunResult n = run_analytic(none);
  CHECK(n.frames_completed == 1);
  CHECK(n.frames[2].failure == "re-planning at 3 s failed: no device meets the deadline");
}

TEST_CASE("edgesplit::platform_at: rates, cloud bandwidth and pstates in force; failed devices gone", "[sim]") {
  Platform p = wifi_platform({"A", "B", "C"}, {1e6, 2e6, 3e6}, 1e7);
  std::vector<DynamicsEvent> dyn = {{DynamicsEvent::Kind::StationRate, 1.0, "B", 5e5, "", 0},
                                    {DynamicsEvent::Kind::CloudBandwidth, 2.0, "", 1e6, "", 0},
                                    {DynamicsEvent::Kind::PState, 2.0, "C", 0, "p1", 0},
                                    {DynamicsEvent::Kind::Failure, 3.0, "B", 0, "", 0}};
  Platform at1 = platform_at(p, dyn, 1.0);
  CHECK(at1.devices[1].wifi_rate_Bps == 5e5);
  CHECK(at1.network.cloud_bandwidth_Bps == 1e7);
  CHECK(at1.devices[2].pstate == 0);
  Platform at2 = platform_at(p, dyn, 2.5);
  CHECK(at2.network.cloud_bandwidth_Bps == 1e6);
  CHECK(at2.devices[2].pstate == 1);
  Platform at3 = platform_at(p, dyn, 3.0);
  REQUIRE(at3.devices.size() == 3);  // A, C, cloud
  CHECK(at3.index_of("B") == -1);
  CHECK(at3.requester == "A");
  std::vector<DynamicsEvent> req_fails = {{DynamicsEvent::Kind::Failure, 1.0, "A", 0, "", 0}};
  CHECK_THROWS_WITH(platform_at(p, req_fails, 1.0), Catch::Contains("the requester 'A' failed at 1 s"));
}

TEST_CASE("edgesplit::simgrid: replicated and re-planned jobs are refused with the reason", "[sim]") {
  Platform p = wifi_platform({"A", "B"}, {1e6, 1e6});
  SimJob j = job_of(p, offload_to(p, "B", 1.0), 2);
  j.replicas = Deployment{{offload_to(p, "B", 1.0)}, {1.0}, {70.0}, "", ""};
  RunResult r = simgrid_one(j);
  CHECK(r.status == "error");
  CHECK(r.error == "a replicated plan runs on the analytic executor only (--executor analytic)");
}
