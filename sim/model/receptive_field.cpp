// Region arithmetic of receptive fields (see receptive_field.hpp for the formulas).
#include "sim/model/receptive_field.hpp"

#include <algorithm>

namespace edgesplit {

Region full_region(const Shape& s) { return {0, s.h, 0, s.w}; }
Region row_band(const Shape& s, int r0, int r1) { return {r0, r1, 0, s.w}; }

Region bounding_union(const Region& a, const Region& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return {std::min(a.r0, b.r0), std::max(a.r1, b.r1), std::min(a.c0, b.c0), std::max(a.c1, b.c1)};
}

Region intersect(const Region& a, const Region& b) {
  Region r{std::max(a.r0, b.r0), std::min(a.r1, b.r1), std::max(a.c0, b.c0), std::min(a.c1, b.c1)};
  return r.empty() ? Region{} : r;
}

namespace {
// Input interval of a window op for output interval [o0, o1) on one axis.
std::pair<int, int> window_back(int o0, int o1, int stride, int pad_lo, int k, int dilation, int in_size) {
  int a = o0 * stride - pad_lo;
  int b = (o1 - 1) * stride - pad_lo + (k - 1) * dilation + 1;
  return {std::clamp(a, 0, in_size), std::clamp(b, 0, in_size)};
}

// Output interval computable from input interval [a0, a1) on one axis: output o is computable when its window,
// clipped to the input (padding is free), lies inside [a0, a1).
std::pair<int, int> window_forward(int a0, int a1, int stride, int pad_lo, int k, int dilation, int in_size,
                                   int out_size) {
  if (a1 <= a0) return {0, 0};
  int lo = out_size, hi = 0;
  for (int o = 0; o < out_size; ++o) {
    int s = std::max(o * stride - pad_lo, 0);
    int e = std::min(o * stride - pad_lo + (k - 1) * dilation + 1, in_size);
    if (s >= a0 && e <= a1 && s < e) {
      lo = std::min(lo, o);
      hi = std::max(hi, o + 1);
    }
  }
  return lo < hi ? std::pair{lo, hi} : std::pair{0, 0};
}
}  // namespace

Region input_region(const Layer& l, const Region& out) {
  if (out.empty()) return {};
  switch (l.op) {
    case Op::Conv:
    case Op::MaxPool:
    case Op::AvgPool: {
      int dh = l.op == Op::Conv ? l.dilation_h : 1;
      int dw = l.op == Op::Conv ? l.dilation_w : 1;
      auto [r0, r1] = window_back(out.r0, out.r1, l.stride_h, l.pad_top, l.kernel_h, dh, l.in.h);
      auto [c0, c1] = window_back(out.c0, out.c1, l.stride_w, l.pad_left, l.kernel_w, dw, l.in.w);
      return {r0, r1, c0, c1};
    }
    case Op::FullyConnected:
    case Op::GlobalAvgPool: return full_region(l.in);
    // The non-window maps clip like the window ones, so a request that overshoots the map never leaks past it.
    case Op::Reorg:
      return intersect({out.r0 * l.factor, out.r1 * l.factor, out.c0 * l.factor, out.c1 * l.factor},
                       full_region(l.in));
    case Op::Upsample:
      return intersect({out.r0 / l.factor, (out.r1 + l.factor - 1) / l.factor, out.c0 / l.factor,
                        (out.c1 + l.factor - 1) / l.factor},
                       full_region(l.in));
    default: return intersect(out, full_region(l.in));  // Input, Add, Concat, BN, Activation, Softmax: 1:1 in space
  }
}

Region computable_region(const Layer& l, const Region& avail) {
  if (avail.empty()) return {};
  switch (l.op) {
    case Op::Conv:
    case Op::MaxPool:
    case Op::AvgPool: {
      int dh = l.op == Op::Conv ? l.dilation_h : 1;
      int dw = l.op == Op::Conv ? l.dilation_w : 1;
      auto [r0, r1] = window_forward(avail.r0, avail.r1, l.stride_h, l.pad_top, l.kernel_h, dh, l.in.h, l.out.h);
      auto [c0, c1] = window_forward(avail.c0, avail.c1, l.stride_w, l.pad_left, l.kernel_w, dw, l.in.w, l.out.w);
      Region r{r0, r1, c0, c1};
      return r.empty() ? Region{} : r;
    }
    case Op::FullyConnected:
    case Op::GlobalAvgPool: return avail == full_region(l.in) ? full_region(l.out) : Region{};
    case Op::Reorg: {
      Region r{(avail.r0 + l.factor - 1) / l.factor, avail.r1 / l.factor, (avail.c0 + l.factor - 1) / l.factor,
               avail.c1 / l.factor};
      return r.empty() ? Region{} : r;
    }
    case Op::Upsample:
      return {avail.r0 * l.factor, avail.r1 * l.factor, avail.c0 * l.factor, avail.c1 * l.factor};
    default: return avail;
  }
}

std::map<int, Region> back_propagate(const Model& m, int first, int last, const Region& out) {
  std::map<int, Region> needed;
  // Clip the request to the map: unclipped, an overshooting band passed through element-wise layers (Add, Concat)
  // and was reported, and costed, as rows that do not exist.
  needed[last] = intersect(out, full_region(m.layers[last].out));
  for (int i = last; i >= first; --i) {
    auto it = needed.find(i);
    if (it == needed.end() || it->second.empty()) continue;
    const Layer& l = m.layers[i];
    if (l.op == Op::Input) continue;
    Region in = input_region(l, it->second);
    for (int p : l.inputs) {
      Region& slot = needed[p];
      slot = bounding_union(slot, in);
    }
  }
  // Drop layers of the run that do not feed `last` (they were never given a region).
  for (auto it = needed.begin(); it != needed.end();) it = it->second.empty() ? needed.erase(it) : std::next(it);
  return needed;
}

}  // namespace edgesplit
