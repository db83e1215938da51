// The emulator end to end on real kernels and real TCP: plans split in row bands (direct and via a host) and in 2-D
// tiles reproduce the monolithic output, every link carries exactly the TaskGraph's bytes, and nothing is left
// running. The cell rectangles are checked against the TaskGraph's own cell assignment (the reference).
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <random>

#include "runtime/cells.hpp"
#include "runtime/emulation.hpp"
#include "runtime/netns.hpp"
#include "sim/model/zoo.hpp"
#include "sim/plan/geometry.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::runtime;

namespace {

Scenario zoo_scenario(const std::string& model, const std::vector<std::string>& devices) {
  Scenario s;
  s.name = "emulation-test";
  s.model_ref.zoo_name = model;
  s.model = zoo_model(model);
  // 50 Mbit/s stations, 1 ms per hop, every op class at 1 GMAC/s (fixture profile).
  s.platform = testing::wifi_platform(devices, std::vector<double>(devices.size(), 50e6 / 8), 0, 0.001);
  for (auto& d : s.platform.devices) d.profile = testing::unit_profile(d.name, 1e9);
  s.workload.frames = 2;
  return s;
}

// A plan of planner "test" whose source and sink are `device`; the test adds its stages.
Plan plan_at(const std::string& device) {
  Plan plan;
  plan.planner = "test";
  plan.source = plan.sink = device;
  return plan;
}

EmulationOptions options(PaceMode mode = PaceMode::native) {
  EmulationOptions o;
  o.binary = EDGESPLIT_BINARY;
  o.mode = mode;
  o.net = NetMode::pace;
  o.simulate = false;
  return o;
}

void check_links(const EmulationReport& r) {
  for (const auto& l : r.links) {
    INFO(l.from << " -> " << l.to);
    CHECK(l.payload_bytes == l.simulated_bytes);  // the same cells as the TaskGraph charges
    // Each tensor message adds a 12-byte header and a 44-byte tensor header to its payload.
    CHECK(l.wire_bytes == l.payload_bytes + 56 * l.messages);
  }
}

void check_no_children() {
  errno = 0;
  CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);
  CHECK(errno == ECHILD);
}

}  // namespace

TEST_CASE("edgesplit::runtime::assign_cell_regions: same areas as the TaskGraph's assign_cells", "[runtime][emulation]") {
  std::mt19937 gen(7);
  std::uniform_int_distribution<int> coord(0, 20);
  for (int trial = 0; trial < 300; ++trial) {
    auto rect = [&] {
      int a = coord(gen), b = coord(gen), c = coord(gen), d = coord(gen);
      return Region{std::min(a, b), std::max(a, b) + 1, std::min(c, d), std::max(c, d) + 1};
    };
    const Region need = rect();
    std::vector<Region> sources(static_cast<std::size_t>(1 + trial % 5));
    for (auto& s : sources) s = rect();
    const auto cells = assign_cell_regions(need, sources);
    const CellAssignment ref = assign_cells(need, sources);
    std::int64_t covered = 0;
    for (std::size_t j = 0; j < sources.size(); ++j) {
      std::int64_t area = 0;
      for (const Region& c : cells[j]) {
        area += c.area();
        // Inside what is needed and inside the source that sends it.
        CHECK(intersect(c, need) == c);
        CHECK(intersect(c, sources[j]) == c);
      }
      CHECK(area == ref.area[j]);
      covered += area;
    }
    CHECK(covered + ref.uncovered_area == need.area());
  }
}

TEST_CASE("edgesplit::runtime::emulate: row bands over three workers reproduce the monolithic output",
          "[runtime][emulation]") {
  Scenario s = zoo_scenario("mobilenet_v1_0.25_128", {"a", "b", "c"});
  const Model& m = s.model;
  Plan plan = plan_at("a");
  const int split_last = 10;  // layers 1..10 in bands on a, b, c; the rest on a
  SECTION("direct exchange between the bands") {
    Stage st = band_stage(m, 1, split_last, {"a", "b", "c"}, {0.5, 0.3, 0.2});
    st.input_route = Route::Direct;
    plan.stages = {st, whole_stage(m, split_last + 1, m.size() - 1, "a")};
  }
  SECTION("gathered and scattered through b (ViaHost)") {
    Stage st = band_stage(m, 1, split_last, {"a", "b", "c"}, {0.4, 0.4, 0.2});
    st.input_route = Route::ViaHost;
    st.host = "b";
    plan.stages = {st, whole_stage(m, split_last + 1, m.size() - 1, "a")};
  }
  const EmulationReport r = emulate(s, plan, options(PaceMode::native));
  CHECK(r.workers == 3);
  CHECK(r.measured.frames_completed == 2);
  REQUIRE(r.output_checked);
  CHECK(r.max_abs_output > 0);
  CHECK(r.max_abs_error <= 1e-5 * r.max_abs_output);
  CHECK(r.output_ok);
  CHECK_FALSE(r.links.empty());
  check_links(r);
  check_no_children();
}

