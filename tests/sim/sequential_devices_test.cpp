// Sequential devices (TaskGraph::sequential_devices, Plan::sequential_devices): a device computes its roles one at a
// time in role-index order, frame after frame, in both executors alike; sending does not hold it. Times by hand.
#include <catch2/catch.hpp>

#include "sim/plan/plan_json.hpp"
#include "sim/plan/task_graph.hpp"
#include "tests/sim/sim_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

namespace {
constexpr double kExact = 1e-9;

double completion(const RunResult& r, int f) { return r.frames.at(static_cast<std::size_t>(f)).completion_s; }

// Two compute roles on A, `first` (index 1) and `second` (index 2): `long_first` puts the 2 s role first, else the
// 1 s role whose result B waits for. The 1 s role sends 1e5 B to a 1 s role on B, which sends 1e5 B to the sink on
// A; the 2 s role's result stays on A. A, B at 1e6 B/s: station→station 5e5 B/s, 0.2 s per message.
TaskGraph two_on_a(const Platform& p, bool long_first, bool sequential) {
  GraphBuilder b(p);
  int src = b.role(RoleKind::Source, "A");
  int first = b.role(RoleKind::Compute, "A", long_first ? 2.0 : 1.0);
  int second = b.role(RoleKind::Compute, "A", long_first ? 1.0 : 2.0);
  int feeds_b = long_first ? second : first, stays = long_first ? first : second;
  int on_b = b.role(RoleKind::Compute, "B", 1.0);
  int sink = b.role(RoleKind::Sink, "A");
  b.transfer(src, first, 1);  // local
  b.transfer(src, second, 1);
  b.transfer(feeds_b, on_b, 100000);
  b.transfer(stays, sink, 1);
  b.transfer(on_b, sink, 100000);
  b.g.sequential_devices = sequential;
  return b.g;
}
}  // namespace

TEST_CASE("edgesplit::executors: sequential devices compute one role at a time, in index order", "[sim]") {
  Platform p = wifi_platform({"A", "B"}, {1e6, 1e6});
  SECTION("concurrent roles (the default): the analytic executor gives each the whole device, SimGrid shares it") {
    // Analytic: 2 s role 0-2, 1 s role 0-1, → B 1-1.2, B 1.2-2.2, → sink 2.2-2.4. SimGrid: both at half speed until
    // the 1 s role ends at 2, the 2 s role's last second 2-3; → B 2-2.2, B 2.2-3.2, → sink 3.4.
    SimJob j = job_of(p, two_on_a(p, true, false));
    CHECK(evaluate(j.graph, p).latency_s == Approx(2.4).margin(kExact));
    CHECK(completion(run_analytic(j), 0) == Approx(2.4).margin(kExact));
    CHECK(completion(simgrid_one(j), 0) == Approx(3.4).margin(kExact));
  }
  SECTION("sequential, the long role first: both executors 4.4 s") {
    // A: 2 s role 0-2, then the 1 s role 2-3; → B 3-3.2, B 3.2-4.2, → sink 4.2-4.4.
    SimJob j = job_of(p, two_on_a(p, true, true));
    CHECK(evaluate(j.graph, p).latency_s == Approx(4.4).margin(kExact));
    CHECK(completion(run_analytic(j), 0) == Approx(4.4).margin(kExact));
    RunResult sg = simgrid_one(j);
    CHECK(completion(sg, 0) == Approx(4.4).margin(kExact));
    CHECK(sg.devices[0].busy_s == Approx(3.0).margin(kExact));
  }
  SECTION("sequential, what B waits for first (HALP's order): 3 s, and the period is A's 3 s of work") {
    // A: 1 s role 0-1 (its result leaves while A computes on), 2 s role 1-3; → B 1-1.2, B 1.2-2.2, → sink 2.2-2.4;
    // the 2 s role's result is on A at 3.
    SimJob j = job_of(p, two_on_a(p, false, true));
    Evaluation ev = evaluate(j.graph, p);
    CHECK(ev.latency_s == Approx(3.0).margin(kExact));
    CHECK(ev.period_s == Approx(3.0).margin(kExact));  // A computes 3 s per frame
    CHECK(completion(run_analytic(j), 0) == Approx(3.0).margin(kExact));
    CHECK(completion(simgrid_one(j), 0) == Approx(3.0).margin(kExact));
    // Pipelined, three frames: A is the bottleneck. Frame 1's 1 s role waits for A until 3 (3-4), its 2 s role 4-6;
    // → B 4-4.2, B 4.2-5.2, → sink 5.4; frame 1 done at 6, frame 2 at 9. No two transfers ever overlap on the air.
    SimJob k = job_of(p, two_on_a(p, false, true), 3, true);
    RunResult an = run_analytic(k), sg = simgrid_one(k);
    for (int f = 0; f < 3; ++f) {
      CHECK(completion(an, f) == Approx(3.0 * (f + 1)).margin(kExact));
      CHECK(completion(sg, f) == Approx(3.0 * (f + 1)).margin(kExact));
    }
  }
}

TEST_CASE("edgesplit::Plan: sequential_devices reaches the task graph and round-trips through JSON", "[sim]") {
  Model m = tiny_model();
  Platform p = wifi_platform({"A", "B"}, {1000, 1000});
  Plan plan;
  plan.source = plan.sink = "A";
  plan.stages.push_back(band_stage(m, 1, m.size() - 1, {"A", "B"}, {0.5, 0.5}));
  CHECK_FALSE(build_task_graph(plan, m, p).sequential_devices);
  CHECK_FALSE(plan_to_json(plan, m).contains("sequential_devices"));  // absent unless set: earlier outputs unchanged
  plan.sequential_devices = true;
  CHECK(build_task_graph(plan, m, p).sequential_devices);
  nlohmann::json j = plan_to_json(plan, m);
  CHECK(j.at("sequential_devices") == true);
  CHECK(plan_from_json(j).sequential_devices);
}
