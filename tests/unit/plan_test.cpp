// edgesplit::Plan: geometry helpers, validate() messages, TaskGraph MACs and bytes (hand-computed on tiny_model).
#include <catch2/catch.hpp>

#include "sim/common/error.hpp"
#include "sim/plan/geometry.hpp"
#include "sim/plan/plan_json.hpp"
#include "sim/plan/task_graph.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

namespace {
// Two stages: conv1..conv2 split in row bands between A and B (A rows [0,4), B rows [4,8)), then pool..fc on A.
Plan band_plan(const Model& m, int stage2_bits = 16) {
  Plan p;
  p.planner = "test";
  p.source = p.sink = "A";
  p.stages.push_back(band_stage(m, 1, 2, {"A", "B"}, {0.5, 0.5}));
  Stage s2 = whole_stage(m, 3, 4, "A");
  s2.input_bits = stage2_bits;
  p.stages.push_back(s2);
  return p;
}
std::string message_of(const Plan& p, const Model& m, const Platform& pl) {
  try {
    validate(p, m, pl);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("edgesplit::row_bands: rounding hands remainder rows to the earliest bands", "[plan]") {
  Shape s{1, 10, 4};
  auto b = row_bands(s, {1, 1, 1});  // floor(10/3) = 3 each, remainder 1 → first band
  REQUIRE(b.size() == 3);
  CHECK(b[0] == Region{0, 4, 0, 4});
  CHECK(b[1] == Region{4, 7, 0, 4});
  CHECK(b[2] == Region{7, 10, 0, 4});
  auto z = row_bands(s, {0.0, 1.0});
  CHECK(z[0].empty());
  CHECK(z[1] == Region{0, 10, 0, 4});
  auto c = row_bands_at(s, {2, 9});
  CHECK(c[1] == Region{2, 9, 0, 4});
}

TEST_CASE("edgesplit::tile_grid: DeepThings strides, last tile absorbs the remainder", "[plan]") {
  auto t = tile_grid(Shape{1, 10, 7}, 3, 2);  // strides ceil(10/3) = 4, ceil(7/2) = 4
  REQUIRE(t.size() == 6);
  CHECK(t[0] == Region{0, 4, 0, 4});
  CHECK(t[1] == Region{0, 4, 4, 7});
  CHECK(t[4] == Region{8, 10, 0, 4});
}

TEST_CASE("edgesplit::assign_cells: overlapping sources give each cell once", "[plan]") {
  // needed rows [0,6) × cols [0,4); A holds rows [0,4), B rows [3,8): A gets 16, B gets rows [4,6) = 8.
  auto a = assign_cells({0, 6, 0, 4}, {{0, 4, 0, 4}, {3, 8, 0, 4}});
  CHECK(a.area == std::vector<std::int64_t>{16, 8});
  CHECK(a.uncovered_area == 0);
  auto u = assign_cells({0, 6, 0, 4}, {{0, 2, 0, 4}});
  CHECK(u.uncovered_area == 16);
  CHECK(u.first_uncovered == Region{2, 6, 0, 4});
}

TEST_CASE("edgesplit::validate(Plan): clear messages", "[plan]") {
  Model m = tiny_model();
  Platform pl = wifi_platform({"A", "B"}, {1e6, 1e6});
  CHECK(message_of(band_plan(m), m, pl).empty());

  SECTION("uncomputed output rows") {
    Plan p = band_plan(m);
    p.stages[0].pieces[1].region = Region{4, 7, 0, 8};  // row 7 of conv2 is nobody's
    CHECK(message_of(p, m, pl) == "plan.stages[0]: output rows [7, 8) columns [0, 8) of layer 'conv2' are computed by "
                                  "no piece (8 of 64 output positions uncovered)");
  }
  SECTION("unknown device, with a suggestion") {
    Plan p = band_plan(m);
    p.stages[1].pieces[0].device = "a";
    CHECK_THAT(message_of(p, m, pl), Catch::Contains("plan.stages[1].pieces[0].device: unknown device 'a'"));
  }
  SECTION("one device with two overlapping pieces") {
    Plan p = band_plan(m);
    p.stages[0].pieces[1] = {"A", Region{3, 8, 0, 8}};
    CHECK(message_of(p, m, pl) ==
          "plan.stages[0].pieces[1]: device 'A' holds pieces 0 and 1 of this stage, which overlap");
  }
  SECTION("layers left out") {
    Plan p = band_plan(m);
    p.stages.pop_back();
    CHECK(message_of(p, m, pl) == "plan.stages: layers 3..4 are in no stage");
  }
  SECTION("stages out of order") {
    Plan p = band_plan(m);
    p.stages[1].first_layer = 4;
    CHECK(message_of(p, m, pl) ==
          "plan.stages[1]: covers layers 4..4; expected a run starting at layer 3 and ending by layer 4");
  }
  SECTION("via_host without a host, bad bits") {
    Plan p = band_plan(m);
    p.stages[1].input_route = Route::ViaHost;
    p.stages[1].input_bits = 0;
    std::string msg = message_of(p, m, pl);
    CHECK_THAT(msg, Catch::Contains("plan.stages[1].input_bits: must be 1..64 bits per element, found 0"));
    CHECK_THAT(msg, Catch::Contains("plan.stages[1].host: a via_host stage needs a host device"));
  }
}

TEST_CASE("edgesplit::build_task_graph: band split MACs and halo bytes", "[plan]") {
  Model m = tiny_model();
  Platform pl = wifi_platform({"A", "B"}, {1e6, 1e6});
  TaskGraph g = build_task_graph(band_plan(m), m, pl);
  // Roles: source@A, s0.p0@A, s0.p1@B, s1.p0@A, sink@A.
  REQUIRE(g.roles.size() == 5);
  const Role& a = g.roles[1];
  const Role& b = g.roles[2];
  // A: conv2 rows [0,4) needs conv1 rows [0,5) (3×3 pad 1: [0·1−1, 3·1−1+3) clipped) → conv1 5/8 of 1152 = 720,
  // conv2 4/8 of 2304 = 1152 → 1872. B: conv2 rows [4,8) needs conv1 rows [3,8): again 720 + 1152.
  CHECK(a.macs == 1872);
  CHECK(b.macs == 1872);
  CHECK(a.layers[0].region == Region{0, 5, 0, 8});
  CHECK(b.layers[0].region == Region{3, 8, 0, 8});
  // Time at 1000 MACs/s: 1.872 s each.
  CHECK(a.time_ref_s == Approx(1.872).epsilon(1e-12));
  // Stage 2 on A: pool 128 ops + fc 320 MACs = 0.448 s.
  CHECK(g.roles[3].macs == 320);
  CHECK(g.roles[3].other_ops == 128);
  CHECK(g.roles[3].time_ref_s == Approx(0.448).epsilon(1e-12));
  CHECK(g.total_macs() == 1872 * 2 + 320);

  // Transfers: B needs input rows [2,8) (conv1 rows [3,8) back through 3×3 pad 1): 6 rows × 8 × 1 ch = 48 elements,
  // 4 of them halo rows... at 32 bit = 192 bytes (128 without the 2 halo rows). B → stage 2: conv2 rows [4,8),
  // 2 ch × 4 × 8 = 64 elements at 16 bit = 128 bytes. Everything else is local on A.
  std::int64_t net = 0;
  for (const auto& t : g.transfers) {
    if (t.local) continue;
    net += t.bytes;
    if (t.to == 2) {
      CHECK(t.elements == 48);
      CHECK(t.bytes == 192);
    } else {
      CHECK(t.from == 2);
      CHECK(t.to == 3);
      CHECK(t.elements == 64);
      CHECK(t.bytes == 128);
    }
  }
  CHECK(net == 320);
  CHECK(g.network_bytes() == 320);
}

TEST_CASE("edgesplit::build_task_graph: via-host gather/scatter and executed accounting", "[plan]") {
  Model m = tiny_model();
  Platform pl = wifi_platform({"A", "B", "C"}, {1e6, 1e6, 1e6});
  Plan p;
  p.source = p.sink = "A";
  Stage s1 = band_stage(m, 1, 2, {"B", "C"}, {0.5, 0.5});
  s1.input_route = Route::ViaHost;
  s1.host = "A";
  p.stages.push_back(s1);
  p.stages.push_back(whole_stage(m, 3, 4, "A"));
  TaskGraph g = build_task_graph(p, m, pl);
  // Roles: source@A, s0.relay@A, s0.p0@B, s0.p1@C, s1.p0@A, sink@A. The source hands the relay the union of the
  // pieces' needs (the whole input) locally; the relay scatters rows [0,6) to B and [2,8) to C: 48 elements each.
  REQUIRE(g.roles.size() == 6);
  CHECK(g.roles[1].kind == RoleKind::Relay);
  int scatter = 0;
  for (const auto& t : g.transfers)
    if (t.from == 1) {
      CHECK(t.elements == 48);
      ++scatter;
    }
  CHECK(scatter == 2);

  // Executed accounting (DeepThings forward_partition, sim/model/partition_cost): B (conv2 rows [0,4)) runs conv1 on
  // its 6-row input tile with its own padding → 6 rows · 8 · (1·9·2) = 864 MACs, conv2 on the 5-row conv1 tile →
  // 5 · 8 · (2·9·2) = 1440: 2304 instead of 1872 under output-area.
  p.accounting = Accounting::Executed;
  TaskGraph ge = build_task_graph(p, m, pl);
  CHECK(ge.roles[2].macs == 864 + 1440);
  CHECK(ge.roles[2].time_ref_s == Approx(2.304).epsilon(1e-12));
  // 2-D tiles: a 2×2 grid of conv2 tiles. Tile (0,0) = rows/cols [0,4): conv1 must produce [0,5)², from input
  // [0,6)² (output-area accounting).
  Plan t;
  t.source = t.sink = "A";
  Stage st;
  st.first_layer = 1;
  st.last_layer = 2;
  st.split = SplitKind::Tiles;
  auto tiles = tile_grid(m.layers[2].out, 2, 2);
  for (std::size_t i = 0; i < tiles.size(); ++i) st.pieces.push_back({i % 2 ? "B" : "C", tiles[i]});
  t.stages.push_back(st);
  t.stages.push_back(whole_stage(m, 3, 4, "A"));
  TaskGraph gt = build_task_graph(t, m, pl);
  // Tile (0,0): conv1 [0,5)² = 25/64 of 1152 = 450, conv2 16/64 of 2304 = 576 → 1026 MACs.
  CHECK(gt.roles[1].macs == 1026);
  // Sum over the four tiles: conv1 4·450 = 1800 (1152 without the overlap), conv2 2304.
  CHECK(gt.total_macs() == 1800 + 2304 + 320);
}

TEST_CASE("edgesplit::plan_to_json: round trip", "[plan]") {
  Model m = tiny_model();
  Plan p = band_plan(m);
  p.stages[1].input_route = Route::ViaHost;
  p.stages[1].host = "B";
  p.pipelined = true;
  nlohmann::json j = plan_to_json(p, m);
  CHECK(j["stages"][0]["last_layer_name"] == "conv2");
  CHECK(j["stages"][0]["pieces"][1]["rows"] == nlohmann::json::array({4, 8}));
  Plan q = plan_from_json(j);
  CHECK(plan_to_json(q, m) == j);
  CHECK_THROWS_WITH(plan_from_json(nlohmann::json::object()), Catch::Contains("malformed plan JSON"));
}
