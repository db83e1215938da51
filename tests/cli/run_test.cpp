// `edgesplit run` / `edgesplit merge` end to end on real sweep files: determinism across -j and shards, crash safety
// (SIGKILL at exact journal points and at an arbitrary moment, then --resume), a failing scenario in the middle.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/shell.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kBin = EDGESPLIT_BINARY;
const std::string kSweep = std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/runner/sweep.yaml";  // 36 points

using Out = edgesplit::testing::ShellRun;
Out sh(const std::string& cmd) { return edgesplit::testing::run_shell(cmd); }

fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("edgesplit-run-test-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(d);
  return d;
}

// runs.csv without the two wall-time columns (the only ones allowed to differ between runs).
std::vector<std::string> deterministic_rows(const fs::path& dir) {
  std::ifstream f(dir / "runs.csv");
  std::vector<std::string> rows;
  std::string line;
  while (std::getline(f, line)) {
    for (int k = 0; k < 2; ++k) line = line.substr(0, line.rfind(','));
    rows.push_back(line);
  }
  return rows;
}

// Indices in a journal: each at most once.
std::multiset<int> journal_indices(const fs::path& dir) {
  std::multiset<int> out;
  for (const auto& e : fs::directory_iterator(dir / "journal")) {
    if (e.path().extension() != ".jsonl") continue;
    std::ifstream f(e.path());
    std::string line;
    while (std::getline(f, line)) out.insert(nlohmann::json::parse(line).at("index").get<int>());
  }
  return out;
}

const std::vector<std::string>& reference_rows() {
  static std::vector<std::string> rows = [] {
    fs::path d = fresh_dir("reference");
    Out o = sh(kBin + " run " + kSweep + " -j 1 --quiet --out " + d.string());
    REQUIRE(o.exit_code == 0);
    auto r = deterministic_rows(d);
    fs::remove_all(d);
    return r;
  }();
  return rows;
}

}  // namespace

TEST_CASE("edgesplit run: -j 1 and -j 2 give identical runs.csv", "[cli][runner]") {
  const auto& ref = reference_rows();
  REQUIRE(ref.size() == 37);  // header + 4 rates × 3 planners × 3 repeats
  CHECK(ref[0].rfind("index,platform.network.wifi.rate,planner.name,repeat,planner,scenario,key,", 0) == 0);
  fs::path d = fresh_dir("j2");
  Out o = sh(kBin + " run " + kSweep + " -j 2 --batch 5 --quiet --out " + d.string());
  REQUIRE(o.exit_code == 0);
  CHECK(o.out.find("36 run now") != std::string::npos);
  CHECK(deterministic_rows(d) == ref);
  fs::remove_all(d);
}

TEST_CASE("edgesplit run: killed at exact journal points, --resume completes without duplicates", "[cli][runner]") {
  const auto& ref = reference_rows();
  for (int crash_after : {1, 7, 20, 35}) {
    CAPTURE(crash_after);
    fs::path d = fresh_dir("crash" + std::to_string(crash_after));
    Out killed = sh("EDGESPLIT_TEST_CRASH_AFTER=" + std::to_string(crash_after) + " " + kBin + " run " + kSweep +
                    " -j 2 --batch 4 --quiet --out " + d.string());
    CHECK(killed.exit_code == 128 + SIGKILL);
    CHECK_FALSE(fs::exists(d / "runs.csv"));
    // Without --resume the earlier results are protected.
    Out refused = sh(kBin + " run " + kSweep + " --quiet --out " + d.string());
    CHECK(refused.exit_code == 2);
    CHECK(refused.out.find("pass --resume to finish it") != std::string::npos);
    Out resumed = sh(kBin + " run " + kSweep + " -j 2 --batch 4 --resume --quiet --out " + d.string());
    REQUIRE(resumed.exit_code == 0);
    CHECK(resumed.out.find(std::to_string(crash_after) + " resumed, " + std::to_string(36 - crash_after) +
                            " run now") != std::string::npos);
    auto idx = journal_indices(d);
    CHECK(idx.size() == 36);
    CHECK(std::set<int>(idx.begin(), idx.end()).size() == 36);  // no duplicates
    CHECK(deterministic_rows(d) == ref);
    fs::remove_all(d);
  }
}

