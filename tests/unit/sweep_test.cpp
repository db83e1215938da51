// Sweep expansion: order, swept values, resolved values per point, derived seeds, includes, keys.
#include <catch2/catch.hpp>

#include <set>

#include "sim/common/error.hpp"
#include "sim/scenario/scenario_io.hpp"
#include "sim/scenario/sweep.hpp"
#include "sim/scenario/tree.hpp"

using namespace edgesplit;

namespace {
const std::string kData = std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/";
}

TEST_CASE("edgesplit::derived_seed: splitmix64 of seed + r, top bit cleared", "[sweep]") {
  // Reference values from an independent Python implementation of splitmix64 (one step from state seed + r):
  //   z = seed + r + 0x9e3779b97f4a7c15; z = (z ^ z>>30) * 0xbf58476d1ce4e5b9; z = (z ^ z>>27) * 0x94d049bb133111eb;
  //   z ^= z>>31; z &= 2^63 - 1.
  CHECK(derived_seed(7, 0) == 7);
  CHECK(derived_seed(7, 1) == 2186024489510581814ULL);
  CHECK(derived_seed(1, 1) == 1682153688901572302ULL);
  CHECK(derived_seed(1, 2) == 2092789425003139053ULL);
}

TEST_CASE("edgesplit::SweepExpansion: grid x zip x repeat over tests/data/sweeps/small_sweep.yaml", "[sweep]") {
  SweepExpansion sw(kData + "sweeps/small_sweep.yaml", {});
  CHECK(sw.name() == "small_sweep");
  CHECK(sw.size() == 12);  // 3 rates x 2 zipped pairs x 2 repeats
  CHECK(sw.parameters() == std::vector<std::string>{"platform.network.wifi.stations.*.rate",
                                                    "platform.devices[0].pstate", "planner.options.bits", "repeat"});
  auto points = sw.all();
  REQUIRE(points.size() == 12);
  // Point 7 = rate index 1 (12 Mbps), zip index 1 (600MHz, bits 32), repeat 1: 7 = (1·2 + 1)·2 + 1.
  const SweepPoint& p = points[7];
  CHECK(p.index == 7);
  CHECK(p.repeat == 1);
  REQUIRE(p.swept.size() == 4);
  CHECK(p.swept[0].value == "12 Mbps");
  CHECK(p.swept[1].value == "600MHz");
  CHECK(p.swept[2].value == "32");
  CHECK(p.swept[3].value == "1");
  const Platform& pl = p.scenario.platform;
  CHECK(pl.devices[1].wifi_rate_Bps == 1.5e6);  // station b: 12 Mbps / 8 (the wildcard's only station)
  CHECK(pl.devices[0].wifi_rate_Bps == 6.75e6); // station a keeps the AP default, 54 Mbps
  CHECK(pl.devices[0].pstate == 1);
  CHECK(p.scenario.planner_options["bits"] == 32);
  CHECK(p.scenario.seed == derived_seed(7, 1));
  CHECK(points[6].scenario.seed == 7);

  std::set<std::string> keys;
  for (const auto& q : points) keys.insert(q.scenario.key);
  CHECK(keys.size() == 12);
  // Deterministic: a second expansion gives the same keys in the same order; at(i) matches all()[i].
  SweepExpansion again(kData + "sweeps/small_sweep.yaml", {});
  for (std::size_t i = 0; i < 12; ++i) CHECK(again.at(i).scenario.key == points[i].scenario.key);
}

TEST_CASE("edgesplit::doc::to_flow: swept values read back as written", "[sweep]") {
  doc::Diagnostics diag;
  doc::Node n = doc::parse_yaml(
      "{name: distredge, options: {provides: false, quoted: \"false\", none: ~, rate: 50 Mbps, odd: \"a, b\"}}",
      "inline", diag);
  REQUIRE(diag.empty());
  // A plain `false` / `~` stays plain (it is a bool / null); the quoted string "false" and a string with a comma keep
  // their quotes, so the text parses back to the same values.
  CHECK(doc::to_flow(n) ==
        "{name: distredge, options: {provides: false, quoted: \"false\", none: ~, rate: 50 Mbps, odd: \"a, b\"}}");
  // A bare string that merely spells a bool is quoted when written as a string (profile text fields).
  CHECK(doc::flow_scalar("true") == "\"true\"");
}

TEST_CASE("edgesplit::SweepExpansion: a point's key is the key of the same scenario written by hand", "[sweep]") {
  SweepExpansion sw(kData + "sweeps/include_sweep.yaml", {});
  // include_sweep.yaml includes included.yaml: grid seed [1, 2] then objective [latency, energy]; repeat 5 overridden
  // by 1.
  CHECK(sw.size() == 4);
  CHECK(sw.repeat() == 1);
  CHECK(sw.parameters() == std::vector<std::string>{"seed", "objective"});
  SweepPoint p = sw.at(2);  // seed 2, latency
  Scenario s = load_scenario(kData + "scenarios/small.yaml", {});
  s.seed = 2;
  s.objective = Objective::Latency;
  CHECK(p.scenario.key == scenario_key(s));
}

TEST_CASE("edgesplit::SweepExpansion: structure errors", "[sweep]") {
  auto error_of = [](const std::string& f) {
    try {
      SweepExpansion(f, {}).all();
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::string f = kData + "bad/zip_lengths.yaml";
  CHECK(error_of(f) == f + ":4:3: zip: zip lists differ in length: 'seed' has 3 values, 'objective' has 2");
  f = kData + "bad/sweep_bad_value.yaml";
  CHECK(error_of(f) ==
        f + ":4:41: platform.network.wifi.rate: expected a data rate such as '54 Mbps', found 'fast'");
  std::string a = kData + "bad/include_cycle_a.yaml";
  std::string b = kData + "bad/include_cycle_b.yaml";
  CHECK(error_of(a) ==
        b + ":2:10: include: include cycle: include_cycle_a.yaml -> include_cycle_b.yaml -> include_cycle_a.yaml");
}
