// The coordinator: owned worker processes, a two-worker pipeline over real TCP, and fault detection (which worker,
// which frame, how soon) with every child reaped.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <filesystem>

#include "runtime/coordinator.hpp"
#include "tests/runtime/helpers.hpp"

using namespace edgesplit::runtime;
using namespace edgesplit::runtime::test;

namespace {

CoordinatorOptions options() {
  CoordinatorOptions o;
  o.binary = EDGESPLIT_BINARY;
  o.token = kToken;
  return o;
}

// Worker 0: slot 1 -> x2 -> slot 2 to worker 1; worker 1: slot 2 -> x3 -> slot 3 to the coordinator.
void assign_chain(Coordinator& c, PaceMode mode, double predicted_s) {
  RoleSpec r0;
  r0.worker = 0;
  r0.mode = mode;
  r0.peers[1] = c.endpoint(1);
  r0.tasks.push_back({100, "scale", {1}, {{2, {1}}}, predicted_s, {{"factor", 2}}, {}, {}, {}});
  RoleSpec r1;
  r1.worker = 1;
  r1.mode = mode;
  r1.tasks.push_back({101, "scale", {2}, {{3, {kCoordinator}}}, predicted_s, {{"factor", 3}}, {}, {}, {}});
  c.assign(r0);
  c.assign(r1);
}

WorkerLaunch local(int id) {
  WorkerLaunch w;
  w.id = id;
  return w;
}

bool process_gone(int pid) { return !std::filesystem::exists("/proc/" + std::to_string(pid)); }

}  // namespace

TEST_CASE("edgesplit::runtime::Coordinator: a two-worker pipeline computes every frame", "[runtime][coordinator]") {
  std::vector<int> pids;
  {
    Coordinator c(options());
    c.launch(local(0));
    c.launch(local(1));
    pids = {c.pid(0), c.pid(1)};
    // Paced: each task lasts at least its predicted 20 ms however fast the real compute is.
    assign_chain(c, PaceMode::paced, 0.020);
    for (std::uint32_t f = 0; f < 4; ++f) {
      c.begin_frame(f);
      c.send(0, make_tensor(f, 1, {1.f, 2.f, static_cast<float>(f)}));
      auto got = c.collect(f, 1, {0, 1}, 10);
      REQUIRE(got.outputs.size() == 1);
      CHECK(got.outputs[0].values == std::vector<float>{6.f, 12.f, 6.f * f});  // x2 then x3
      REQUIRE(got.reports.size() == 2);
      for (const auto& rep : got.reports) {
        REQUIRE(rep.tasks.size() == 1);
        CHECK(rep.tasks[0].end_s - rep.tasks[0].start_s >= 0.020);
        // Each worker sent one 3-float tensor: 12 header + 44 tensor header + 12 value bytes.
        CHECK(rep.bytes_to.at(rep.worker == 0 ? 1 : kCoordinator) == 68u);
      }
    }
    c.shutdown();
  }
  for (int pid : pids) CHECK(process_gone(pid));
}

TEST_CASE("edgesplit::runtime::Coordinator: a killed worker is reported with its frame, and nothing is left running",
          "[runtime][coordinator]") {
  std::vector<int> pids;
  int victim = -1;
  double killed_s = 0;
  std::optional<WorkerFailure> failure;
  {
    Coordinator c(options());
    c.launch(local(0));
    c.launch(local(1));
    pids = {c.pid(0), c.pid(1)};
    victim = c.pid(1);
    // 200 ms per task: frame 2 is certainly still in flight when worker 1 is killed right after its inputs left.
    assign_chain(c, PaceMode::paced, 0.200);
    try {
      for (std::uint32_t f = 0; f < 5; ++f) {
        c.begin_frame(f);
        c.send(0, make_tensor(f, 1, {1.f}));
        if (f == 2) {
          killed_s = monotonic_s();
          REQUIRE(::kill(victim, SIGKILL) == 0);
        }
        c.collect(f, 1, {0, 1}, 30);
      }
    } catch (const WorkerFailure& e) {
      failure = e;
    }
  }  // the coordinator's destructor kills and reaps worker 0
  REQUIRE(failure);
  CHECK(failure->worker == 1);
  CHECK(failure->frame == 2);
  CHECK(failure->pid == victim);
  CHECK_THAT(failure->cause, Catch::StartsWith("killed by signal 9"));
  CHECK_THAT(std::string(failure->what()),
             Catch::StartsWith(fmt::format("worker 1 (pid {}) failed during frame 2: killed by signal 9", victim)));
  // Requirement: reported within 5 s of the death.
  const double detect_s = failure->detected_s - killed_s;
  CHECK(detect_s < 5.0);
  for (int pid : pids) CHECK(process_gone(pid));
  // No child of ours is left, running or zombie.
  errno = 0;
  CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);
  CHECK(errno == ECHILD);
}

TEST_CASE("edgesplit::runtime::Coordinator: a worker whose compute fails is reported with the reason",
          "[runtime][coordinator]") {
  Coordinator c(options());
  c.launch(local(0));
  RoleSpec r;
  r.worker = 0;
  r.tasks.push_back({5, "sum", {1, 2}, {{3, {kCoordinator}}}, 0, {}, {}, {}, {}});
  c.assign(r);
  c.begin_frame(0);
  c.send(0, make_tensor(0, 1, {1.f, 2.f}));
  c.send(0, make_tensor(0, 2, {1.f}));
  try {
    c.collect(0, 1, {0}, 10);
    FAIL("no failure reported");
  } catch (const WorkerFailure& e) {
    CHECK(e.worker == 0);
    CHECK(e.frame == 0);
    CHECK(e.cause == "reported: task 5 (sum) failed in frame 0: sum: input 1 has 1 values, input 0 has 2");
  }
}

TEST_CASE("edgesplit::runtime::Coordinator: a worker binary that cannot start is reported, not leaked",
          "[runtime][coordinator]") {
  CoordinatorOptions o = options();
  o.binary = "/nonexistent/edgesplit";
  Coordinator c(o);
  try {
    c.launch(local(4));
    FAIL("launch succeeded");
  } catch (const WorkerFailure& e) {
    CHECK(e.worker == 4);
    CHECK(e.frame == -1);
    // exec failed in the child: our spawn exits it with 127.
    CHECK_THAT(e.cause, Catch::StartsWith("exited with status 127"));
  }
}
