// The profiler's least-squares fit (by hand) and `edgesplit profile` end to end: the profile it writes loads, has the
// documented provenance and tables, and bad flags exit 2. No timing is asserted (times are whatever this host gives).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/unit/shell.hpp"
#include "kernels/kernel.hpp"
#include "kernels/profiler.hpp"
#include "sim/model/zoo.hpp"
#include "sim/scenario/profile_io.hpp"

using namespace edgesplit;

namespace {

using edgesplit::testing::ShellRun;
// Absolute paths only here, so the working directory does not matter.
ShellRun run_binary(const std::string& args) { return edgesplit::testing::run_edgesplit(args); }

}  // namespace

TEST_CASE("edgesplit::kernels::fit_op_class: exact points are recovered", "[kernels]") {
  // t = 0.1 ms + w / 1 GMAC/s at w = 1, 4, 10 MMAC: 1.1, 4.1, 10.1 ms.
  auto f = kernels::fit_op_class(OpClass::Conv, {{1e6, 1.1e-3}, {4e6, 4.1e-3}, {1e7, 10.1e-3}});
  CHECK(f.cost.fixed_s == Approx(1e-4).epsilon(1e-9));
  CHECK(f.cost.rate_per_s == Approx(1e9).epsilon(1e-9));
  CHECK(f.max_abs_residual < 1e-9);
  CHECK(f.points == 3);
}

TEST_CASE("edgesplit::kernels::fit_op_class: a negative intercept is clamped to fixed = 0", "[kernels]") {
  // Through (1 MMAC, 0.9 ms) and (10 MMAC, 10 ms) the line has intercept −0.11 ms < 0, so fixed = 0 and
  // 1/rate = Σ(w/t) / Σ(w/t)² = (1.1111e9 + 1e9) / (1.2346e18 + 1e18) = 9.4475e-10 → rate 1.05848 GMAC/s;
  // residuals |w/(rate·t) − 1| = 4.97 % and 5.52 %.
  auto f = kernels::fit_op_class(OpClass::Conv, {{1e6, 0.9e-3}, {1e7, 1.0e-2}});
  CHECK(f.cost.fixed_s == 0);
  CHECK(f.cost.rate_per_s == Approx(1.058480e9).epsilon(1e-5));
  CHECK(f.mean_abs_residual == Approx((0.0497238 + 0.0552486) / 2).epsilon(1e-4));
  CHECK(f.max_abs_residual == Approx(0.0552486).epsilon(1e-4));
}

TEST_CASE("edgesplit profile: writes a loadable measured profile with band tables", "[kernels]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "edgesplit_profile_test";
  fs::create_directories(dir);
  const std::string yaml = (dir / "tiny.yaml").string(), json = (dir / "tiny.json").string();
  const std::string backend = kernels::backend_names().front();  // the fastest compiled in
  ShellRun r = run_binary("profile --model mobilenet_v1_0.25_128 --backend " + backend +
                     " --bands 2,full --repeats 1 -o " + yaml + " --json " + json);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("measurements, ETA"));

  Profile p = load_profile(yaml);
  CHECK(p.name == "tiny");
  CHECK(p.source.kind == "measured");
  for (const char* key : {"host", "cpu", "clock", "backend", "backend_version", "threads", "date", "commit"})
    CHECK(!p.source.details.at(key).empty());
  CHECK(p.source.details.at("backend") == backend);
  CHECK(p.cores == 1);
  REQUIRE(p.pstates.size() == 1);
  // MobileNet-V1 has every cost class but eltwise (its softmax is one): conv, depthwise, fc, pool.
  for (OpClass c : {OpClass::Conv, OpClass::DepthwiseConv, OpClass::FullyConnected, OpClass::Pool})
    CHECK(p.cost.at(c).rate_per_s > 0);
  Model m = zoo_model("mobilenet_v1_0.25_128");
  int convs = 0;
  for (const Layer& l : m.layers) convs += l.op == Op::Conv;
  REQUIRE(p.layer_tables.size() == std::size_t(convs));  // 27 convs: one table each (the global pool has none)
  for (const auto& t : p.layer_tables) {
    const Layer& l = m.layers[m.index_of(t.layer)];
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0] == 2);
    CHECK(t.rows[1] == l.out.h);
  }

  auto j = nlohmann::json::parse(std::ifstream(json));
  CHECK(j["source"] == "measured");
  CHECK(j["layers"].size() == std::size_t(m.size() - 1));
  for (const auto& l : j["layers"]) {
    CHECK(l["time"]["repeats"].get<int>() >= 1);
    CHECK(l["time"]["min_s"].get<double>() <= l["time"]["median_s"].get<double>());
    CHECK(l["time"]["median_s"].get<double>() <= l["time"]["max_s"].get<double>());
  }
  fs::remove_all(dir);
}

TEST_CASE("edgesplit profile: bad flags exit 2 naming the flag", "[kernels]") {
  ShellRun r = run_binary("profile --model vgg16 --backend onedn -o /dev/null");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("unknown backend 'onedn'"));
  ShellRun r2 = run_binary("profile --model vgg16 --backend reference --bands 0,full -o /dev/null");
  CHECK(r2.exit_code == 2);
  CHECK_THAT(r2.out, Catch::Contains("--bands") && Catch::Contains("found '0'"));
  ShellRun r3 = run_binary("profile --model vgg61 --backend reference -o /dev/null");
  CHECK(r3.exit_code == 2);
  CHECK_THAT(r3.out, Catch::Contains("vgg16"));
}