TEST_CASE("edgesplit run: SIGKILL from outside at an arbitrary moment, then --resume", "[cli][runner]") {
  const auto& ref = reference_rows();
  fs::path d = fresh_dir("extkill");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execl(kBin.c_str(), kBin.c_str(), "run", kSweep.c_str(), "-j", "2", "--batch", "3", "--quiet", "--out",
            d.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Whatever moment this lands on (before the first row, mid-write, after the last), resume must complete exactly.
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  ::kill(pid, SIGKILL);
  int st = 0;
  ::waitpid(pid, &st, 0);
  Out resumed = sh(kBin + " run " + kSweep + " -j 2 --resume --quiet --out " + d.string());
  REQUIRE(resumed.exit_code == 0);
  auto idx = journal_indices(d);
  CHECK(std::set<int>(idx.begin(), idx.end()).size() == idx.size());
  CHECK(deterministic_rows(d) == ref);
  fs::remove_all(d);
}

TEST_CASE("edgesplit run: shards merged equal the local run", "[cli][runner]") {
  const auto& ref = reference_rows();
  fs::path d = fresh_dir("shards");
  for (int k : {2, 0}) {
    Out o = sh(kBin + " run " + kSweep + " --shard " + std::to_string(k) + "/3 --quiet --out " + d.string());
    REQUIRE(o.exit_code == 0);
    CHECK(o.out.find("12 in this shard") != std::string::npos);
    CHECK(o.out.find("sweep not complete yet") != std::string::npos);
  }
  Out early = sh(kBin + " merge " + d.string());
  CHECK(early.exit_code == 1);
  CHECK(early.out.find("12 of 36 scenarios missing (first: 1, 4, 7") != std::string::npos);
  Out last = sh(kBin + " run " + kSweep + " --shard 1/3 --quiet --out " + d.string());
  REQUIRE(last.exit_code == 0);
  CHECK(deterministic_rows(d) == ref);
  Out merged = sh(kBin + " merge " + d.string());
  CHECK(merged.exit_code == 0);
  CHECK(deterministic_rows(d) == ref);
  fs::remove_all(d);
}

TEST_CASE("edgesplit run: a failing scenario gets a row saying why; the rest complete; exit 1", "[cli][runner]") {
  fs::path d = fresh_dir("failing");
  Out o = sh(kBin + " run " + std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/runner/nocloud.yaml --quiet --out " +
             d.string());
  CHECK(o.exit_code == 1);
  CHECK(o.out.find("ok 2, failed 0, errors 1") != std::string::npos);
  std::ifstream f(d / "runs.csv");
  std::string header, local, cloud, even;
  std::getline(f, header);
  std::getline(f, local);
  std::getline(f, cloud);
  std::getline(f, even);
  CHECK(local.rfind("0,local,local,", 0) == 0);
  CHECK(local.find(",ok,") != std::string::npos);
  CHECK(cloud.find(",error,") != std::string::npos);
  CHECK(cloud.find("planning failed: planner: planner 'cloud' needs a cloud host") != std::string::npos);
  CHECK(even.find(",ok,") != std::string::npos);
  fs::remove_all(d);
}

TEST_CASE("edgesplit run: bad arguments are input errors", "[cli][runner]") {
  Out shard = sh(kBin + " run " + kSweep + " --shard 3 --out /tmp/unused-edgesplit");
  CHECK(shard.exit_code == 2);
  CHECK(shard.out.find("--shard: expected k/N (e.g. 3/16), found '3'") != std::string::npos);
  Out range = sh(kBin + " run " + kSweep + " --shard 4/4 --out /tmp/unused-edgesplit");
  CHECK(range.exit_code == 2);
  CHECK(range.out.find("shard 4/4 is out of range") != std::string::npos);
  Out exec = sh(kBin + " run " + kSweep + " --executor simgird --out /tmp/unused-edgesplit");
  CHECK(exec.exit_code == 2);
  CHECK(exec.out.find("unknown executor 'simgird'; did you mean 'simgrid'?") != std::string::npos);
  fs::remove_all("/tmp/unused-edgesplit");
}
