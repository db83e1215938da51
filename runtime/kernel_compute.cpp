// The "regions" compute (see kernel_compute.hpp).
#include "runtime/kernel_compute.hpp"

#include <fmt/format.h>

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "kernels/kernel.hpp"
#include "sim/model/zoo.hpp"
#include "sim/scenario/model_yaml.hpp"

namespace edgesplit::runtime {
namespace {

using nlohmann::json;

struct Context {
  Model model;
  std::unique_ptr<kernels::Backend> backend;
  std::uint64_t seed = 0;
  std::mutex weights_mutex;
  // Built on first use: a worker only holds the weights of the layers it computes (VGG-16 fc6 alone is 411 MB).
  std::map<int, kernels::LayerWeights> weights;
  // Prepared kernels by (task, layer): a kernel's prepare() creates the primitive and reorders the weights, which
  // for AlexNet's fc6 (151 MB) costs about a second; the profiles time execute() alone, so preparing once per frame
  // made every frame overrun its predicted time. One task runs one frame at a time, so its kernels are never shared.
  std::mutex kernels_mutex;
  std::map<std::pair<int, int>, std::pair<Region, std::unique_ptr<kernels::Kernel>>> kernels;

  kernels::Kernel& kernel(int task, const Layer& layer, int l, const Region& out) {
    const kernels::LayerWeights& w = layer_weights(l);
    std::lock_guard lock(kernels_mutex);
    auto& slot = kernels[{task, l}];
    if (!slot.second || !(slot.first == out)) slot = {out, backend->prepare(layer, w, out)};
    return *slot.second;
  }

  // back_propagate's regions for a task's layer run: the same every frame, so computed once.
  std::mutex regions_mutex;
  std::map<int, std::pair<std::array<int, 6>, std::map<int, Region>>> regions_by_task;
  const std::map<int, Region>& regions(int task, const Model& m, int first, int last, const Region& out) {
    const std::array<int, 6> key{first, last, out.r0, out.r1, out.c0, out.c1};
    std::lock_guard lock(regions_mutex);
    auto& slot = regions_by_task[task];
    if (slot.second.empty() || slot.first != key) slot = {key, back_propagate(m, first, last, out)};
    return slot.second;
  }

  const kernels::LayerWeights& layer_weights(int i) {
    std::lock_guard lock(weights_mutex);
    auto it = weights.find(i);
    if (it == weights.end())
      // kernels::make_model_weights gives layer i the seed + i: the same weights as the monolithic reference.
      it = weights.emplace(i, kernels::make_weights(model.layers[static_cast<std::size_t>(i)], seed + std::uint64_t(i))).first;
    return it->second;
  }
};

Context& context_for(const json& setup) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Context>> cache;
  std::lock_guard lock(mutex);
  auto& slot = cache[setup.dump()];
  if (!slot) {
    auto c = std::make_unique<Context>();
    c->model = setup_model(setup);
    c->backend = kernels::make_backend(setup.value("backend", std::string("reference")), setup.value("threads", 1));
    c->seed = setup.value("weights_seed", std::uint64_t{1});
    slot = std::move(c);
  }
  return *slot;
}

Region region_of(const json& a, std::size_t at) {
  return {a.at(at).get<int>(), a.at(at + 1).get<int>(), a.at(at + 2).get<int>(), a.at(at + 3).get<int>()};
}

// A layer's values over `region`, assembled from pieces.
struct Held {
  Region region;
  kernels::Tensor tensor;
};

}  // namespace

Model setup_model(const json& setup) {
  const json& m = setup.at("model");
  if (m.contains("zoo")) return zoo_model(m.at("zoo").get<std::string>());
  if (m.contains("file")) return load_model_yaml(m.at("file").get<std::string>());
  throw std::invalid_argument("setup.model needs 'zoo' or 'file'");
}

