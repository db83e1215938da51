// `edgesplit emulate` end to end through the binary: a scenario file in, report and runs.csv rows out; bad flags
// exit 2 with the documented message.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

struct Run {
  int exit_code = -1;
  std::string out;
};

Run run(const std::string& cmd) {
  Run r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = ::pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string write_scenario(const std::filesystem::path& dir) {
  const std::string yaml = R"(name: cli-emulate
model: mobilenet_v1_0.25_128
platform:
  platform: two
  devices:
    - {name: pi4, profile: rpi4b}
    - {name: nano, profile: jetson_nano}
  network:
    wifi: {rate: 50 Mbps, latency: 1 ms}
  requester: pi4
planner:
  name: even
  options: {}
workload: {frames: 2, arrival: closed}
objective: latency
seed: 1
)";
  const auto f = dir / "scenario.yaml";
  std::ofstream(f) << yaml;
  return f.string();
}

}  // namespace

TEST_CASE("edgesplit::cli emulate: report and runs.csv rows for an even split", "[runtime][emulation][cli]") {
  const auto dir = std::filesystem::temp_directory_path() / ("es_emulate_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string scenario = write_scenario(dir);
  const std::string csv = (dir / "runs.csv").string();
  const Run r = run(std::string(EDGESPLIT_BINARY) + " emulate " + scenario + " --frames 2 --net pace --csv " + csv);
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("equal within 1e-5 of the largest value"));
  CHECK_THAT(r.out, Catch::Contains("workers: 2, net: pace, mode: paced, frames: 2"));
  CHECK_THAT(r.out, Catch::Contains("bytes pi4 -> nano"));
  std::ifstream in(csv);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  REQUIRE(lines.size() == 3);  // header, the emulator's row, the simulator's row
  CHECK(lines[0].rfind("scenario,key,executor,status,", 0) == 0);
  CHECK(lines[1].find(",emulator,ok,2,2,0,") != std::string::npos);
  CHECK(lines[2].find(",simgrid,ok,2,2,0,") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("edgesplit::cli emulate: bad flags exit 2 naming the flag", "[runtime][emulation][cli]") {
  const Run r = run(std::string(EDGESPLIT_BINARY) + " emulate x.yaml --net wifi");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("--net: unknown net 'wifi'"));
}
