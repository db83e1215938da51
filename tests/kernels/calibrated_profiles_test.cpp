// Every calibrated device profile reproduces the published whole-model latencies it cites, within the tolerance it
// states, when the zoo model is costed layer by layer with the profile (the simulator's own cost path).
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "sim/model/zoo.hpp"
#include "sim/platform/platform.hpp"
#include "sim/scenario/profile_io.hpp"

using namespace edgesplit;

namespace {

const std::string kDevices = std::string(EDGESPLIT_SOURCE_DIR) + "/platforms/devices/";

// The whole model on one device at one pstate: every layer's work through op_time_s.
double model_time_s(const Profile& p, int pstate, const Model& m) {
  double t = 0;
  for (const Layer& l : m.layers) {
    if (l.op == Op::Input) continue;
    t += op_time_s(p, pstate, layer_op_class(l), double(layer_macs(l) + layer_other_ops(l)));
  }
  return t;
}

struct Figure {
  std::string model, pstate;
  double measured_ms = 0, predicted_ms = 0;
};

// Lines of `fitted`: "MODEL @PSTATE = T ms; predicted P ms (R %); SOURCE".
// (Tokenised by hand: GCC 12's <regex> trips -Werror=maybe-uninitialized in the sanitizer build.)
std::vector<Figure> fitted_figures(const std::string& text) {
  std::vector<Figure> out;
  std::istringstream in(text);
  for (std::string s; std::getline(in, s);) {
    std::istringstream words(s);
    Figure f;
    std::string at, eq, ms, predicted;
    if (!(words >> f.model >> at >> eq >> f.measured_ms >> ms >> predicted >> f.predicted_ms)) continue;
    if (at.size() < 2 || at[0] != '@' || eq != "=" || ms != "ms;" || predicted != "predicted") continue;
    f.pstate = at.substr(1);
    out.push_back(f);
  }
  return out;
}

}  // namespace

TEST_CASE("edgesplit::calibrated profiles: reproduce the cited whole-model latencies within tolerance", "[kernels]") {
  const char* names[] = {"rpi3b",      "rpi4b",       "rpi4b_1core",   "rpi4b_pico", "jetson_nano",
                         "jetson_tx2", "jetson_xavier", "cloud_gpu", "odroid_xu4"};
  int checked = 0;
  for (const char* name : names) {
    Profile p = load_profile(kDevices + name + ".yaml");
    INFO("profile " << name);
    REQUIRE(p.source.kind == "calibrated");
    double tolerance = std::stod(p.source.details.at("tolerance")) / 100.0;  // "35 %"
    REQUIRE(tolerance > 0);
    REQUIRE(tolerance <= 0.40);
    for (const Figure& f : fitted_figures(p.source.details.at("fitted"))) {
      INFO(fmt::format("{} @{}: published {} ms", f.model, f.pstate, f.measured_ms));
      int ps = p.pstate_index(f.pstate);
      REQUIRE(ps >= 0);
      if (f.model.find('[') != std::string::npos) continue;  // a layer range, not a whole model
      double t_ms = model_time_s(p, ps, zoo_model(f.model)) * 1e3;
      // The script that wrote the profile predicted the same (rates are written with 4 significant digits).
      CHECK(t_ms == Approx(f.predicted_ms).epsilon(0.003));
      CHECK(std::fabs(t_ms / f.measured_ms - 1.0) <= tolerance);
      ++checked;
    }
  }
  // rpi3b 2, rpi4b 5, rpi4b_1core 5, pico 6, nano 7, tx2 4, xavier 8, cloud 1 (odroid_xu4 is derived: none).
  CHECK(checked == 38);
}

TEST_CASE("edgesplit::calibrated profiles: Pi 4B DVFS and core counts", "[kernels]") {
  Profile four = load_profile(kDevices + "rpi4b.yaml");
  Profile one = load_profile(kDevices + "rpi4b_1core.yaml");
  CHECK(four.cores == 4);
  CHECK(one.cores == 1);
  for (const Profile* p : {&four, &one}) {
    REQUIRE(p->pstate_index("1.5GHz") == p->reference_pstate);
    REQUIRE(p->pstate_index("600MHz") >= 0);
    // speed = f / f_ref: 600 MHz runs at 0.4 of the 1.5 GHz reference; busy power falls with f, idle does not.
    const PState& lo = p->pstates[p->pstate_index("600MHz")];
    const PState& ref = p->pstates[p->reference_pstate];
    CHECK(lo.speed == Approx(0.4));
    CHECK(lo.busy_W < ref.busy_W);
    CHECK(lo.idle_W == ref.idle_W);
  }
  // Same benchmark (ncnn), so 4 threads must beat 1 on VGG-16 (published: 547 vs 1072 ms at 1.8 GHz).
  Model vgg = zoo_model("vgg16");
  CHECK(model_time_s(four, four.reference_pstate, vgg) < model_time_s(one, one.reference_pstate, vgg));
}

TEST_CASE("edgesplit::calibrated profiles: the committed files are what the calibration script writes", "[kernels]") {
  // scripts/calibrate_profiles.py --check refits from the cited figures and compares byte for byte.
  const std::string cmd = "/usr/bin/python3 " + std::string(EDGESPLIT_SOURCE_DIR) +
                          "/scripts/calibrate_profiles.py --check > /dev/null 2>&1";
  CHECK(std::system(cmd.c_str()) == 0);
}
