// torchvision ImageNet classifiers: AlexNet, ResNet-18/34/50, GoogLeNet, Inception-v3, SqueezeNet 1.0/1.1.
// Layer names follow torchvision's module paths (e.g. "layer2.0.downsample", "Mixed_6b.branch7x7dbl_3") so a row of
// `edgesplit model show` can be matched to a state_dict key. Dropout has no cost and is omitted; BN is folded into the
// conv before it (bias=false, batch_norm=true), which reproduces torchvision's parameter counts exactly.
#include <fmt/format.h>

#include <array>
#include <vector>

#include "sim/model/zoo_models.hpp"

namespace edgesplit::zoo_detail {

// ---------------------------------------------------------------------------------------------------------- AlexNet
// torchvision.models.alexnet (the "one weird trick" single-GPU variant: 64/192/384/256/256 channels).
Model alexnet() {
  ModelBuilder b("alexnet", {3, 224, 224});
  b.conv("features.0", {.out = 64, .k = 11, .stride = 4, .pad = 2});  // 55x55
  b.maxpool("features.2", {.k = 3, .stride = 2});                     // 27x27
  b.conv("features.3", {.out = 192, .k = 5, .pad = 2});
  b.maxpool("features.5", {.k = 3, .stride = 2});  // 13x13
  b.conv("features.6", {.out = 384, .k = 3, .pad = 1});
  b.conv("features.8", {.out = 256, .k = 3, .pad = 1});
  b.conv("features.10", {.out = 256, .k = 3, .pad = 1});
  b.maxpool("features.12", {.k = 3, .stride = 2});  // 6x6; the adaptive 6x6 avgpool is then the identity
  b.fc("classifier.1", 4096, Act::ReLU);
  b.fc("classifier.4", 4096, Act::ReLU);
  b.fc("classifier.6", 1000);
  return b.build({56.522, kTorchvision});
}

// ----------------------------------------------------------------------------------------------------------- ResNet
// torchvision.models.resnet: BasicBlock (18/34) or Bottleneck v1.5 (50: the stride sits on the 3x3 conv). A 1x1
// projection shortcut ("downsample") whenever the stride or the width changes.
namespace {
Model resnet(const std::string& name, bool bottleneck, std::array<int, 4> blocks, double top1) {
  ModelBuilder b(name, {3, 224, 224});
  b.conv("conv1", bn_conv(64, 7, 2, 3));
  b.maxpool("maxpool", {.k = 3, .stride = 2, .pad = 1});
  const int expansion = bottleneck ? 4 : 1;
  int in_ch = 64;
  for (int stage = 0; stage < 4; ++stage) {
    const int planes = 64 << stage;
    for (int blk = 0; blk < blocks[stage]; ++blk) {
      const int stride = (stage > 0 && blk == 0) ? 2 : 1;
      const std::string p = fmt::format("layer{}.{}.", stage + 1, blk);
      const int x = b.last();
      int y;
      if (bottleneck) {
        b.conv(p + "conv1", bn_conv(planes, 1, 1, 0), x);
        b.conv(p + "conv2", bn_conv(planes, 3, stride, 1));
        y = b.conv(p + "conv3", bn_conv(planes * expansion, 1, 1, 0, Act::None));
      } else {
        b.conv(p + "conv1", bn_conv(planes, 3, stride, 1), x);
        y = b.conv(p + "conv2", bn_conv(planes, 3, 1, 1, Act::None));
      }
      int shortcut = x;
      if (stride != 1 || in_ch != planes * expansion)
        shortcut = b.conv(p + "downsample", bn_conv(planes * expansion, 1, stride, 0, Act::None), x);
      b.add(p + "add", {y, shortcut}, Act::ReLU);
      in_ch = planes * expansion;
    }
  }
  b.global_avgpool("avgpool");
  b.fc("fc", 1000);
  return b.build({top1, kTorchvision});
}
}  // namespace

Model resnet18() { return resnet("resnet18", false, {2, 2, 2, 2}, 69.758); }
Model resnet34() { return resnet("resnet34", false, {3, 4, 6, 3}, 73.314); }
Model resnet50() { return resnet("resnet50", true, {3, 4, 6, 3}, 76.130); }

// -------------------------------------------------------------------------------------------------------- GoogLeNet
// torchvision.models.googlenet with the published weights: BN after every conv (eps 1e-3), ceil-mode max-pools, and
// the aux classifiers removed (torchvision drops them when loading the weights, so 6,624,904 excludes them). Branch 3
// uses a 3x3 conv where the paper has 5x5 — torchvision keeps that known discrepancy for its weights, and so do we.
namespace {
int googlenet_inception(ModelBuilder& b, const std::string& n, int c1, int c3r, int c3, int c5r, int c5, int pool) {
  const int x = b.last();
  const int br1 = b.conv(n + ".branch1", bn_conv(c1, 1, 1, 0), x);
  b.conv(n + ".branch2.0", bn_conv(c3r, 1, 1, 0), x);
  const int br2 = b.conv(n + ".branch2.1", bn_conv(c3, 3, 1, 1));
  b.conv(n + ".branch3.0", bn_conv(c5r, 1, 1, 0), x);
  const int br3 = b.conv(n + ".branch3.1", bn_conv(c5, 3, 1, 1));
  b.maxpool(n + ".branch4.0", {.k = 3, .stride = 1, .pad = 1, .ceil = true}, x);
  const int br4 = b.conv(n + ".branch4.1", bn_conv(pool, 1, 1, 0));
  return b.concat(n, {br1, br2, br3, br4});
}
}  // namespace

Model googlenet() {
  ModelBuilder b("googlenet", {3, 224, 224});
  b.conv("conv1", bn_conv(64, 7, 2, 3));                            // 112
  b.maxpool("maxpool1", {.k = 3, .stride = 2, .ceil = true});       // 56
  b.conv("conv2", bn_conv(64, 1, 1, 0));
  b.conv("conv3", bn_conv(192, 3, 1, 1));
  b.maxpool("maxpool2", {.k = 3, .stride = 2, .ceil = true});       // 28
  googlenet_inception(b, "inception3a", 64, 96, 128, 16, 32, 32);
  googlenet_inception(b, "inception3b", 128, 128, 192, 32, 96, 64);
  b.maxpool("maxpool3", {.k = 3, .stride = 2, .ceil = true});       // 14
  googlenet_inception(b, "inception4a", 192, 96, 208, 16, 48, 64);
  googlenet_inception(b, "inception4b", 160, 112, 224, 24, 64, 64);
  googlenet_inception(b, "inception4c", 128, 128, 256, 24, 64, 64);
  googlenet_inception(b, "inception4d", 112, 144, 288, 32, 64, 64);
  googlenet_inception(b, "inception4e", 256, 160, 320, 32, 128, 128);
  b.maxpool("maxpool4", {.k = 2, .stride = 2, .ceil = true});       // 7
  googlenet_inception(b, "inception5a", 256, 160, 320, 32, 128, 128);
  googlenet_inception(b, "inception5b", 384, 192, 384, 48, 128, 128);
  b.global_avgpool("avgpool");
  b.fc("fc", 1000);
  return b.build({69.778, kTorchvision});
}

// ----------------------------------------------------------------------------------------------------- Inception-v3
// torchvision.models.inception_v3 at 299x299, the inference graph: the auxiliary classifier (AuxLogits, on Mixed_6e)
// runs only in training mode, so it is left out — its 3,326,696 parameters are why torchvision lists 27,161,264
// while the inference graph here has 23,834,568. BasicConv2d = conv (no bias) + BN + ReLU.
namespace {
ConvSpec conv_hw(int out, int kh, int kw) {
  ConvSpec s = bn_conv(out, 1);
  s.kh = kh;
  s.kw = kw;
  s.pad_h = (kh - 1) / 2;
  s.pad_w = (kw - 1) / 2;
  return s;
}

void inception_a(ModelBuilder& b, const std::string& n, int pool_features) {
  const int x = b.last();
  const int br1 = b.conv(n + ".branch1x1", bn_conv(64, 1, 1, 0), x);
  b.conv(n + ".branch5x5_1", bn_conv(48, 1, 1, 0), x);
  const int br5 = b.conv(n + ".branch5x5_2", bn_conv(64, 5, 1, 2));
  b.conv(n + ".branch3x3dbl_1", bn_conv(64, 1, 1, 0), x);
  b.conv(n + ".branch3x3dbl_2", bn_conv(96, 3, 1, 1));
  const int br3 = b.conv(n + ".branch3x3dbl_3", bn_conv(96, 3, 1, 1));
  b.avgpool(n + ".branch_pool.avg", {.k = 3, .stride = 1, .pad = 1}, x);
  const int brp = b.conv(n + ".branch_pool", bn_conv(pool_features, 1, 1, 0));
  b.concat(n, {br1, br5, br3, brp});
}

void inception_b(ModelBuilder& b, const std::string& n) {
  const int x = b.last();
  const int br3 = b.conv(n + ".branch3x3", bn_conv(384, 3, 2, 0), x);
  b.conv(n + ".branch3x3dbl_1", bn_conv(64, 1, 1, 0), x);
  b.conv(n + ".branch3x3dbl_2", bn_conv(96, 3, 1, 1));
  const int brd = b.conv(n + ".branch3x3dbl_3", bn_conv(96, 3, 2, 0));
  const int brp = b.maxpool(n + ".branch_pool", {.k = 3, .stride = 2}, x);
  b.concat(n, {br3, brd, brp});
}

void inception_c(ModelBuilder& b, const std::string& n, int c7) {
  const int x = b.last();
  const int br1 = b.conv(n + ".branch1x1", bn_conv(192, 1, 1, 0), x);
  b.conv(n + ".branch7x7_1", bn_conv(c7, 1, 1, 0), x);
  b.conv(n + ".branch7x7_2", conv_hw(c7, 1, 7));
  const int br7 = b.conv(n + ".branch7x7_3", conv_hw(192, 7, 1));
  b.conv(n + ".branch7x7dbl_1", bn_conv(c7, 1, 1, 0), x);
  b.conv(n + ".branch7x7dbl_2", conv_hw(c7, 7, 1));
  b.conv(n + ".branch7x7dbl_3", conv_hw(c7, 1, 7));
  b.conv(n + ".branch7x7dbl_4", conv_hw(c7, 7, 1));
  const int brd = b.conv(n + ".branch7x7dbl_5", conv_hw(192, 1, 7));
  b.avgpool(n + ".branch_pool.avg", {.k = 3, .stride = 1, .pad = 1}, x);
  const int brp = b.conv(n + ".branch_pool", bn_conv(192, 1, 1, 0));
  b.concat(n, {br1, br7, brd, brp});
}

void inception_d(ModelBuilder& b, const std::string& n) {
  const int x = b.last();
  b.conv(n + ".branch3x3_1", bn_conv(192, 1, 1, 0), x);
  const int br3 = b.conv(n + ".branch3x3_2", bn_conv(320, 3, 2, 0));
  b.conv(n + ".branch7x7x3_1", bn_conv(192, 1, 1, 0), x);
  b.conv(n + ".branch7x7x3_2", conv_hw(192, 1, 7));
  b.conv(n + ".branch7x7x3_3", conv_hw(192, 7, 1));
  const int br7 = b.conv(n + ".branch7x7x3_4", bn_conv(192, 3, 2, 0));
  const int brp = b.maxpool(n + ".branch_pool", {.k = 3, .stride = 2}, x);
  b.concat(n, {br3, br7, brp});
}

void inception_e(ModelBuilder& b, const std::string& n) {
  const int x = b.last();
  const int br1 = b.conv(n + ".branch1x1", bn_conv(320, 1, 1, 0), x);
  const int b3 = b.conv(n + ".branch3x3_1", bn_conv(384, 1, 1, 0), x);
  const int b3a = b.conv(n + ".branch3x3_2a", conv_hw(384, 1, 3), b3);
  const int b3b = b.conv(n + ".branch3x3_2b", conv_hw(384, 3, 1), b3);
  const int br3 = b.concat(n + ".branch3x3", {b3a, b3b});
  b.conv(n + ".branch3x3dbl_1", bn_conv(448, 1, 1, 0), x);
  const int bd = b.conv(n + ".branch3x3dbl_2", bn_conv(384, 3, 1, 1));
  const int bda = b.conv(n + ".branch3x3dbl_3a", conv_hw(384, 1, 3), bd);
  const int bdb = b.conv(n + ".branch3x3dbl_3b", conv_hw(384, 3, 1), bd);
  const int brd = b.concat(n + ".branch3x3dbl", {bda, bdb});
  b.avgpool(n + ".branch_pool.avg", {.k = 3, .stride = 1, .pad = 1}, x);
  const int brp = b.conv(n + ".branch_pool", bn_conv(192, 1, 1, 0));
  b.concat(n, {br1, br3, brd, brp});
}
}  // namespace

Model inception_v3() {
  ModelBuilder b("inception_v3", {3, 299, 299});
  b.conv("Conv2d_1a_3x3", bn_conv(32, 3, 2, 0));   // 149
  b.conv("Conv2d_2a_3x3", bn_conv(32, 3, 1, 0));   // 147
  b.conv("Conv2d_2b_3x3", bn_conv(64, 3, 1, 1));   // 147
  b.maxpool("maxpool1", {.k = 3, .stride = 2});     // 73
  b.conv("Conv2d_3b_1x1", bn_conv(80, 1, 1, 0));
  b.conv("Conv2d_4a_3x3", bn_conv(192, 3, 1, 0));  // 71
  b.maxpool("maxpool2", {.k = 3, .stride = 2});     // 35
  inception_a(b, "Mixed_5b", 32);
  inception_a(b, "Mixed_5c", 64);
  inception_a(b, "Mixed_5d", 64);
  inception_b(b, "Mixed_6a");  // 17
  inception_c(b, "Mixed_6b", 128);
  inception_c(b, "Mixed_6c", 160);
  inception_c(b, "Mixed_6d", 160);
  inception_c(b, "Mixed_6e", 192);
  inception_d(b, "Mixed_7a");  // 8
  inception_e(b, "Mixed_7b");
  inception_e(b, "Mixed_7c");
  b.global_avgpool("avgpool");
  b.fc("fc", 1000);
  return b.build({77.294, kTorchvision});
}

// ------------------------------------------------------------------------------------------------------- SqueezeNet
// torchvision.models.squeezenet1_0 / 1_1: Fire modules (1x1 squeeze, then 1x1 and 3x3 expands concatenated), ceil-mode
// 3x3/2 max-pools, and a 1x1-conv classifier followed by global average pooling. Convs carry biases, no BN.
namespace {
void fire(ModelBuilder& b, const std::string& n, int squeeze, int e1, int e3) {
  const int s = b.conv(n + ".squeeze", {.out = squeeze, .k = 1, .pad = 0});
  const int x1 = b.conv(n + ".expand1x1", {.out = e1, .k = 1, .pad = 0}, s);
  const int x3 = b.conv(n + ".expand3x3", {.out = e3, .k = 3, .pad = 1}, s);
  b.concat(n, {x1, x3});
}
const PoolSpec kCeilPool{.k = 3, .stride = 2, .ceil = true};
}  // namespace

Model squeezenet1_0() {
  ModelBuilder b("squeezenet1_0", {3, 224, 224});
  b.conv("features.0", {.out = 96, .k = 7, .stride = 2, .pad = 0});  // 109
  b.maxpool("features.2", kCeilPool);                                 // 54
  fire(b, "features.3", 16, 64, 64);
  fire(b, "features.4", 16, 64, 64);
  fire(b, "features.5", 32, 128, 128);
  b.maxpool("features.6", kCeilPool);  // 27
  fire(b, "features.7", 32, 128, 128);
  fire(b, "features.8", 48, 192, 192);
  fire(b, "features.9", 48, 192, 192);
  fire(b, "features.10", 64, 256, 256);
  b.maxpool("features.11", kCeilPool);  // 13
  fire(b, "features.12", 64, 256, 256);
  b.conv("classifier.1", {.out = 1000, .k = 1, .pad = 0});
  b.global_avgpool("classifier.3");
  return b.build({58.092, kTorchvision});
}

Model squeezenet1_1() {
  ModelBuilder b("squeezenet1_1", {3, 224, 224});
  b.conv("features.0", {.out = 64, .k = 3, .stride = 2, .pad = 0});  // 111
  b.maxpool("features.2", kCeilPool);                                 // 55
  fire(b, "features.3", 16, 64, 64);
  fire(b, "features.4", 16, 64, 64);
  b.maxpool("features.5", kCeilPool);  // 27
  fire(b, "features.6", 32, 128, 128);
  fire(b, "features.7", 32, 128, 128);
  b.maxpool("features.8", kCeilPool);  // 13
  fire(b, "features.9", 48, 192, 192);
  fire(b, "features.10", 48, 192, 192);
  fire(b, "features.11", 64, 256, 256);
  fire(b, "features.12", 64, 256, 256);
  b.conv("classifier.1", {.out = 1000, .k = 1, .pad = 0});
  b.global_avgpool("classifier.3");
  return b.build({58.178, kTorchvision});
}

}  // namespace edgesplit::zoo_detail
