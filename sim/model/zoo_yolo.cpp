// YOLOv2 from Darknet's `yolo.cfg` (YOLOv2-COCO, 80 classes; the cfg DeepThings ships, width = height = 608), at any
// input size divisible by 32, and its first-16-layer prefix (DeepThings' fused stack).
#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/model/zoo_models.hpp"

namespace edgesplit::zoo_detail {

// Layer names carry Darknet's layer index ("conv12", "max17", "route28") so they match Darknet's printout; layer 25
// (`route -9`, a pure reference to layer 16) is no layer here — conv26 reads conv16 directly — and the final
// `region` layer (box decoding, no MACs) is left out. Every conv but the last is batch_normalize=1 (no bias; Darknet
// stores β in its bias slot and γ as scales, so the BN convention counts the same 2·C parameters) with leaky 0.1;
// the last is a linear 1x1 conv with bias. Darknet's maxpool size=2 stride=2 pads size−1 = 1 at the bottom/right
// only, which never adds a row on even maps: it is a plain 2x2/2 pool.
Model yolov2(int res, int fused_layers) {
  if (res % 32 != 0) throw ModelError(fmt::format("yolov2: input {} is not a multiple of 32", res));
  const std::string name = fused_layers ? fmt::format("yolov2_{}_first{}", res, fused_layers) : fmt::format("yolov2_{}", res);
  ModelBuilder b(name, {3, res, res});
  // Layers 0-24 of yolo.cfg: 'M' is a 2x2/2 max-pool, otherwise {filters, size}.
  struct L { int filters, size; };
  constexpr int M = 0;
  const L backbone[25] = {{32, 3},   {M, 2},    {64, 3},   {M, 2},    {128, 3},  {64, 1},   {128, 3},
                          {M, 2},    {256, 3},  {128, 1},  {256, 3},  {M, 2},    {512, 3},  {256, 1},
                          {512, 3},  {256, 1},  {512, 3},  {M, 2},    {1024, 3}, {512, 1},  {1024, 3},
                          {512, 1},  {1024, 3}, {1024, 3}, {1024, 3}};
  const int n = fused_layers ? fused_layers : 25;
  int conv16 = -1;
  for (int i = 0; i < n; ++i) {
    const L& l = backbone[i];
    const int idx = l.filters == M ? b.maxpool(fmt::format("max{}", i), {.k = 2})
                                   : b.conv(fmt::format("conv{}", i), bn_conv(l.filters, l.size, 1, -1, Act::Leaky));
    if (i == 16) conv16 = idx;
  }
  if (fused_layers) return b.build({0.0, "n/a: prefix of a COCO detector"});
  const int conv24 = b.last();
  b.conv("conv26", bn_conv(64, 1, 1, 0, Act::Leaky), conv16);  // route -9 → layer 16 (38x38x512 at 608)
  const int reorg = b.reorg("reorg27", 2);                      // 38x38x64 → 19x19x256
  b.concat("route28", {reorg, conv24});                         // `layers=-1,-4`: reorg first, then layer 24 → 1280
  b.conv("conv29", bn_conv(1024, 3, 1, 1, Act::Leaky));
  b.conv("conv30", {.out = 425, .k = 1, .pad = 0, .bias = true, .bn = false, .act = Act::None});  // 5·(80+5)
  return b.build({0.0, "n/a: COCO detector (no ImageNet top-1)"});
}

}  // namespace edgesplit::zoo_detail
