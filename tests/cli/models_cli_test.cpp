// The built binary: `edgesplit models` / `edgesplit model show` — exit codes, error messages and JSON fields.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <sys/wait.h>

#include "tests/unit/shell.hpp"

namespace {

using edgesplit::testing::ShellRun;
ShellRun run_binary(const std::string& args) { return edgesplit::testing::run_edgesplit(args); }

}  // namespace

TEST_CASE("edgesplit models: unknown model name exits 2 with a suggestion", "[cli]") {
  ShellRun r = run_binary("model show resnet5");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("unknown model 'resnet5'; did you mean 'resnet50'?"));
  ShellRun r2 = run_binary("model show no_such_net");
  CHECK(r2.exit_code == 2);
  CHECK_THAT(r2.out, Catch::Contains("unknown model 'no_such_net'"));
  CHECK_THAT(r2.out, Catch::Contains("yolov2_608_first16"));  // the known names are listed
}

TEST_CASE("edgesplit models --json: every zoo model with its published figures", "[cli]") {
  ShellRun r = run_binary("models --json");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.is_array());
  CHECK(j.size() == 30);
  bool seen = false;
  for (const auto& m : j)
    if (m["name"] == "resnet50") {
      seen = true;
      CHECK(m["params"] == 25557032);  // torchvision, exact
      CHECK(m["top1"] == 76.13);
      CHECK(m["input"] == nlohmann::json::array({3, 224, 224}));
      CHECK(m["provenance"]["top1"] == "published");
    }
  CHECK(seen);
}

TEST_CASE("edgesplit model show --json: per-layer shapes and MACs", "[cli]") {
  ShellRun r = run_binary("model show yolov2_608_first16 --json");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["macs"] == 13000343552LL);
  REQUIRE(j["layers"].size() == 17);
  const auto& last = j["layers"][16];
  CHECK(last["name"] == "conv15");
  CHECK(last["out"] == nlohmann::json::array({256, 38, 38}));
  CHECK(last["macs"] == 38LL * 38 * 256 * 512);  // 1x1 conv 512 → 256 on 38x38
}

TEST_CASE("edgesplit models: table lists every model", "[cli]") {
  ShellRun r = run_binary("models");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("mobilenet_v1_0.25_128"));
  CHECK_THAT(r.out, Catch::Contains("inception_v3"));
  CHECK_THAT(r.out, Catch::Contains("31.469"));  // yolov2_608 GMACs
}
