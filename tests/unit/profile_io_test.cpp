// Device profile YAML: values read as written, exact round trips, and every error of a file reported exactly.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>

#include "sim/common/error.hpp"
#include "sim/scenario/profile_io.hpp"

using namespace edgesplit;

namespace {
const std::string kData = std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("edgesplit::load_profile: values as written", "[profile]") {
  Profile p = load_profile(kData + "profiles/rpi4b_test.yaml");
  CHECK(p.name == "rpi4b_test");
  CHECK(p.cores == 4);
  REQUIRE(p.pstates.size() == 2);
  CHECK(p.pstates[0].freq_hz == 1.5e9);
  CHECK(p.pstates[0].speed == 1.0);
  CHECK(p.pstates[1].speed == 0.4);  // given explicitly
  CHECK(p.pstates[1].idle_W == 2.2);
  CHECK(p.reference_pstate == 0);
  CHECK(p.radio_rx_W == 0.9);
  CHECK(p.cost.at(OpClass::Conv).fixed_s == 2e-4);
  CHECK(p.cost.at(OpClass::Conv).rate_per_s == 6.1e9);
  CHECK(p.cost.at(OpClass::FullyConnected).rate_per_s == 0.8e9);
  CHECK(p.cost.at(OpClass::Pool).rate_per_s == 1e9);
  REQUIRE(p.layer_tables.size() == 1);
  CHECK(p.layer_tables[0].rows == std::vector<int>{1, 28, 56, 112, 224});
  CHECK(p.layer_tables[0].time_s[0] == 0.11e-3);
  CHECK(p.layer_tables[0].time_s[4] == 14.6e-3);
  CHECK(p.source.kind == "measured");
  CHECK(p.source.details.at("threads") == "4");

  // 1 GMAC at the reference pstate: 0.2 ms + 1e9 / 6.1e9 s; at 600 MHz (speed 0.4) 2.5 times longer.
  CHECK(op_time_s(p, 0, OpClass::Conv, 1e9) == Approx(2e-4 + 1 / 6.1).epsilon(1e-12));
  CHECK(op_time_s(p, 1, OpClass::Conv, 1e9) == Approx((2e-4 + 1 / 6.1) / 0.4).epsilon(1e-12));
}

TEST_CASE("edgesplit::load_profile: speed defaults to freq / freq(reference)", "[profile]") {
  Profile p = parse_profile(R"(
profile: x
cores: 2
pstates:
  - {name: lo, freq: 500 MHz, idle: 1 W, busy: 2 W}
  - {name: hi, freq: 2 GHz, idle: 1 W, busy: 4 W}
reference: hi
cost: {conv: {fixed: 0 s, rate: 1 GMAC/s}}
source: {kind: measured}
)");
  CHECK(p.reference_pstate == 1);
  CHECK(p.pstates[0].speed == 0.25);  // 500 MHz / 2 GHz
  CHECK(p.pstates[1].speed == 1.0);
}

TEST_CASE("edgesplit::save_profile: round trip is exact", "[profile]") {
  for (const char* f : {"profiles/rpi4b_test.yaml", "profiles/nano_test.yaml"}) {
    Profile p = load_profile(kData + f);
    std::string text = profile_to_yaml(p);
    Profile q = parse_profile(text, "<saved>");
    CHECK(q == p);
    CHECK(profile_to_yaml(q) == text);
  }
  SECTION("awkward values written by a program") {
    Profile p;
    p.name = "odd: name";  // needs quoting
    p.description = "# not a comment";
    p.cores = 3;
    p.pstates = {{"a", 1.0 / 3.0 * 1e9, 1.0, 0.1 + 0.2, 7.0 / 3.0}, {"b", 2e8, 0.123456789012345, 0, 1e-3}};
    p.cost[OpClass::Conv] = {1.0 / 7.0 * 1e-3, 2.0 / 3.0 * 1e10};
    p.cost[OpClass::Eltwise] = {0, 123456789.0};
    p.layer_tables.push_back({"m", "l", {1, 2, 3}, {1.0 / 3.0, 2e-5, 0.1 + 0.2}});
    p.radio_tx_W = 1.0 / 9.0;
    p.source.kind = "calibrated";
    p.source.details["citation"] = "Paper, 2021: table 3";
    std::string path = (std::filesystem::temp_directory_path() / "edgesplit_profile_roundtrip.yaml").string();
    save_profile(p, path);
    Profile q = load_profile(path);
    std::remove(path.c_str());
    CHECK(q == p);
  }
}

TEST_CASE("edgesplit::load_profile: every error of a file, exactly", "[profile]") {
  std::string f = kData + "bad/profile_many_errors.yaml";
  CHECK(error_of([&] { load_profile(f); }) ==
        f + ":3:8: cores: expected an integer, found 'four'\n" +
        f + ":5:22: pstates[0].freq: expected a frequency with a unit (Hz, kHz, MHz, GHz), found bare number '1.5'\n" +
        f + ":6:5: pstates[1].busy: missing key\n" +
        f + ":7:12: reference: unknown pstate 'mid'; known: hi, lo\n" +
        f + ":9:31: cost.conv.rate: conv work is counted in MACs: expected a rate in MAC/s such as '6.1 GMAC/s', "
            "found '6 Gop/s'\n" +
        f + ":10:29: cost.pool.rate: must be positive, found '-1 Gop/s'\n" +
        f + ":11:3: cost.convv: unknown key 'convv'; did you mean 'conv'? valid keys: conv, depthwise_conv, fc, pool, "
            "eltwise\n" +
        f + ":13:50: layer_tables[0].rows[2]: rows must be strictly ascending, found 20 after 28\n" +
        f + ":13:64: layer_tables[0].time_ms: expected 3 times (one per row height), found 2\n" +
        f + ":14:16: source.kind: unknown source kind 'guessed'; known: measured, calibrated\n" +
        f + ":15:1: colour: unknown key 'colour'; valid keys: profile, description, cores, pstates, reference, "
            "radio, cost, layer_tables, source");
}

TEST_CASE("edgesplit::parse_profile: single errors", "[profile]") {
  const std::string ok_tail = "cost: {conv: {fixed: 0 s, rate: 1 GMAC/s}}\nsource: {kind: measured}\n";
  SECTION("empty") { CHECK(error_of([] { parse_profile("", "e.yaml"); }) == "e.yaml: empty file; expected a device profile"); }
  SECTION("syntax") {
    CHECK(error_of([] { parse_profile("profile: [a\ncores: 2\n", "s.yaml"); }) ==
          "s.yaml:2:6: YAML syntax error: end of sequence flow not found");
  }
  SECTION("not a map") {
    CHECK(error_of([] { parse_profile("- a\n- b\n", "l.yaml"); }) ==
          "l.yaml:1:1: expected a device profile map, found a list");
  }
  SECTION("bare number for a power, speed given for the reference") {
    CHECK(error_of([&] {
            parse_profile("profile: x\ncores: 1\npstates:\n  - {name: a, freq: 1 GHz, speed: 2, idle: 1, busy: 2 W}\n" +
                              ok_tail,
                          "p.yaml");
          }) == "p.yaml:4:35: pstates[0].speed: the reference pstate runs at speed 1 by definition, found '2'\n"
                "p.yaml:4:44: pstates[0].idle: expected a power with a unit (W, mW), found bare number '1'");
  }
  SECTION("duplicate key and duplicate pstate") {
    CHECK(error_of([&] {
            parse_profile("profile: x\ncores: 1\ncores: 2\npstates:\n  - {name: a, freq: 1 GHz, idle: 1 W, busy: 2 W}\n"
                          "  - {name: a, freq: 2 GHz, idle: 1 W, busy: 2 W}\n" + ok_tail,
                          "d.yaml");
          }) == "d.yaml:3:1: cores: duplicate key\n"
                "d.yaml:6:12: pstates[1].name: duplicate pstate 'a'");
  }
  SECTION("missing file") {
    CHECK(error_of([] { load_profile("/nonexistent/x.yaml"); }) ==
          "/nonexistent/x.yaml: cannot read file (expected a device profile)");
  }
}

TEST_CASE("edgesplit::load_profile: every committed device profile loads and round-trips", "[profile]") {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::string(EDGESPLIT_SOURCE_DIR) + "/platforms/devices")) {
    if (e.path().extension() != ".yaml") continue;
    INFO(e.path().string());
    Profile p = load_profile(e.path().string());
    CHECK(p.name == e.path().stem().string());  // file name and profile name agree: platforms refer by name
    CHECK(parse_profile(profile_to_yaml(p)) == p);
    ++n;
  }
  CHECK(n >= 7);
}
