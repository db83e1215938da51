// `edgesplit plan` on HALP scenarios: a plan that runs a model variant of another family than the scenario's prints
// and exports the variant's layers; the plan says its devices compute one piece at a time; a bad option exits 2.
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

TEST_CASE("edgesplit plan: HALP's selected variant is what the plan shows, layer names included", "[planners]") {
  const std::string scenario = "plan tests/planners/data/halp_vgg_scenario_mobilenet_selection.yaml";
  ShellRun text = run(scenario, false);
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("(mobilenet_v1_"));  // the variant after the scenario's model
  CHECK_THAT(text.out, Catch::Contains("devices compute one piece at a time, in order"));
  // Stage 0 is MobileNet's stem, not VGG-16's conv1_1.
  CHECK_THAT(text.out, Catch::Contains("stage 0: layers 1..1 (Conv2d_0..Conv2d_0)"));
  CHECK_THAT(text.out, !Catch::Contains("conv1_1"));
  ShellRun json = run(scenario + " --json", false);
  REQUIRE(json.exit_code == 0);
  nlohmann::json j = nlohmann::json::parse(json.out);
  CHECK(j["sequential_devices"] == true);
  CHECK(j["model_variant"].get<std::string>().rfind("mobilenet_v1_", 0) == 0);
  CHECK(j["model"] == j["model_variant"]);
  CHECK(j["regions"]["stages"][0]["pieces"][0]["layers"][0]["name"] == "Conv2d_0");
  CHECK(j["accuracy_top1"].get<double>() > 0);
}

TEST_CASE("edgesplit plan: a bad HALP option exits 2 naming the key", "[planners]") {
  ShellRun r = run("plan scenarios/paper/halp/pi4_vgg16.yaml --planner-options '{\"secondaries\": \"pi1,pi7\"}'", true);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("planner.options.secondaries") && Catch::Contains("pi7"));
}
