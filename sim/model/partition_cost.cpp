// Per-layer regions and MACs of a fused run under output-area and executed accounting.
#include "sim/model/partition_cost.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/common/error.hpp"

namespace edgesplit {

const char* compute_accounting_name(ComputeAccounting a) {
  return a == ComputeAccounting::Executed ? "executed" : "output_area";
}

ComputeAccounting compute_accounting_from_name(const std::string& name) {
  if (name == "output_area") return ComputeAccounting::OutputArea;
  if (name == "executed") return ComputeAccounting::Executed;
  throw InputError(InputIssue{"", 0, 0, "compute_accounting",
                              unknown_name_message("compute accounting", name, {"output_area", "executed"})});
}

namespace {

std::int64_t conv_macs_per_output(const Layer& l) {
  return std::int64_t(l.out_channels) * (l.in.c / l.groups) * l.kernel_h * l.kernel_w;
}

// Output length of a window op run on `in` elements with the layer's own padding, as PyTorch/Darknet size it
// (model.cpp's window_out, which returns 0 for a tile shorter than the window; a ceil-mode pool then still yields
// its one partial window, hence the floor of 1).
int tile_out(int in, int pad_lo, int pad_hi, int k, int stride, int dilation, bool ceil_mode) {
  const int span = in + pad_lo + pad_hi - dilation * (k - 1) - 1;
  if (span < 0) return ceil_mode && in > 0 ? 1 : 0;
  if (!ceil_mode) return span / stride + 1;
  const int out = (span + stride - 1) / stride + 1;
  return (out - 1) * stride >= in + pad_lo ? out - 1 : out;
}

}  // namespace

std::int64_t region_macs(const Layer& l, const Region& out) {
  const Region r = intersect(out, full_region(l.out));
  if (r.empty()) return 0;
  switch (l.op) {
    case Op::Conv: return r.area() * conv_macs_per_output(l);
    case Op::FullyConnected: return layer_macs(l);
    default: return 0;
  }
}

FusedRunCost fused_run_cost(const Model& m, int first, int last, const Region& out) {
  if (first < 1 || last >= m.size() || first > last)
    throw ModelError(fmt::format("model '{}': fused run [{}, {}] is not within layers 1..{}", m.name, first, last,
                                 m.size() - 1));
  FusedRunCost cost;
  for (const auto& [i, region] : back_propagate(m, first, last, out)) {
    if (i < first) {
      cost.inputs[i] = region;
      continue;
    }
    const Layer& l = m.layers[i];
    LayerRegionCost c;
    c.layer = i;
    c.out = region;
    c.in = input_region(l, region);
    c.valid = computable_region(l, c.in);
    c.output_area_macs = region_macs(l, region);
    // Executed: Darknet sizes the layer for the tile (forward_partition reshapes each layer to its input tile),
    // so a 3x3/1 pad-1 conv on an r-row tile computes r rows — including the rows whose windows reach into the
    // zero padding Darknet puts around the tile — and the crop to `out` comes after. Never less than `out`.
    switch (l.op) {
      case Op::Conv:
      case Op::MaxPool:
      case Op::AvgPool: {
        const int dh = l.op == Op::Conv ? l.dilation_h : 1, dw = l.op == Op::Conv ? l.dilation_w : 1;
        c.executed_rows = std::max(
            tile_out(c.in.rows(), l.pad_top, l.pad_bottom, l.kernel_h, l.stride_h, dh, l.ceil_mode), region.rows());
        c.executed_cols = std::max(
            tile_out(c.in.cols(), l.pad_left, l.pad_right, l.kernel_w, l.stride_w, dw, l.ceil_mode), region.cols());
        break;
      }
      default:
        c.executed_rows = region.rows();
        c.executed_cols = region.cols();
    }
    c.executed_macs = l.op == Op::Conv ? std::int64_t(c.executed_rows) * c.executed_cols * conv_macs_per_output(l)
                                       : c.output_area_macs;
    cost.output_area_macs += c.output_area_macs;
    cost.executed_macs += c.executed_macs;
    cost.layers.push_back(c);
  }
  return cost;
}

}  // namespace edgesplit
