// MobileNet-V1 (Howard et al. 2017, TF-slim layout) at every released width × resolution, and MobileNet-V2
// (torchvision). Convs carry no bias and are followed by BN (γ, β counted as parameters) and ReLU6.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "sim/model/zoo_models.hpp"

namespace edgesplit::zoo_detail {

// ----------------------------------------------------------------------------------------------------- MobileNet-V1
namespace {

// Top-1 of the 16 released float checkpoints, tensorflow/models research/slim/nets/mobilenet_v1.md (papers.md §7.2).
double mobilenet_v1_top1(const std::string& alpha, int res) {
  static const std::map<std::string, std::map<int, double>> table = {
      {"1.0", {{224, 70.9}, {192, 70.0}, {160, 68.0}, {128, 65.2}}},
      {"0.75", {{224, 68.4}, {192, 67.2}, {160, 65.3}, {128, 62.1}}},
      {"0.5", {{224, 63.3}, {192, 61.7}, {160, 59.1}, {128, 56.3}}},
      {"0.25", {{224, 49.8}, {192, 47.7}, {160, 45.5}, {128, 41.5}}},
  };
  return table.at(alpha).at(res);
}

// TF "SAME" padding on one axis: out = ceil(in / s), the total padding split with the extra pixel at the bottom/right
// (for a 3x3/2 conv on an even map that is pad_top = 0, pad_bottom = 1; PyTorch's symmetric pad 1 gives the same
// shape and MACs but a different receptive field).
void tf_same(Layer& l, int in_size) {
  const int out = (in_size + l.stride_h - 1) / l.stride_h;
  const int total = std::max((out - 1) * l.stride_h + l.kernel_h - in_size, 0);
  l.pad_top = l.pad_left = total / 2;
  l.pad_bottom = l.pad_right = total - total / 2;
}

}  // namespace

// Channel-rounding convention: TF-slim's `depth(d) = max(int(d * depth_multiplier), min_depth = 8)`, applied to every
// layer including the stem (32 α). For α ∈ {1, 0.75, 0.5, 0.25} every width is an exact integer (e.g. 0.75: 24, 48,
// 96, 192, 384, 768), so the rounding never bites; this is also the count of the paper's Table 6 (0.75-224: 325 M
// Mult-Adds). The classifier is the paper's 1024α → 1000 FC (TF-slim's checkpoints use a 1001-way 1x1 conv: +1,025
// params, +1,024α MACs — below every tolerance we state).
Model mobilenet_v1(const std::string& alpha_tag, int res) {
  const double alpha = std::stod(alpha_tag);
  auto depth = [alpha](int d) { return std::max(static_cast<int>(d * alpha), 8); };
  ModelBuilder b(fmt::format("mobilenet_v1_{}_{}", alpha_tag, res), {3, res, res});
  int size = res;
  auto same = [&](int idx) {
    tf_same(b.model().layers[idx], size);
    size = (size + b.model().layers[idx].stride_h - 1) / b.model().layers[idx].stride_h;
  };
  same(b.conv("Conv2d_0", bn_conv(depth(32), 3, 2, 1, Act::ReLU6)));
  struct Sep { int out, stride; };
  const Sep seps[13] = {{64, 1},  {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},  {512, 1},
                        {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
  int ch = depth(32);
  for (int i = 0; i < 13; ++i) {
    ConvSpec dw = bn_conv(ch, 3, seps[i].stride, 1, Act::ReLU6);
    dw.groups = ch;
    same(b.conv(fmt::format("Conv2d_{}_depthwise", i + 1), dw));
    ch = depth(seps[i].out);
    b.conv(fmt::format("Conv2d_{}_pointwise", i + 1), bn_conv(ch, 1, 1, 0, Act::ReLU6));
  }
  b.global_avgpool("AvgPool_1a");
  b.fc("Logits", 1000);
  return b.build({mobilenet_v1_top1(alpha_tag, res),
                  fmt::format("TF-slim mobilenet_v1.md, checkpoint mobilenet_v1_{}_{} (top-1)", alpha_tag, res)});
}

// ----------------------------------------------------------------------------------------------------- MobileNet-V2
// torchvision.models.mobilenet_v2 (width 1.0, so _make_divisible leaves every width unchanged): stem 3x3/2 32, then
// inverted residual blocks (t, c, n, s) — 1x1 expand ×t (absent when t = 1), 3x3 depthwise, linear 1x1 project —
// with an identity shortcut when stride 1 and widths match; last 1x1 conv 1280; FC 1000.
Model mobilenet_v2() {
  ModelBuilder b("mobilenet_v2", {3, 224, 224});
  b.conv("features.0", bn_conv(32, 3, 2, 1, Act::ReLU6));
  struct Setting { int t, c, n, s; };
  const Setting settings[7] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                               {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  int in_ch = 32, feature = 1;
  for (const auto& st : settings) {
    for (int i = 0; i < st.n; ++i, ++feature) {
      const int stride = i == 0 ? st.s : 1;
      const int hidden = in_ch * st.t;
      const std::string p = fmt::format("features.{}.", feature);
      const int x = b.last();
      if (st.t != 1) b.conv(p + "expand", bn_conv(hidden, 1, 1, 0, Act::ReLU6), x);
      ConvSpec dw = bn_conv(hidden, 3, stride, 1, Act::ReLU6);
      dw.groups = hidden;
      b.conv(p + "depthwise", dw);
      const int y = b.conv(p + "project", bn_conv(st.c, 1, 1, 0, Act::None));
      if (stride == 1 && in_ch == st.c) b.add(p + "add", {y, x});
      in_ch = st.c;
    }
  }
  b.conv("features.18", bn_conv(1280, 1, 1, 0, Act::ReLU6));
  b.global_avgpool("avgpool");
  b.fc("classifier.1", 1000);
  return b.build({71.878, kTorchvision});
}

}  // namespace edgesplit::zoo_detail
