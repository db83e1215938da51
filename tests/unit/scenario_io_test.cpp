// Platform and scenario YAML: resolved values worked out from the test files, keys, planner option schemas.
#include <catch2/catch.hpp>

#include "sim/common/error.hpp"
#include "sim/scenario/platform_io.hpp"
#include "sim/scenario/scenario_io.hpp"

using namespace edgesplit;

namespace {
const std::string kSrc = std::string(EDGESPLIT_SOURCE_DIR) + "/";
const std::string kData = kSrc + "tests/data/";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

// A hand-made schema standing in for the planner registry.
std::vector<PlannerInfo> schema() {
  PlannerInfo even{"even", "equal row bands", "", {}};
  even.options.push_back({"rows", "int", 1, "bands", 1.0, 64.0, {}});
  even.options.push_back({"mode", "string", "bands", "partitioning", std::nullopt, std::nullopt, {"bands", "tiles"}});
  even.options.push_back({"budget", "quantity:time", 0.5, "search budget", std::nullopt, std::nullopt, {}});
  PlannerInfo pico{"pico", "PICO", "ICDCS'21", {}};
  pico.options.push_back({"stages", "int", nullptr, "pipeline stages (required)", 1.0, std::nullopt, {}});
  return {even, pico, PlannerInfo{"local", "all on the requester", "", {}}};
}

std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = kData + "scenarios/" + name;  // beside the other scenarios so relative paths resolve
  std::FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return path;
}
}  // namespace

TEST_CASE("edgesplit::load_platform: stations, cloud, pstates, cores", "[scenario]") {
  Platform p = load_platform(kData + "platforms/two_pis.yaml");
  CHECK(p.name == "two_pis");
  REQUIRE(p.devices.size() == 3);
  const Device& a = p.devices[0];
  const Device& b = p.devices[1];
  const Device& srv = p.devices[2];
  CHECK(a.attachment == Attachment::WifiStation);
  CHECK(a.wifi_rate_Bps == 6.75e6);  // 54 Mbps / 8
  CHECK(a.wifi_latency_s == 1e-3);   // the AP's latency
  CHECK(a.pstate == 0);              // the profile's reference pstate
  CHECK(a.cores == 4);               // all of the profile's
  CHECK(b.wifi_rate_Bps == 3e6);     // 24 Mbps / 8
  CHECK(b.wifi_latency_s == 3e-3);   // its own
  CHECK(b.pstate == 1);              // 600MHz
  CHECK(b.cores == 2);
  CHECK(b.profile.name == "rpi4b_test");
  CHECK(srv.attachment == Attachment::Cloud);
  CHECK(p.cloud_index() == std::optional<int>(2));
  CHECK(p.network.cloud_bandwidth_Bps == 1.25e8);  // 1 Gbps / 8
  CHECK(p.network.cloud_latency_s == 0.01);
  CHECK(p.network.wifi_latency_s == 1e-3);
  CHECK(p.requester_index() == 1);
}

TEST_CASE("edgesplit::load_scenario: every section of tests/data/scenarios/small.yaml", "[scenario]") {
  Scenario s = load_scenario(kData + "scenarios/small.yaml", {});
  CHECK(s.name == "small");
  CHECK(s.model.name == "tiny");
  CHECK(model_macs(s.model) == 795808);  // tests/unit/model_yaml_test.cpp works this out
  CHECK(s.model_ref.file == kData + "models/tiny.yaml");
  CHECK(s.platform.devices.size() == 3);
  CHECK(s.planner == "even");
  CHECK(s.planner_options == nlohmann::json{{"bits", 16}, {"fused", false}});  // no schema: kept as written
  CHECK(s.workload.frames == 10);
  CHECK(s.workload.arrival == Arrival::Periodic);
  CHECK(s.workload.rate_per_s == 5.0);
  CHECK(s.objective == Objective::Energy);
  CHECK(s.constraints.deadline_s == 0.25);
  CHECK(s.constraints.latency_cap_s == 1.0);
  CHECK(s.constraints.accuracy_floor == 50.0);
  REQUIRE(s.dynamics.size() == 5);  // sorted by time: 1, 1.5, 2, 3, 4 s
  CHECK(s.dynamics[0].kind == DynamicsEvent::Kind::StationRate);
  CHECK(s.dynamics[0].value == 0.75e6);  // 6 Mbps
  CHECK(s.dynamics[1].kind == DynamicsEvent::Kind::Straggler);
  CHECK(s.dynamics[1].value == 2.0);
  CHECK(s.dynamics[1].duration_s == 0.5);
  CHECK(s.dynamics[2].kind == DynamicsEvent::Kind::PState);
  CHECK(s.dynamics[2].pstate == "600MHz");
  CHECK(s.dynamics[3].kind == DynamicsEvent::Kind::CloudBandwidth);
  CHECK(s.dynamics[3].value == 12.5e6);
  CHECK(s.dynamics[4].kind == DynamicsEvent::Kind::Failure);
  CHECK(s.dynamics[4].device == "b");
  CHECK(s.seed == 7);
  CHECK(s.trace);
  CHECK(s.key == scenario_key(s));
  CHECK(s.key.size() == 16);
}

