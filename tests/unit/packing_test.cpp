// edgesplit::build_task_graph: DynO's data packing — ceil(numel·b/8) bytes plus a float32 scale and offset per tensor
// or per channel of each quantised tensor in a message (papers.md §2), worked out by hand.
#include <catch2/catch.hpp>

#include "sim/common/error.hpp"
#include "sim/model/zoo.hpp"
#include "sim/plan/plan_json.hpp"
#include "sim/plan/task_graph.hpp"
#include "tests/unit/plan_fixture.hpp"

using namespace edgesplit;
using namespace edgesplit::testing;

namespace {
// Layers 1..k on A, the rest on the cloud; the split tensor at `bits` with `scales`.
Plan cut_plan(const Model& m, int k, int bits, ScaleGranularity scales) {
  Plan p;
  p.source = p.sink = std::string("A");
  if (k >= 1) p.stages.push_back(whole_stage(m, 1, k, "A"));
  Stage s = whole_stage(m, k + 1, m.size() - 1, "cloud");
  s.input_bits = bits;
  s.input_scales = scales;
  p.stages.push_back(s);
  return p;
}
std::int64_t upload_bytes(const TaskGraph& g) {
  for (const auto& t : g.transfers)
    if (!t.local && g.roles[static_cast<std::size_t>(t.to)].kind == RoleKind::Compute) return t.bytes;
  return -1;
}
}  // namespace

TEST_CASE("edgesplit::build_task_graph: bit-packed bytes with per-tensor and per-channel scales", "[plan]") {
  // ResNet-50 after its stem max-pool: 64×56×56 = 200704 elements.
  Model m = zoo_model("resnet50");
  int k = m.index_of("maxpool");
  REQUIRE(m.layers[static_cast<std::size_t>(k)].out == Shape{64, 56, 56});
  Platform p = wifi_platform({"A"}, {1e9}, 1e9);
  // 4 bits: 200704·4/8 = 100352 B; per tensor + 8 B (one float32 scale and offset); per channel + 64·8 = 512 B.
  CHECK(upload_bytes(build_task_graph(cut_plan(m, k, 4, ScaleGranularity::PerTensor), m, p)) == 100360);
  CHECK(upload_bytes(build_task_graph(cut_plan(m, k, 4, ScaleGranularity::PerChannel), m, p)) == 100864);
  // 3 bits: 602112 bits = 75264 B exactly; no scales: plain 3-bit elements.
  CHECK(upload_bytes(build_task_graph(cut_plan(m, k, 3, ScaleGranularity::None), m, p)) == 75264);
  // Total per frame: the upload plus the float32 result (1000 · 4 B).
  CHECK(build_task_graph(cut_plan(m, k, 4, ScaleGranularity::PerTensor), m, p).network_bytes() == 100360 + 4000);
  TaskGraph g = build_task_graph(cut_plan(m, k, 4, ScaleGranularity::PerChannel), m, p);
  CHECK(g.transfers.size() == 3);  // A's stage → cloud, cloud → sink, source → A (local)
}

TEST_CASE("edgesplit::build_task_graph: packing rounds up to whole bytes, metadata per message", "[plan]") {
  // tiny_model's input 1×8×8 = 64 elements at 3 bits = 192 bits = 24 B; at 5 bits 320 bits = 40 B.
  Model m = tiny_model();
  Platform p = wifi_platform({"A", "B"}, {1e9, 1e9}, 1e9);
  CHECK(upload_bytes(build_task_graph(cut_plan(m, 0, 3, ScaleGranularity::PerTensor), m, p)) == 24 + 8);
  CHECK(upload_bytes(build_task_graph(cut_plan(m, 0, 5, ScaleGranularity::PerChannel), m, p)) == 40 + 8);  // 1 channel
  // conv1's output 2×8×8 = 128 elements at 7 bits = 896 bits = 112 B; 2 channels: +16 B per channel scales.
  CHECK(upload_bytes(build_task_graph(cut_plan(m, 1, 7, ScaleGranularity::PerChannel), m, p)) == 112 + 16);
  // pool's output 2×4×4 = 32 elements at 3 bits = 96 bits = 12 B; at 1 bit 32 bits = 4 B.
  CHECK(upload_bytes(build_task_graph(cut_plan(m, 3, 3, ScaleGranularity::PerTensor), m, p)) == 12 + 8);
  CHECK(upload_bytes(build_task_graph(cut_plan(m, 3, 1, ScaleGranularity::PerTensor), m, p)) == 4 + 8);

  // Two producers into one stage: conv1..conv2 in row bands on A [0,4) and B [4,8), pool..fc on A at 4 bits per
  // channel. B sends its 4 rows × 8 columns × 2 channels = 64 elements = 32 B, plus 2 channels × 8 B = 48 B; A's own
  // band is local (same element count and metadata, no network).
  Plan two;
  two.source = two.sink = std::string("A");
  two.stages.push_back(band_stage(m, 1, 2, {"A", "B"}, {0.5, 0.5}));
  Stage s = whole_stage(m, 3, 4, "A");
  s.input_bits = 4;
  s.input_scales = ScaleGranularity::PerChannel;
  two.stages.push_back(s);
  TaskGraph g = build_task_graph(two, m, p);
  int from_b = 0;
  for (const auto& t : g.transfers)
    if (t.src_device == 1 && t.dst_device == 0) {
      ++from_b;
      CHECK(t.elements == 64);
      CHECK(t.metadata_bytes == 16);
      CHECK(t.bytes == 48);
    }
  CHECK(from_b == 1);
}

TEST_CASE("edgesplit::validate(Plan): scales need a quantised transfer; JSON keeps them", "[plan]") {
  Model m = tiny_model();
  Platform p = wifi_platform({"A"}, {1e9}, 1e9);
  Plan bad = cut_plan(m, 1, 32, ScaleGranularity::PerTensor);
  CHECK_THROWS_WITH(validate(bad, m, p),
                    Catch::Contains("plan.stages[1].input_scales") && Catch::Contains("need input_bits below 32"));
  Plan good = cut_plan(m, 1, 6, ScaleGranularity::PerChannel);
  Plan back = plan_from_json(plan_to_json(good, m));
  CHECK(back.stages[1].input_scales == ScaleGranularity::PerChannel);
  CHECK(back.stages[1].input_bits == 6);
  CHECK(plan_from_json(plan_to_json(cut_plan(m, 1, 6, ScaleGranularity::None), m)).stages[1].input_scales ==
        ScaleGranularity::None);
  nlohmann::json j = plan_to_json(good, m);
  j["stages"][1]["input_scales"] = "per_row";
  CHECK_THROWS_WITH(plan_from_json(j), Catch::Contains("per_row"));
}
