// `edgesplit emulate` end to end through the binary: a scenario file in, report and runs.csv rows out; bad flags
// exit 2 with the documented message.
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "tests/unit/shell.hpp"
#include "runtime/netns.hpp"
#include "runtime/process.hpp"

namespace {

using edgesplit::testing::ShellRun;
ShellRun run(const std::string& cmd) { return edgesplit::testing::run_shell(cmd); }

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
  const ShellRun r = run(std::string(EDGESPLIT_BINARY) + " emulate " + scenario + " --frames 2 --net pace --csv " + csv);
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
  const ShellRun r = run(std::string(EDGESPLIT_BINARY) + " emulate x.yaml --net wifi");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("--net: unknown net 'wifi'"));
  // --dilation: 'auto' or a number >= 1 (a world faster than real time would make every task overrun).
  for (const std::string bad : {"0.5", "fast", "2x"}) {
    const ShellRun d = run(std::string(EDGESPLIT_BINARY) + " emulate x.yaml --dilation " + bad);
    CHECK(d.exit_code == 2);
    CHECK_THAT(d.out, Catch::Contains("--dilation: expected 'auto' or a number >= 1, found '" + bad + "'"));
  }
}

TEST_CASE("edgesplit::cli emulate: SIGTERM mid-run removes the namespaces and leaves no worker running",
          "[runtime][emulation][cli][netns]") {
  using namespace edgesplit::runtime;
  const Capability cap = probe_netns();
  if (!cap.ok) {
    WARN("skipped: network namespaces unavailable: " << cap.reason);
    return;
  }
  const auto dir = std::filesystem::temp_directory_path() / ("es_emulate_term_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string scenario = write_scenario(dir);
  ChildProcess emu = ChildProcess::spawn(
      {EDGESPLIT_BINARY, "emulate", scenario, "--frames", "1000", "--net", "netns", "--no-simulate"}, "", true);
  const std::string prefix = fmt::format("es{}n", emu.pid());
  // Its worker processes: children of the emulator (from /proc/PID/stat's 4th field).
  auto workers = [&] {
    std::vector<int> pids;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
      const std::string name = e.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream st(e.path() / "stat");
      std::string line;
      std::getline(st, line);
      const auto close = line.rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream rest(line.substr(close + 2));
      std::string state;
      int ppid = 0;
      rest >> state >> ppid;
      if (ppid == emu.pid()) pids.push_back(std::stoi(name));
    }
    return pids;
  };
  // Wait until the namespaces and both workers exist (the run is long: 1000 frames).
  std::vector<int> pids;
  for (int i = 0; i < 600 && (list_netns(prefix).size() < 3 || pids.size() < 2); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    pids = workers();
  }
  REQUIRE(list_netns(prefix).size() == 3);  // the AP and two stations
  REQUIRE(pids.size() == 2);
  REQUIRE(::kill(emu.pid(), SIGTERM) == 0);
  REQUIRE(emu.wait_exit(10));
  CHECK(emu.exit_description() == "exited with status 143");  // 128 + SIGTERM
  CHECK(list_netns(prefix).empty());
  auto alive = [](int pid) { return std::filesystem::exists("/proc/" + std::to_string(pid)); };
  for (int i = 0; i < 50 && (alive(pids[0]) || alive(pids[1])); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // PR_SET_PDEATHSIG: the kernel kills them
  for (int pid : pids) CHECK_FALSE(alive(pid));
  std::filesystem::remove_all(dir);
}