TEST_CASE("edgesplit::scenario_key: same content, same key; any change, another key", "[scenario]") {
  Scenario s = load_scenario(kData + "scenarios/small.yaml", {});
  // Keys in another order, units spelled otherwise, the platform inline instead of a file: same resolved content.
  Scenario r = load_scenario(kData + "scenarios/small_reordered.yaml", {});
  CHECK(r.key == s.key);
  CHECK(scenario_canonical_json(r) == scenario_canonical_json(s));

  Scenario t = s;
  t.seed = 8;
  CHECK(scenario_key(t) != s.key);
  t = s;
  t.platform.devices[0].wifi_rate_Bps *= 2;
  CHECK(scenario_key(t) != s.key);
  t = s;
  t.platform.devices[0].profile.cost[OpClass::Conv].rate_per_s += 1;  // a recalibrated profile
  CHECK(scenario_key(t) != s.key);
  t = s;
  t.name = "other name";  // names are not content
  CHECK(scenario_key(t) == s.key);
  // FNV-1a 64 reference values (offset basis for "", and "a" from the published test vectors).
  CHECK(fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
}

TEST_CASE("edgesplit::load_scenario: the example's inline platform equals platforms/clusters/default.yaml", "[scenario]") {
  Scenario s = load_scenario(kSrc + "scenarios/examples/default.yaml", {});
  CHECK(s.model.name == "vgg16");
  CHECK(s.platform.devices.size() == 5);
  CHECK(s.planner == "local");
  Scenario t = s;
  t.platform = load_platform(kSrc + "platforms/clusters/default.yaml");
  CHECK(scenario_key(t) == s.key);
}

TEST_CASE("edgesplit::load_scenario: planner options against a schema", "[scenario]") {
  const std::string head = "model: ../models/tiny.yaml\nplatform: ../platforms/two_pis.yaml\n";
  SECTION("defaults filled, quantities in SI") {
    std::string f = write_temp("tmp_planner_ok.yaml", head + "planner: {name: even, options: {budget: 250 ms}}\n");
    Scenario s = load_scenario(f, schema());
    std::remove(f.c_str());
    CHECK(s.planner_options == nlohmann::json{{"rows", 1}, {"mode", "bands"}, {"budget", 0.25}});
    // Writing the defaults out gives the same key.
    std::string g = write_temp("tmp_planner_ok2.yaml",
                               head + "planner: {name: even, options: {rows: 1, mode: bands, budget: 0.25 s}}\n");
    Scenario t = load_scenario(g, schema());
    std::remove(g.c_str());
    CHECK(t.key == s.key);
  }
  SECTION("unknown planner") {
    std::string f = write_temp("tmp_planner_bad1.yaml", head + "planner: pcio\n");
    std::string e = error_of([&] { load_scenario(f, schema()); });
    std::remove(f.c_str());
    CHECK(e == f + ":3:10: planner: unknown planner 'pcio'; did you mean 'pico'? known: even, pico, local");
  }
  SECTION("unknown, out of range, wrongly typed and missing options") {
    std::string f = write_temp("tmp_planner_bad2.yaml",
                               head + "planner:\n  name: even\n  options: {rows: 0, mode: tile, budgt: 1 s}\n");
    std::string e = error_of([&] { load_scenario(f, schema()); });
    std::remove(f.c_str());
    CHECK(e == f + ":5:19: planner.options.rows: expected a value between 1 and 64, found '0'\n" + f +
                   ":5:28: planner.options.mode: unknown value 'tile'; did you mean 'tiles'? known: bands, tiles "
                   "(option 'mode')\n" +
                   f + ":5:34: planner.options.budgt: unknown option 'budgt'; did you mean 'budget'? known: rows, mode, "
                       "budget (planner 'even')");
    std::string g = write_temp("tmp_planner_bad3.yaml", head + "planner: {name: pico, options: {stages: two}}\n");
    e = error_of([&] { load_scenario(g, schema()); });
    std::remove(g.c_str());
    CHECK(e == g + ":3:41: planner.options.stages: expected an integer, found 'two'");
    std::string h = write_temp("tmp_planner_bad4.yaml", head + "planner: {name: pico}\n");
    e = error_of([&] { load_scenario(h, schema()); });
    std::remove(h.c_str());
    CHECK(e == h + ":3:10: planner.options.stages: missing option (required by planner 'pico': pipeline stages "
                   "(required))");
  }
}