TEST_CASE("edgesplit::runtime::emulate: int8 transfers are checked against a replay with the same quantisation",
          "[runtime][emulation]") {
  // Bands on a and b whose inputs travel as int8 (DynO's 8-bit cut). The distributed result must equal the in-process
  // replay that quantises the same tensors as the wire does (transport and assembly exact), the float32 replay of the
  // same tasks must equal the monolithic run (partition exact), and the int8 transfers must really have moved the
  // output: each transferred value is off by up to max|cell| / 254, so the result differs from the monolithic one by
  // more than 0 and, for this small net, by well under 5 % of its largest value.
  Scenario s = zoo_scenario("mobilenet_v1_0.25_128", {"a", "b"});
  const Model& m = s.model;
  Plan plan = plan_at("a");
  Stage st = band_stage(m, 1, 6, {"a", "b"}, {0.5, 0.5});
  st.input_route = Route::Direct;
  st.input_bits = 8;
  plan.stages = {st, whole_stage(m, 7, m.size() - 1, "a")};
  const EmulationReport r = emulate(s, plan, options(PaceMode::native));
  REQUIRE(r.quantised);
  CHECK(r.max_abs_error <= 1e-5 * r.max_abs_output);
  CHECK(r.partition_error <= 1e-5 * r.monolithic_max_abs);
  CHECK(r.quantisation_error > 1e-5 * r.monolithic_max_abs);
  CHECK(r.quantisation_error < 0.05 * r.monolithic_max_abs);
  CHECK(r.output_ok);
  check_links(r);
  check_no_children();
  // The same plan in float32 has no int8 transfer and is checked against the monolithic run directly.
  plan.stages[0].input_bits = 32;
  const TaskGraph g = build_task_graph(plan, m, s.platform);
  CHECK_FALSE(has_quantised_transfer(compile_emulation(plan, m, s.platform, g, nlohmann::json::object(), PaceMode::native)));
}

TEST_CASE("edgesplit::runtime::emulate: a 2x2 tile grid with a residual model, paced", "[runtime][emulation]") {
  // ResNet-18's first block: the stage ends after a residual add, so tiles need the skip branch's halo too.
  Scenario s = zoo_scenario("resnet18", {"a", "b", "c", "d"});
  s.workload.frames = 1;
  const Model& m = s.model;
  int last = 1;
  while (last + 1 < m.size() && m.layers[static_cast<std::size_t>(last)].out.h >= 56 &&
         m.layers[static_cast<std::size_t>(last + 1)].out.h >= 56)
    ++last;  // every layer at 56x56 or more: the stem and layer1
  Plan plan = plan_at("a");
  Stage st;
  st.first_layer = 1;
  st.last_layer = last;
  st.split = SplitKind::Tiles;
  st.grid_rows = st.grid_cols = 2;
  const std::vector<std::string> devs{"a", "b", "c", "d"};
  const auto tiles = tile_grid(m.layers[static_cast<std::size_t>(last)].out, 2, 2);
  for (std::size_t k = 0; k < tiles.size(); ++k) st.pieces.push_back({devs[k], tiles[k]});
  plan.stages = {st, whole_stage(m, last + 1, m.size() - 1, "a")};
  const EmulationReport r = emulate(s, plan, options(PaceMode::paced));
  CHECK(r.workers == 4);
  CHECK(r.output_ok);
  CHECK(r.max_abs_error <= 1e-5 * r.max_abs_output);
  check_links(r);
  // Paced: each device's busy time is at least its predicted compute (1 GMAC/s fixture profile).
  for (const auto& d : r.measured.devices) CHECK(d.busy_s > 0);
  check_no_children();
}

