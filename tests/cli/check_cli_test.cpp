// The corpus tests/data/bad/: `edgesplit check FILE` on each bad file prints exactly these messages and exits 2.
// Each message names file:line:col, the key path, what was expected and what was found (and the nearest valid name).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <vector>

#include "tests/unit/shell.hpp"
#include "sim/model/zoo.hpp"

namespace {

using edgesplit::testing::ShellRun;
// From the source tree, so that the paths in the messages are the relative ones written here.
ShellRun run_in_source(const std::string& args) { return edgesplit::testing::run_edgesplit(args); }

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The profiles in platforms/devices, sorted: the list an unknown profile name is compared against.
std::vector<std::string> profile_names() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(EDGESPLIT_SOURCE_DIR) + "/platforms/devices"))
    if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("edgesplit check: every file of the bad corpus, exact messages, exit 2", "[cli]") {
  using edgesplit::zoo_names;
  const std::vector<std::pair<std::string, std::string>> corpus = {
      {"tests/data/bad/bad_dynamics.yaml",
       "tests/data/bad/bad_dynamics.yaml:4:29: workload.rate: a rate applies to periodic and poisson arrivals only (arrival is closed)\n"
       "tests/data/bad/bad_dynamics.yaml:6:39: dynamics[0].device: unknown device 'c'; did you mean 'a'? known: a, b, srv\n"
       "tests/data/bad/bad_dynamics.yaml:7:49: dynamics[1].pstate: unknown pstate '2GHz'; known: 1.5GHz, 600MHz (profile 'rpi4b_test')\n"
       "tests/data/bad/bad_dynamics.yaml:8:22: dynamics[2].event: unknown event 'reboot'; known: station_rate, cloud_bandwidth, pstate, straggler, failure\n"
       "tests/data/bad/bad_dynamics.yaml:9:10: dynamics[3].at: must be zero or more, found '-1 s'\n"},
      {"tests/data/bad/bad_unit.yaml",
       "tests/data/bad/bad_unit.yaml:6:11: network.wifi.rate: expected a data rate with a unit (bps, kbps, Mbps, Gbps, B/s, kB/s, MB/s, GB/s), found unit 'Mbs' in '54 Mbs'; did you mean 'Mbps'?\n"
       "tests/data/bad/bad_unit.yaml:7:14: network.wifi.latency: expected a time with a unit (s, ms, us, ns), found bare number '2'\n"
       "tests/data/bad/bad_unit.yaml:9:17: network.wifi.stations.a.rate: expected a data rate with a unit (bps, kbps, Mbps, Gbps, B/s, kB/s, MB/s, GB/s), found unit 'MHz' in '20 MHz'\n"},
      {"tests/data/bad/duplicate_devices.yaml",
       "tests/data/bad/duplicate_devices.yaml:4:12: devices[1].name: duplicate device name 'pi'\n"},
      {"tests/data/bad/empty.yaml",
       "tests/data/bad/empty.yaml: empty file; expected a profile, model, platform, scenario or sweep\n"},
      {"tests/data/bad/grid_missing_key.yaml",
       "tests/data/bad/grid_missing_key.yaml:4:3: grid.platform.devices[5].pstate: index 5 is out of range: 'platform.devices' has 3 entries\n"
       "tests/data/bad/grid_missing_key.yaml:5:3: grid.platform.network.wifi.rates: no key 'rates' in 'platform.network.wifi' of the base scenario; did you mean 'rate'? (prefix the swept key with '+' to add a key)\n"
       "tests/data/bad/grid_missing_key.yaml:6:18: grid.workload.rate: expected a non-empty list of values, found '5 Hz'\n"},
      {"tests/data/bad/include_cycle_a.yaml",
       "tests/data/bad/include_cycle_b.yaml:2:10: include: include cycle: include_cycle_a.yaml -> include_cycle_b.yaml -> include_cycle_a.yaml\n"},
      {"tests/data/bad/include_cycle_b.yaml",
       "tests/data/bad/include_cycle_a.yaml:2:10: include: include cycle: include_cycle_b.yaml -> include_cycle_a.yaml -> include_cycle_b.yaml\n"},
      {"tests/data/bad/missing_key.yaml",
       "tests/data/bad/missing_key.yaml:4:5: devices[1].profile: missing key\n"
       "tests/data/bad/missing_key.yaml:8:10: network.cloud.bandwidth: missing key\n"},
      {"tests/data/bad/model_shapes.yaml",
       "tests/data/bad/model_shapes.yaml:7:5: layers[2]: layer 'sum' (add): input 'c2' is 8x8x8 but 'c1' is 8x16x16\n"},
      {"tests/data/bad/negative_bandwidth.yaml",
       "tests/data/bad/negative_bandwidth.yaml:6:16: network.wifi.rate: must be positive, found '0 Mbps'\n"
       "tests/data/bad/negative_bandwidth.yaml:7:33: network.cloud.bandwidth: must be positive, found '-5 Mbps'\n"},
      {"tests/data/bad/no_wifi_rate.yaml",
       "tests/data/bad/no_wifi_rate.yaml:3:5: devices[0]: device 'a' has no Wi-Fi rate: set network.wifi.rate or network.wifi.stations.a.rate, or make it the cloud host\n"
       "tests/data/bad/no_wifi_rate.yaml:7:12: requester: the requester must be a Wi-Fi station, found the cloud host\n"},
      {"tests/data/bad/profile_many_errors.yaml",
       "tests/data/bad/profile_many_errors.yaml:3:8: cores: expected an integer, found 'four'\n"
       "tests/data/bad/profile_many_errors.yaml:5:22: pstates[0].freq: expected a frequency with a unit (Hz, kHz, MHz, GHz), found bare number '1.5'\n"
       "tests/data/bad/profile_many_errors.yaml:6:5: pstates[1].busy: missing key\n"
       "tests/data/bad/profile_many_errors.yaml:7:12: reference: unknown pstate 'mid'; known: hi, lo\n"
       "tests/data/bad/profile_many_errors.yaml:9:31: cost.conv.rate: conv work is counted in MACs: expected a rate in MAC/s such as '6.1 GMAC/s', found '6 Gop/s'\n"
       "tests/data/bad/profile_many_errors.yaml:10:29: cost.pool.rate: must be positive, found '-1 Gop/s'\n"
       "tests/data/bad/profile_many_errors.yaml:11:3: cost.convv: unknown key 'convv'; did you mean 'conv'? valid keys: conv, depthwise_conv, fc, pool, eltwise\n"
       "tests/data/bad/profile_many_errors.yaml:13:50: layer_tables[0].rows[2]: rows must be strictly ascending, found 20 after 28\n"
       "tests/data/bad/profile_many_errors.yaml:13:64: layer_tables[0].time_ms: expected 3 times (one per row height), found 2\n"
       "tests/data/bad/profile_many_errors.yaml:14:16: source.kind: unknown source kind 'guessed'; known: measured, calibrated\n"
       "tests/data/bad/profile_many_errors.yaml:15:1: colour: unknown key 'colour'; valid keys: profile, description, cores, pstates, reference, radio, cost, layer_tables, source\n"},
      {"tests/data/bad/sweep_bad_value.yaml",
       "tests/data/bad/sweep_bad_value.yaml:4:41: platform.network.wifi.rate: expected a data rate such as '54 Mbps', found 'fast'\n"},
      {"tests/data/bad/syntax.yaml",
       "tests/data/bad/syntax.yaml:3:9: YAML syntax error: end of sequence flow not found\n"},
      {"tests/data/bad/unknown_device.yaml",
       "tests/data/bad/unknown_device.yaml:9:7: network.wifi.stations.pi_c: unknown device 'pi_c'; did you mean 'pi_a'? known: pi_a, pi_b\n"
       "tests/data/bad/unknown_device.yaml:10:17: network.cloud.host: unknown device 'server'; known: pi_a, pi_b\n"
       "tests/data/bad/unknown_device.yaml:11:12: requester: unknown device 'pi_bb'; did you mean 'pi_b'? known: pi_a, pi_b\n"},
      {"tests/data/bad/unknown_key.yaml",
       "tests/data/bad/unknown_key.yaml:4:23: workload.arival: unknown key 'arival'; did you mean 'arrival'? valid keys: frames, arrival, rate\n"
       "tests/data/bad/unknown_key.yaml:5:1: objectve: unknown key 'objectve'; did you mean 'objective'? valid keys: name, model, platform, planner, workload, objective, constraints, dynamics, seed, trace\n"},
      {"tests/data/bad/unknown_kind.yaml",
       "tests/data/bad/unknown_kind.yaml:2:1: cannot tell what this file is: expected a map with a top-level 'profile' (device profile), 'layers' (model), 'devices' (platform), 'model' (scenario) or 'base' (sweep), found none of them\n"},
      {"tests/data/bad/unknown_model.yaml",
       "tests/data/bad/unknown_model.yaml:2:8: model: unknown model 'vgg61'; did you mean 'vgg16'? known: " + join(zoo_names()) + "\n"},
      {"tests/data/bad/unknown_profile.yaml",
       "tests/data/bad/unknown_profile.yaml:3:24: devices[0].profile: unknown profile 'rpi4c'; did you mean 'rpi4b'? known: " + join(profile_names()) + " (profiles are platforms/devices/NAME.yaml, or give a path)\n"
       "tests/data/bad/unknown_profile.yaml:4:24: devices[1].profile: no profile file 'tests/data/profiles/missing.yaml'\n"
       "tests/data/bad/unknown_profile.yaml:5:61: devices[2].pstate: unknown pstate '1.8GHz'; did you mean '1.5GHz'? known: 1.5GHz, 600MHz (profile 'rpi4b_test')\n"},
      {"tests/data/bad/wrong_type.yaml",
       "tests/data/bad/wrong_type.yaml:4:20: workload.frames: expected an integer, found 'many'\n"
       "tests/data/bad/wrong_type.yaml:5:14: constraints: expected a constraints map {deadline, latency_cap, accuracy_floor}, found a list\n"},
      {"tests/data/bad/zip_lengths.yaml",
       "tests/data/bad/zip_lengths.yaml:4:3: zip: zip lists differ in length: 'seed' has 3 values, 'objective' has 2\n"},
  };
  // Every file of tests/data/bad/ is in the table (a new bad file needs its expected message here).
  std::size_t on_disk = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/bad"))
    on_disk += e.path().extension() == ".yaml";
  CHECK(on_disk == corpus.size());
  for (const auto& [file, expected] : corpus) {
    INFO(file);
    ShellRun r = run_in_source("check " + file);
    CHECK(r.exit_code == 2);
    CHECK(r.out == expected);
  }
}

