// Bands and 2-D tiles computed apart (each from only its receptive field) compose to the monolithic output.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "kernels/partition.hpp"
#include "sim/model/builder.hpp"

using namespace edgesplit;
using namespace edgesplit::kernels;

namespace {

// conv 3x3 s1 → conv 3x3 s2 → maxpool 3x3 s2 p1 → conv 3x3: a stride-2 conv and a padded pool inside the fused run.
Model net() {
  ModelBuilder b("bands", Shape{5, 29, 23});
  b.conv("conv1", {.out = 8, .k = 3, .act = Act::ReLU});
  b.conv("conv2_s2", {.out = 12, .k = 3, .stride = 2, .act = Act::Leaky});  // 15x12
  b.maxpool("pool", {.k = 3, .stride = 2, .pad = 1});                        // 8x6
  b.conv("conv3", {.out = 6, .k = 3, .act = Act::ReLU});                     // 8x6
  return b.build();
}

// Splits [0, n) into pieces of the given sizes (the last takes the rest).
std::vector<std::pair<int, int>> cuts(int n, std::vector<int> sizes) {
  std::vector<std::pair<int, int>> out;
  int at = 0;
  for (int s : sizes) {
    if (at >= n) break;
    out.push_back({at, std::min(n, at + s)});
    at += s;
  }
  if (at < n) out.push_back({at, n});
  return out;
}

// Runs [first, last] as the given tiles (each from the monolithic producer activation) and pastes them together.
Tensor compose(Backend& be, const Model& m, const std::vector<LayerWeights>& w, const std::vector<Tensor>& mono,
               int first, int last, const std::vector<Region>& tiles) {
  std::map<int, Piece> sources;
  for (int p = 0; p < first; ++p) sources[p] = Piece{full_region(m.layers[p].out), mono[p]};
  Tensor whole(m.layers[last].out);
  std::vector<int> covered(std::size_t(whole.shape.h) * whole.shape.w, 0);
  for (const Region& t : tiles) {
    Piece p = run_region(be, m, w, first, last, t, sources);
    REQUIRE(p.region == t);
    REQUIRE(p.tensor.shape == Shape{whole.shape.c, t.rows(), t.cols()});
    paste(whole, p.tensor, t);
    for (int y = t.r0; y < t.r1; ++y)
      for (int x = t.c0; x < t.c1; ++x) ++covered[std::size_t(y) * whole.shape.w + x];
  }
  for (int c : covered) REQUIRE(c == 1);  // the tiles partition the output exactly
  return whole;
}

void check_equal(const Tensor& got, const Tensor& want) {
  REQUIRE(max_abs(want) > 0);
  CHECK(max_abs_diff(got, want) <= 1e-5f * max_abs(want));
}

std::vector<Region> bands(const Shape& s, std::vector<int> sizes) {
  std::vector<Region> r;
  for (auto [a, b] : cuts(s.h, sizes)) r.push_back(row_band(s, a, b));
  return r;
}

std::vector<Region> grid(const Shape& s, std::vector<int> rows, std::vector<int> cols) {
  std::vector<Region> r;
  for (auto [a, b] : cuts(s.h, rows))
    for (auto [c, d] : cuts(s.w, cols)) r.push_back(Region{a, b, c, d});
  return r;
}

}  // namespace

TEST_CASE("edgesplit::kernels::run_region: bands and tiles compose to the monolithic output", "[kernels]") {
  Model m = net();
  auto w = make_model_weights(m, 3);
  Tensor input = random_tensor(m.input().out, 99);
  for (const std::string& name : backend_names()) {
    auto be = make_backend(name);
    auto mono = run_model(*be, m, w, input);
    INFO("backend " << name);
    SECTION(name + ": conv bands, uneven, first and last at the borders") {
      // 1-row band at the top border, 1-row band at the bottom border, uneven interior bands.
      check_equal(compose(*be, m, w, mono, 1, 1, bands(m.layers[1].out, {1, 5, 13, 9})), mono[1]);
    }
    SECTION(name + ": stride-2 conv bands") {
      check_equal(compose(*be, m, w, mono, 2, 2, bands(m.layers[2].out, {2, 1, 7})), mono[2]);
    }
    SECTION(name + ": padded pool bands") {
      check_equal(compose(*be, m, w, mono, 3, 3, bands(m.layers[3].out, {1, 3, 2})), mono[3]);
    }
    SECTION(name + ": fused 3-layer run (conv, stride-2 conv, pool) as bands") {
      check_equal(compose(*be, m, w, mono, 1, 3, bands(m.layers[3].out, {1, 2, 4})), mono[3]);
    }
    SECTION(name + ": fused 4-layer run as 2-D tiles incl. corners") {
      check_equal(compose(*be, m, w, mono, 1, 4, grid(m.layers[4].out, {3, 2}, {1, 3})), mono[4]);
    }
    SECTION(name + ": single conv as 2-D tiles") {
      check_equal(compose(*be, m, w, mono, 2, 2, grid(m.layers[2].out, {4, 4}, {5, 2})), mono[2]);
    }
  }
}

TEST_CASE("edgesplit::kernels::run_region: a band reads only its receptive field", "[kernels]") {
  // Poison every input row outside the band's receptive field: the band's values must not change.
  Model m = net();
  auto w = make_model_weights(m, 5);
  auto be = make_backend("reference");
  Tensor input = random_tensor(m.input().out, 7);
  auto mono = run_model(*be, m, w, input);
  Region band = row_band(m.layers[3].out, 3, 5);
  Region need = back_propagate(m, 1, 3, band).at(0);
  // By hand, window [o0·s − p, (o1 − 1)·s − p + k) per layer:
  // pool rows [3,5) ← conv2 rows [3·2−1, 4·2−1+3) = [5,10) ← conv1 rows [5·2−1, 9·2−1+3) = [9,20)
  // ← input rows [9−1, 19−1+3) = [8,21).
  REQUIRE(need == Region{8, 21, 0, 23});
  Tensor poisoned = input;
  for (int c = 0; c < poisoned.shape.c; ++c)
    for (int y = 0; y < poisoned.shape.h; ++y)
      if (y < need.r0 || y >= need.r1)
        for (int x = 0; x < poisoned.shape.w; ++x) poisoned.at(c, y, x) = 1e30f;
  Piece p = run_region(*be, m, w, 1, 3, band, {{0, Piece{full_region(m.input().out), poisoned}}});
  check_equal(p.tensor, crop(mono[3], full_region(m.layers[3].out), band));
}
