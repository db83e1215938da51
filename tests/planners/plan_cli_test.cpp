// `edgesplit plan SCENARIO --json` end to end: the binary on a DeepThings scenario prints each tile's rectangles as
// derived by hand (deepthings_test.cpp), and a degenerate grid exits 2 with the planner's message.
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

TEST_CASE("edgesplit plan --json: per-device rectangles and MACs of a DeepThings plan", "[planners]") {
  ShellRun r = run("plan tests/planners/data/ftp_yolo.yaml --json", false);
  REQUIRE(r.exit_code == 0);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["planner"] == "deepthings");
  const auto& pieces = j["regions"]["stages"][0]["pieces"];
  REQUIRE(pieces.size() == 4);
  // 2×2 on 38×38: stride 19. Tile (1,1) produces rows/cols [19, 37] of layer 16 and reads image rows/cols
  // [16·19 − 59, 607] = [245, 607]; tile (0,0) produces [0, 18] and reads [0, 16·18 + 74] = [0, 362].
  CHECK(pieces[3]["layers"][15]["out"] == nlohmann::json({{"rows", {19, 37}}, {"cols", {19, 37}}}));
  CHECK(pieces[3]["layers"][0]["in"] == nlohmann::json({{"rows", {245, 607}}, {"cols", {245, 607}}}));
  CHECK(pieces[0]["layers"][0]["in"] == nlohmann::json({{"rows", {0, 362}}, {"cols", {0, 362}}}));
  // Executed accounting: the first conv of tile (0,0) runs on its whole 363×363 input tile: 363²·32·27 MACs.
  CHECK(pieces[0]["layers"][0]["macs"] == std::int64_t(363) * 363 * 32 * 27);
  CHECK(j["evaluation"]["provenance"].get<std::string>().rfind("simulated (analytic executor", 0) == 0);
  CHECK(j["evaluation"]["latency_s"].get<double>() > 0);
}

TEST_CASE("edgesplit plan: a degenerate FTP grid exits 2 naming the option", "[planners]") {
  ShellRun r = run("plan tests/planners/data/ftp_degenerate.yaml", true);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("planner.options.grid_rows") && Catch::Contains("degenerate FTP grid: 20 rows"));
}