TEST_CASE("edgesplit::runtime::emulate: in network namespaces with per-route shaping", "[runtime][emulation][netns]") {
  const Capability cap = probe_netns();
  if (!cap.ok) {
    WARN("skipped: network namespaces unavailable: " << cap.reason);
    return;
  }
  Scenario s = zoo_scenario("mobilenet_v1_0.25_128", {"a", "b"});
  const Model& m = s.model;
  Plan plan = plan_at("a");
  Stage st = band_stage(m, 1, 6, {"a", "b"}, {0.5, 0.5});
  st.input_route = Route::Direct;
  plan.stages = {st, whole_stage(m, 7, m.size() - 1, "a")};
  EmulationOptions o = options(PaceMode::native);
  o.net = NetMode::netns;
  const auto before = list_netns("es");
  const EmulationReport r = emulate(s, plan, o);
  CHECK(r.net_used == "netns");
  CHECK(r.output_ok);
  check_links(r);
  CHECK(list_netns("es") == before);  // the topology is gone
  check_no_children();
}

TEST_CASE("edgesplit::runtime::emulate: sequential devices compute one role at a time, in the TaskGraph's order",
          "[runtime][emulation]") {
  // Two banded stages on a and b (HALP's shape): each device holds two compute roles. With Plan::sequential_devices
  // the SimGrid executor runs them through a semaphore ring per device; the emulator's workers take turns the same way.
  // Pipelined, so that without the ring frame f+1's first stage would compute beside frame f's later ones.
  Scenario s = zoo_scenario("mobilenet_v1_0.25_128", {"a", "b"});
  s.workload.frames = 3;
  const Model& m = s.model;
  Plan plan = plan_at("a");
  plan.sequential_devices = true;
  plan.pipelined = true;
  Stage first = band_stage(m, 1, 4, {"a", "b"}, {0.5, 0.5});
  Stage second = band_stage(m, 5, 8, {"a", "b"}, {0.5, 0.5});
  first.input_route = second.input_route = Route::Direct;
  plan.stages = {first, second, whole_stage(m, 9, m.size() - 1, "a")};
  const TaskGraph g = build_task_graph(plan, m, s.platform);
  // The rings, by hand from build_task_graph's order: source@a (0), s0.p0@a (1), s0.p1@b (2), s1.p0@a (3), s1.p1@b (4),
  // s2.p0@a (5), sink@a (6); source and sink compute nothing.
  const CompiledEmulation ce = compile_emulation(plan, m, s.platform, g, nlohmann::json::object(), PaceMode::paced);
  CHECK(ce.roles.at(0).sequential == std::vector<int>{1, 3, 5});
  CHECK(ce.roles.at(1).sequential == std::vector<int>{2, 4});
  CHECK(to_json(ce.roles.at(0)).at("sequential") == nlohmann::json::array({1, 3, 5}));
  plan.sequential_devices = false;
  CHECK(compile_emulation(plan, m, s.platform, g, nlohmann::json::object(), PaceMode::paced).roles.at(0).sequential.empty());
  plan.sequential_devices = true;

  EmulationOptions o = options(PaceMode::paced);
  o.trace = true;
  const EmulationReport r = emulate(s, plan, o);
  CHECK(r.measured.frames_completed == 3);
  CHECK(r.output_ok);
  check_links(r);
  // On each device the compute spans of the pieces never overlap and follow the ring: frame by frame, the roles in
  // index order.
  for (const std::string dev : {"a", "b"}) {
    std::vector<TraceEvent> spans;
    for (const auto& e : r.measured.trace)
      if (e.track == dev && e.kind == "compute" && e.name.rfind("source@", 0) != 0 && e.name.rfind("sink@", 0) != 0)
        spans.push_back(e);
    std::sort(spans.begin(), spans.end(), [](const TraceEvent& x, const TraceEvent& y) { return x.start_s < y.start_s; });
    const std::vector<std::string> ring = dev == "a" ? std::vector<std::string>{"s0.p0@a", "s1.p0@a", "s2.p0@a"}
                                                     : std::vector<std::string>{"s0.p1@b", "s1.p1@b"};
    REQUIRE(spans.size() == 3 * ring.size());
    for (std::size_t k = 0; k < spans.size(); ++k) {
      INFO(dev << " span " << k << ": " << spans[k].name << " frame " << spans[k].frame);
      CHECK(spans[k].name == ring[k % ring.size()]);
      CHECK(spans[k].frame == static_cast<int>(k / ring.size()));
      if (k > 0) CHECK(spans[k].start_s >= spans[k - 1].end_s);
    }
  }
  check_no_children();
}
