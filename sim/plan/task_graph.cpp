// From a Plan to one frame's roles and transfers: receptive-field back-propagation, MAC accounting, exact bytes.
#include "sim/plan/task_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "sim/common/error.hpp"
#include "sim/model/partition_cost.hpp"
#include "sim/plan/geometry.hpp"

namespace edgesplit {

const char* role_kind_name(RoleKind k) {
  switch (k) {
    case RoleKind::Source: return "source";
    case RoleKind::Relay: return "relay";
    case RoleKind::Compute: return "compute";
    case RoleKind::Sink: return "sink";
  }
  return "?";
}

std::int64_t TaskGraph::total_macs() const {
  std::int64_t t = 0;
  for (const auto& r : roles) t += r.macs;
  return t;
}

std::int64_t TaskGraph::network_bytes() const {
  std::int64_t t = 0;
  for (const auto& x : transfers)
    if (!x.local) t += x.bytes;
  return t;
}

namespace {

struct PieceRegions {
  std::map<int, Region> need;  // back-propagated: internal layers to produce, external producers to receive
};

std::int64_t scaled(std::int64_t whole, const Region& r, const Shape& out) {
  std::int64_t full = std::int64_t(out.h) * out.w;
  if (full == 0) return 0;
  // Work per output position is uniform for every layer kind we model, so the region's share is exact.
  return whole * r.area() / full;  // whole is a multiple of full for every layer kind: exact
}

}  // namespace

TaskGraph build_task_graph(const Plan& plan, const Model& base, const Platform& platform) {
  if (!plan.replicas.empty())
    throw InputError(InputIssue{"", 0, 0, "plan.replicas", "a replicated plan has one task graph per replica (deploy_plan)"});
  validate(plan, base, platform);
  // A plan naming a model variant runs that variant's layers.
  const Model variant = plan.model_variant.empty() ? Model{} : plan_model(plan, base);
  const Model& model = plan.model_variant.empty() ? base : variant;
  TaskGraph g;
  g.model = model.name;
  g.pipelined = plan.pipelined;
  g.sequential_devices = plan.sequential_devices;

  std::vector<int> layer_stage(static_cast<std::size_t>(model.size()), -1);
  for (std::size_t s = 0; s < plan.stages.size(); ++s)
    for (int l = plan.stages[s].first_layer; l <= plan.stages[s].last_layer; ++l) layer_stage[l] = static_cast<int>(s);

  auto add_role = [&](RoleKind kind, const std::string& device, int stage, int piece, std::string name) {
    Role r;
    r.kind = kind;
    r.device = platform.index_of(device);
    r.stage = stage;
    r.piece = piece;
    r.name = std::move(name);
    g.roles.push_back(std::move(r));
    return static_cast<int>(g.roles.size()) - 1;
  };

  g.source = add_role(RoleKind::Source, plan.source, -1, -1, fmt::format("source@{}", plan.source));
  std::vector<std::vector<PieceRegions>> regions(plan.stages.size());
  std::vector<std::vector<int>> piece_role(plan.stages.size());
  std::vector<int> relay_role(plan.stages.size(), -1);

  // (from role, to role) → elements; bits per consumer; dequantisation metadata bytes.
  std::map<std::pair<int, int>, std::int64_t> flow;
  std::map<std::pair<int, int>, int> flow_bits;
  std::map<std::pair<int, int>, std::int64_t> flow_meta;
  auto send = [&](int from, int to, std::int64_t elements, int bits, std::int64_t meta_bytes = 0) {
    if (from == to) return;
    flow[{from, to}] += elements;
    flow_bits[{from, to}] = bits;
    flow_meta[{from, to}] += meta_bytes;
  };
  // DynO's data packing (papers.md §2): every quantised tensor region in a message carries its own scale and offset,
  // once per tensor or once per channel. This is the only place metadata bytes are charged.
  auto metadata = [](const Stage& st, std::int64_t channels) -> std::int64_t {
    switch (st.input_scales) {
      case ScaleGranularity::None: return 0;
      case ScaleGranularity::PerTensor: return kScaleOffsetBytes;
      case ScaleGranularity::PerChannel: return kScaleOffsetBytes * channels;
    }
    return 0;
  };

  // The roles that hold layer p's output and the region each provides.
  auto providers = [&](int p, std::vector<int>& roles_out, std::vector<Region>& regs) {
    roles_out.clear();
    regs.clear();
    if (p == 0) {
      roles_out.push_back(g.source);
      regs.push_back(full_region(model.layers[0].out));
      return;
    }
    int s = layer_stage[static_cast<std::size_t>(p)];
    for (std::size_t k = 0; k < plan.stages[s].pieces.size(); ++k) {
      auto it = regions[s][k].need.find(p);
      roles_out.push_back(piece_role[s][k]);
      regs.push_back(it == regions[s][k].need.end() ? Region{} : it->second);
    }
  };

  std::vector<int> prov_roles;
  std::vector<Region> prov_regs;
  for (std::size_t s = 0; s < plan.stages.size(); ++s) {
    const Stage& st = plan.stages[s];
    if (st.input_route == Route::ViaHost)
      relay_role[s] = add_role(RoleKind::Relay, st.host, static_cast<int>(s), -1, fmt::format("s{}.relay@{}", s, st.host));
    for (std::size_t k = 0; k < st.pieces.size(); ++k) {
      const Piece& pc = st.pieces[k];
      int r = add_role(RoleKind::Compute, pc.device, static_cast<int>(s), static_cast<int>(k),
                       fmt::format("s{}.p{}@{}", s, k, pc.device));
      piece_role[s].push_back(r);
      PieceRegions pr;
      pr.need = back_propagate(model, st.first_layer, st.last_layer, pc.region);
      // Both accountings from sim/model/partition_cost (PICO eq. 2/4 for output-area; DeepThings forward_partition,
      // each layer sized for its input tile and cropped after, for executed).
      FusedRunCost cost = fused_run_cost(model, st.first_layer, st.last_layer, pc.region);
      bool executed = plan.accounting == Accounting::Executed;
      Role& role = g.roles[static_cast<std::size_t>(r)];
      const Device& dev = platform.devices[static_cast<std::size_t>(role.device)];
      for (const LayerRegionCost& c : cost.layers) {
        const Layer& layer = model.layers[static_cast<std::size_t>(c.layer)];
        LayerWork w;
        w.layer = c.layer;
        w.region = c.out;
        int rows = executed ? c.executed_rows : c.out.rows();
        int cols = executed ? c.executed_cols : c.out.cols();
        Region run{0, rows, 0, cols};
        w.macs = executed ? c.executed_macs : c.output_area_macs;
        w.other_ops = scaled(layer_other_ops(layer), run, layer.out);
        // Row tables are per band height of full-width bands; a narrower tile counts as the rows of equal area.
        int table_rows = cols == layer.out.w || layer.out.w == 0
                             ? rows
                             : static_cast<int>((run.area() + layer.out.w - 1) / layer.out.w);
        w.time_ref_s = layer_time_s(dev.profile, dev.profile.reference_pstate, model.name, layer, table_rows,
                                    static_cast<double>(w.macs + w.other_ops));
        role.macs += w.macs;
        role.other_ops += w.other_ops;
        role.time_ref_s += w.time_ref_s;
        role.layers.push_back(w);
      }
      regions[s].push_back(std::move(pr));
    }

    // Inputs of this stage: every producer outside the run that some piece needs.
    std::map<int, Region> union_need;  // per producer layer, over the stage's pieces (for the gather)
    for (std::size_t k = 0; k < st.pieces.size(); ++k)
      for (const auto& [p, reg] : regions[s][k].need)
        if (p < st.first_layer) union_need[p] = bounding_union(union_need[p], reg);
    for (const auto& [p, uni] : union_need) {
      std::int64_t ch = model.layers[static_cast<std::size_t>(p)].out.c;
      providers(p, prov_roles, prov_regs);
      if (st.input_route == Route::Direct) {
        for (std::size_t k = 0; k < st.pieces.size(); ++k) {
          auto it = regions[s][k].need.find(p);
          if (it == regions[s][k].need.end()) continue;
          CellAssignment a = assign_cells(it->second, prov_regs);
          for (std::size_t j = 0; j < prov_roles.size(); ++j)
            if (a.area[j] > 0) send(prov_roles[j], piece_role[s][k], a.area[j] * ch, st.input_bits, metadata(st, ch));
        }
      } else {
        CellAssignment a = assign_cells(uni, prov_regs);
        for (std::size_t j = 0; j < prov_roles.size(); ++j)
          if (a.area[j] > 0) send(prov_roles[j], relay_role[s], a.area[j] * ch, st.input_bits, metadata(st, ch));
        for (std::size_t k = 0; k < st.pieces.size(); ++k) {
          auto it = regions[s][k].need.find(p);
          if (it != regions[s][k].need.end())
            send(relay_role[s], piece_role[s][k], it->second.area() * ch, st.input_bits, metadata(st, ch));
        }
      }
    }
  }

  g.sink = add_role(RoleKind::Sink, plan.sink, -1, -1, fmt::format("sink@{}", plan.sink));
  {
    int out_layer = model.size() - 1;
    providers(out_layer, prov_roles, prov_regs);
    CellAssignment a = assign_cells(full_region(model.layers.back().out), prov_regs);
    std::int64_t ch = model.layers.back().out.c;
    for (std::size_t j = 0; j < prov_roles.size(); ++j)
      if (a.area[j] > 0) send(prov_roles[j], g.sink, a.area[j] * ch, plan.output_bits);
  }

  // Every role must be ordered after what it depends on and before what depends on it; roles on the same device
  // exchange data through memory (local transfers: zero time, but they still order the roles).
  for (const auto& [key, elements] : flow) {
    Transfer t;
    t.from = key.first;
    t.to = key.second;
    t.src_device = g.roles[static_cast<std::size_t>(t.from)].device;
    t.dst_device = g.roles[static_cast<std::size_t>(t.to)].device;
    t.elements = elements;
    t.bits = flow_bits[key];
    t.metadata_bytes = flow_meta[key];
    t.bytes = (elements * t.bits + 7) / 8 + t.metadata_bytes;
    t.local = t.src_device == t.dst_device;
    int idx = static_cast<int>(g.transfers.size());
    g.roles[static_cast<std::size_t>(t.from)].out.push_back(idx);
    g.roles[static_cast<std::size_t>(t.to)].in.push_back(idx);
    g.transfers.push_back(t);
  }
  return g;
}

}  // namespace edgesplit