TEST_CASE("edgesplit check: good files of every kind", "[cli]") {
  ShellRun r = run_in_source(
      "check platforms/devices/rpi4b.yaml tests/data/models/tiny.yaml platforms/clusters/default.yaml "
      "scenarios/examples/default.yaml scenarios/examples/sweep.yaml");
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "platforms/devices/rpi4b.yaml: ok (profile)\n"
        "tests/data/models/tiny.yaml: ok (model)\n"
        "platforms/clusters/default.yaml: ok (platform)\n"
        "scenarios/examples/default.yaml: ok (scenario)\n"
        "scenarios/examples/sweep.yaml: ok (sweep)\n");
  // One bad file among good ones: the good ones still say ok, the exit code is 2.
  ShellRun mixed = run_in_source("check tests/data/models/tiny.yaml tests/data/bad/empty.yaml");
  CHECK(mixed.exit_code == 2);
  CHECK(mixed.out ==
        "tests/data/models/tiny.yaml: ok (model)\n"
        "tests/data/bad/empty.yaml: empty file; expected a profile, model, platform, scenario or sweep\n");
}

TEST_CASE("edgesplit expand: count, table and JSON lines", "[cli]") {
  ShellRun c = run_in_source("expand tests/data/sweeps/small_sweep.yaml --count");
  CHECK(c.exit_code == 0);
  CHECK(c.out == "12\n");  // 3 rates x 2 zipped pairs x 2 repeats
  ShellRun t = run_in_source("expand tests/data/sweeps/small_sweep.yaml");
  CHECK(t.exit_code == 0);
  CHECK(std::count(t.out.begin(), t.out.end(), '\n') == 13);  // header + 12 points
  CHECK(t.out.rfind(" index  key               platform.network.wifi.stations.*.rate  platform.devices[0].pstate  "
                       "planner.options.bits  repeat\n", 0) == 0);
  ShellRun j = run_in_source("expand tests/data/sweeps/small_sweep.yaml --json");
  CHECK(j.exit_code == 0);
  auto first_line = j.out.substr(0, j.out.find('\n'));
  auto row = nlohmann::json::parse(first_line);
  CHECK(row["index"] == 0);
  CHECK(row["seed"] == 7);
  CHECK(row["swept"]["platform.network.wifi.stations.*.rate"] == "6 Mbps");
  CHECK(row["swept"]["planner.options.bits"] == "8");
  CHECK(row["key"].get<std::string>().size() == 16);
  ShellRun bad = run_in_source("expand tests/data/bad/zip_lengths.yaml --count");
  CHECK(bad.exit_code == 2);
  CHECK(bad.out == "edgesplit: error: tests/data/bad/zip_lengths.yaml:4:3: zip: zip lists differ in length: 'seed' "
                      "has 3 values, 'objective' has 2\n");
}