ComputeRegistry kernel_computes() {
  ComputeRegistry r;
  r["regions"] = [](const TaskSpec& task, const std::vector<const Tensor*>& in, const json& setup) {
    Context& ctx = context_for(setup);
    const Model& model = ctx.model;
    const json& p = task.params;
    const auto in_layers = p.at("in_layers").get<std::vector<int>>();
    if (in_layers.size() != in.size())
      throw std::runtime_error(fmt::format("{} inputs but {} in_layers", in.size(), in_layers.size()));

    // Assemble each producer layer from its cells: the bounding box of what arrived.
    std::map<int, Held> held;
    std::map<int, Region> box;
    for (std::size_t k = 0; k < in.size(); ++k) {
      const Region cell{in[k]->row0, in[k]->row0 + in[k]->h, in[k]->col0, in[k]->col0 + in[k]->w};
      box[in_layers[k]] = box.count(in_layers[k]) ? bounding_union(box[in_layers[k]], cell) : cell;
    }
    for (const auto& [layer, reg] : box) {
      const Shape s = model.layers.at(static_cast<std::size_t>(layer)).out;
      held[layer] = Held{reg, kernels::Tensor(Shape{s.c, reg.rows(), reg.cols()})};
    }
    for (std::size_t k = 0; k < in.size(); ++k) {
      const Tensor& t = *in[k];
      Held& h = held[in_layers[k]];
      if (t.c != h.tensor.shape.c)
        throw std::runtime_error(fmt::format("input slot {} has {} channels; layer {} has {}", t.slot, t.c,
                                             in_layers[k], h.tensor.shape.c));
      for (int ch = 0; ch < t.c; ++ch)
        for (int y = 0; y < t.h; ++y)
          for (int x = 0; x < t.w; ++x) h.tensor.at(ch, t.row0 - h.region.r0 + y, t.col0 - h.region.c0 + x) = t.at(ch, y, x);
    }

    // The layer run, as kernels::run_region does it, keeping every layer's piece for the cells sent onward.
    if (p.contains("run") && !p.at("run").is_null()) {
      const json& run = p.at("run");
      const int first = run.at("first").get<int>(), last = run.at("last").get<int>();
      const Region out = region_of(run.at("out"), 0);
      for (const auto& [l, reg] : ctx.regions(task.id, model, first, last, out)) {
        if (l < first) continue;
        const Layer& layer = model.layers[static_cast<std::size_t>(l)];
        const kernels::Geometry g = kernels::geometry(layer, reg);
        // Each producer's values over exactly the region the kernel reads: the held tensor itself where it is that
        // region (no copy: a whole-layer run reads its producers whole), else a cropped copy.
        std::vector<kernels::Tensor> crops;
        crops.reserve(layer.inputs.size());
        std::vector<const kernels::Tensor*> ptrs;
        for (int src : layer.inputs) {
          auto it = held.find(src);
          if (it == held.end())
            throw std::runtime_error(fmt::format("layer '{}' needs layer {}, which did not arrive", layer.name, src));
          if (it->second.region == g.in) {
            ptrs.push_back(&it->second.tensor);
          } else {
            crops.push_back(kernels::crop(it->second.tensor, it->second.region, g.in));
            ptrs.push_back(&crops.back());
          }
        }
        kernels::Kernel& k = ctx.kernel(task.id, layer, l, reg);
        const double t0 = monotonic_s();
        k.load(ptrs);
        const double t1 = monotonic_s();
        k.execute();
        const double t2 = monotonic_s();
        Held h{reg, {}};
        k.store(h.tensor);
        add_kernel_time(t2 - t1, (t1 - t0) + (monotonic_s() - t2));
        held[l] = std::move(h);
      }
    }

    const json& cells = p.at("out_cells");
    const auto bits = p.value("out_bits", std::vector<int>(cells.size(), 32));
    std::vector<Tensor> outs;
    for (std::size_t k = 0; k < cells.size(); ++k) {
      const int layer = cells[k].at(0).get<int>();
      const Region want = region_of(cells[k], 1);
      auto it = held.find(layer);
      if (it == held.end()) throw std::runtime_error(fmt::format("output cell of layer {}, which this task lacks", layer));
      const kernels::Tensor piece = kernels::crop(it->second.tensor, it->second.region, want);
      const Shape full = model.layers[static_cast<std::size_t>(layer)].out;
      Tensor t;
      t.precision = bits.at(k) <= 8 ? Precision::int8 : Precision::f32;
      t.c = piece.shape.c;
      t.h = want.rows();
      t.w = want.cols();
      t.row0 = want.r0;
      t.col0 = want.c0;
      t.full_h = full.h;
      t.full_w = full.w;
      t.values = piece.data;
      outs.push_back(std::move(t));
    }
    return outs;
  };
  return r;
}

}  // namespace edgesplit::runtime
