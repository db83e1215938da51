// `edgesplit plan` / `simulate` on the AWD scenarios: a replicated plan printed per replica, a requirement the
// platform cannot meet refused with exit 2, re-planning at the Nano's failure visible in the provenance.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <sys/wait.h>

#include "tests/unit/shell.hpp"

namespace {
using edgesplit::testing::ShellRun;
ShellRun run(const std::string& args, bool with_stderr) {
  return edgesplit::testing::run_edgesplit(args, with_stderr ? edgesplit::testing::Stderr::merged : edgesplit::testing::Stderr::discarded);
}
}  // namespace

TEST_CASE("edgesplit plan --json: AWD's replicas on the Odroid XU4 + Pi 4 + Nano meet 200 fps", "[planners]") {
  ShellRun r = run("plan scenarios/paper/awd/odroid_pi4_nano.yaml --json", false);
  REQUIRE(r.exit_code == 0);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["planner"] == "awd");
  const auto& reps = j["evaluation"]["replicas"];
  REQUIRE(reps.size() == 3);
  // The stream bound and the weighted top-1, recomputed from the per-replica figures: min_k 1/(w_k t_k), Σ w_k A_k.
  double shares = 0, acc = 0, bound = 1e300;
  for (const auto& x : reps) {
    double w = x["share"].get<double>();
    shares += w;
    acc += w * x["accuracy_top1"].get<double>();
    bound = std::min(bound, 1.0 / (w * x["period_s"].get<double>()));
  }
  CHECK(shares == Approx(1.0).margin(1e-12));
  CHECK(j["evaluation"]["accuracy_top1"].get<double>() == Approx(acc).epsilon(1e-12));
  CHECK(j["evaluation"]["stream_fps"].get<double>() == Approx(bound).epsilon(1e-12));
  CHECK(bound >= 200.0);  // the scenario's required_fps
  // Shares ∝ 1/period: every replica saturates at the same stream rate.
  for (const auto& x : reps) CHECK(1.0 / (x["share"].get<double>() * x["period_s"].get<double>()) == Approx(bound).epsilon(1e-9));
}

TEST_CASE("edgesplit plan: a requirement the boards cannot meet exits 2 with on_infeasible: error", "[planners]") {
  ShellRun r = run("plan scenarios/paper/awd/odroid_pi4_nano.yaml --planner-options "
              "'{\"required_fps\": 1000, \"on_infeasible\": \"error\"}'",
              true);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("planner.options.required_fps: planner 'awd' (joint) cannot meet the requirement on "
                                    "this platform: throughput") &&
                        Catch::Contains("fps < required 1000 fps"));
}

TEST_CASE("edgesplit simulate: AWD re-plans when the Nano fails and when the XU4 slows down", "[planners]") {
  ShellRun r = run("simulate scenarios/paper/awd/nano_failure.yaml --json", false);
  REQUIRE(r.exit_code == 0);
  nlohmann::json j = nlohmann::json::parse(r.out);
  std::string replanning = j["provenance"]["replanning"];
  INFO(replanning);
  auto at2 = replanning.find("t=2 s: awd joint:"), at4 = replanning.find("t=4 s: awd joint:");
  REQUIRE(at2 != std::string::npos);
  REQUIRE(at4 != std::string::npos);
  CHECK(replanning.find("nano", at2) == std::string::npos);  // no replica on the failed board after 2 s
  CHECK(replanning.find("(requirement met)", at4) != std::string::npos);
  CHECK(j["frames_completed"] == 240);
}
