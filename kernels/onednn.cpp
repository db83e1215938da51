// oneDNN 2.6 backend (v2 API: op::desc → primitive_desc; kernels-measured.md pitfall 4). Convolution, inner product
// and pooling let oneDNN choose its layouts; weights are reordered once at prepare(), activations in load()/store(),
// so execute() times the primitive alone. Activations are fused as eltwise post-ops. CPU runtime: OpenMP.
#ifdef EDGESPLIT_HAVE_ONEDNN

#include <fmt/format.h>
#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>
#include <optional>
#include <unordered_map>
#include <vector>

#include "kernels/backends.hpp"

namespace edgesplit::kernels {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

dnnl::primitive_attr activation_attr(Act act) {
  dnnl::post_ops po;
  switch (act) {
    case Act::None: break;
    case Act::ReLU: po.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f); break;
    case Act::Leaky: po.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.1f, 0.0f); break;
    case Act::ReLU6: po.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, 0.0f, 6.0f); break;
    case Act::Sigmoid: po.append_eltwise(1.0f, dnnl::algorithm::eltwise_logistic, 0.0f, 0.0f); break;
  }
  dnnl::primitive_attr attr;
  attr.set_post_ops(po);
  return attr;
}

// Shared plumbing: user (CHW) memories ↔ the primitive's memories, reordered outside execute().
class DnnlKernel : public Kernel {
 public:
  DnnlKernel(const dnnl::engine& eng, const Layer& l) : eng_(eng), strm_(eng), l_(l) {}

  // The reorder primitives are created on first use and kept: creating one per call (dnnl::reorder(user, mem)) cost
  // more than the copy itself — in the emulator, 13 ms of ResNet-18's 36 ms frame went to load/store.
  void load(const std::vector<const Tensor*>& inputs) override {
    if (load_.empty())
      for (const auto& m : src_)
        load_.emplace_back(dnnl::reorder::primitive_desc(eng_, user_src_md_, eng_, m.get_desc()));
    for (std::size_t i = 0; i < inputs.size() && i < src_.size(); ++i) {
      memory user(user_src_md_, eng_, const_cast<float*>(inputs[i]->data.data()));
      load_[i].execute(strm_, user, src_[i]);
    }
    strm_.wait();
  }

  void execute() override {
    prim_.execute(strm_, args_);
    strm_.wait();
  }

  void store(Tensor& out) override {
    if (!store_) store_.emplace(dnnl::reorder::primitive_desc(eng_, dst_.get_desc(), eng_, user_dst_md_));
    out = Tensor(out_shape_);
    memory user(user_dst_md_, eng_, out.data.data());
    store_->execute(strm_, dst_, user);
    strm_.wait();
  }

  std::string impl() const override { return impl_; }

 protected:
  dnnl::engine eng_;  // a shared handle
  dnnl::stream strm_;
  Layer l_;
  memory::desc user_src_md_, user_dst_md_;
  std::vector<memory> src_;
  memory dst_, weights_, bias_;
  dnnl::primitive prim_;
  std::unordered_map<int, memory> args_;
  std::vector<dnnl::reorder> load_;      // user CHW -> src_[i]
  std::optional<dnnl::reorder> store_;   // dst_ -> user CHW
  Shape out_shape_;
  std::string impl_;
};

class ConvKernel final : public DnnlKernel {
 public:
  ConvKernel(const dnnl::engine& eng, const Layer& l, const LayerWeights& w, const Region& out) : DnnlKernel(eng, l) {
    Geometry g = geometry(l, out);
    const memory::dim c = l.in.c, k = l.out_channels, gr = l.groups;
    memory::dims src_dims{1, c, g.in.rows(), g.in.cols()}, dst_dims{1, k, g.out.rows(), g.out.cols()};
    memory::dims wei_dims = gr == 1 ? memory::dims{k, c, l.kernel_h, l.kernel_w}
                                    : memory::dims{gr, k / gr, c / gr, l.kernel_h, l.kernel_w};
    memory::desc src_md(src_dims, dt::f32, tag::any), dst_md(dst_dims, dt::f32, tag::any),
        wei_md(wei_dims, dt::f32, tag::any), bias_md({k}, dt::f32, tag::x);
    dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                      src_md, wei_md, bias_md, dst_md, {l.stride_h, l.stride_w},
                                      {l.dilation_h - 1, l.dilation_w - 1}, {g.pad_top, g.pad_left},
                                      {g.pad_bottom, g.pad_right});
    dnnl::convolution_forward::primitive_desc pd(d, activation_attr(l.activation), eng);
    user_src_md_ = memory::desc(src_dims, dt::f32, tag::nchw);
    user_dst_md_ = memory::desc(dst_dims, dt::f32, tag::nchw);
    memory user_w({wei_dims, dt::f32, gr == 1 ? tag::oihw : tag::goihw}, eng, const_cast<float*>(w.weights.data()));
    weights_ = memory(pd.weights_desc(), eng);
    dnnl::reorder(user_w, weights_).execute(strm_, user_w, weights_);
    bias_ = memory(bias_md, eng);
    std::copy(w.bias.begin(), w.bias.end(), static_cast<float*>(bias_.get_data_handle()));
    src_.emplace_back(pd.src_desc(), eng);
    dst_ = memory(pd.dst_desc(), eng);
    prim_ = dnnl::convolution_forward(pd);
    args_ = {{DNNL_ARG_SRC, src_[0]}, {DNNL_ARG_WEIGHTS, weights_}, {DNNL_ARG_BIAS, bias_}, {DNNL_ARG_DST, dst_}};
    out_shape_ = Shape{l.out_channels, g.out.rows(), g.out.cols()};
    impl_ = pd.impl_info_str();
    strm_.wait();
  }
};

class FcKernel final : public DnnlKernel {
 public:
  FcKernel(const dnnl::engine& eng, const Layer& l, const LayerWeights& w) : DnnlKernel(eng, l) {
    const memory::dim k = l.out_channels;
    memory::dims src_dims{1, l.in.c, l.in.h, l.in.w}, wei_dims{k, l.in.c, l.in.h, l.in.w}, dst_dims{1, k};
    memory::desc src_md(src_dims, dt::f32, tag::any), wei_md(wei_dims, dt::f32, tag::any),
        bias_md({k}, dt::f32, tag::x), dst_md(dst_dims, dt::f32, tag::nc);
    dnnl::inner_product_forward::desc d(dnnl::prop_kind::forward_inference, src_md, wei_md, bias_md, dst_md);
    dnnl::inner_product_forward::primitive_desc pd(d, activation_attr(l.activation), eng);
    user_src_md_ = memory::desc(src_dims, dt::f32, tag::nchw);
    user_dst_md_ = memory::desc(dst_dims, dt::f32, tag::nc);
    memory user_w({wei_dims, dt::f32, tag::oihw}, eng, const_cast<float*>(w.weights.data()));
    weights_ = memory(pd.weights_desc(), eng);
    dnnl::reorder(user_w, weights_).execute(strm_, user_w, weights_);
    bias_ = memory(bias_md, eng);
    std::copy(w.bias.begin(), w.bias.end(), static_cast<float*>(bias_.get_data_handle()));
    src_.emplace_back(pd.src_desc(), eng);
    dst_ = memory(pd.dst_desc(), eng);
    prim_ = dnnl::inner_product_forward(pd);
    args_ = {{DNNL_ARG_SRC, src_[0]}, {DNNL_ARG_WEIGHTS, weights_}, {DNNL_ARG_BIAS, bias_}, {DNNL_ARG_DST, dst_}};
    out_shape_ = Shape{l.out_channels, 1, 1};
    impl_ = pd.impl_info_str();
    strm_.wait();
  }
};

class PoolKernel final : public DnnlKernel {
 public:
  PoolKernel(const dnnl::engine& eng, const Layer& l, const Region& out) : DnnlKernel(eng, l) {
    Geometry g = geometry(l, out);
    memory::dims src_dims{1, l.in.c, g.in.rows(), g.in.cols()}, dst_dims{1, l.out.c, g.out.rows(), g.out.cols()};
    // Pooling needs a concrete source layout; NHWC is oneDNN's fast plain one.
    memory::desc src_md(src_dims, dt::f32, tag::nhwc), dst_md(dst_dims, dt::f32, tag::nhwc);
    auto alg = l.op == Op::MaxPool ? dnnl::algorithm::pooling_max : dnnl::algorithm::pooling_avg_exclude_padding;
    dnnl::pooling_forward::desc d(dnnl::prop_kind::forward_inference, alg, src_md, dst_md, {l.stride_h, l.stride_w},
                                  {l.kernel_h, l.kernel_w}, {g.pad_top, g.pad_left}, {g.pad_bottom, g.pad_right});
    dnnl::pooling_forward::primitive_desc pd(d, eng);
    user_src_md_ = memory::desc(src_dims, dt::f32, tag::nchw);
    user_dst_md_ = memory::desc(dst_dims, dt::f32, tag::nchw);
    src_.emplace_back(pd.src_desc(), eng);
    dst_ = memory(pd.dst_desc(), eng);
    prim_ = dnnl::pooling_forward(pd);
    args_ = {{DNNL_ARG_SRC, src_[0]}, {DNNL_ARG_DST, dst_}};
    out_shape_ = Shape{l.out.c, g.out.rows(), g.out.cols()};
    impl_ = pd.impl_info_str();
  }
};

// Two-input residual add with the layer's activation fused.
class AddKernel final : public DnnlKernel {
 public:
  AddKernel(const dnnl::engine& eng, const Layer& l, const Region& out) : DnnlKernel(eng, l) {
    memory::dims dims{1, l.out.c, out.rows(), out.cols()};
    memory::desc md(dims, dt::f32, tag::nchw);
    dnnl::binary::desc d(dnnl::algorithm::binary_add, md, md, md);
    dnnl::binary::primitive_desc pd(d, activation_attr(l.activation), eng);
    user_src_md_ = user_dst_md_ = md;
    src_.emplace_back(md, eng);
    src_.emplace_back(md, eng);
    dst_ = memory(md, eng);
    prim_ = dnnl::binary(pd);
    args_ = {{DNNL_ARG_SRC_0, src_[0]}, {DNNL_ARG_SRC_1, src_[1]}, {DNNL_ARG_DST, dst_}};
    out_shape_ = Shape{l.out.c, out.rows(), out.cols()};
    impl_ = pd.impl_info_str();
  }
};

class OneDnnBackend final : public Backend {
 public:
  explicit OneDnnBackend(int threads) : Backend(threads), eng_(dnnl::engine::kind::cpu, 0) {
    omp_set_num_threads(threads);
  }
  std::string name() const override { return "onednn"; }
  std::string version() const override {
    const dnnl_version_t* v = dnnl_version();
    std::string hash = v->hash ? v->hash : "N/A";
    return fmt::format("oneDNN {}.{}.{}{}", v->major, v->minor, v->patch, hash == "N/A" ? "" : " (" + hash + ")");
  }
  std::unique_ptr<Kernel> prepare(const Layer& l, const LayerWeights& w, const Region& out) override {
    switch (l.op) {
      case Op::Conv: return std::make_unique<ConvKernel>(eng_, l, w, out);
      case Op::FullyConnected: return std::make_unique<FcKernel>(eng_, l, w);
      case Op::MaxPool:
      case Op::AvgPool: return std::make_unique<PoolKernel>(eng_, l, out);
      case Op::Add:
        if (l.inputs.size() == 2) return std::make_unique<AddKernel>(eng_, l, out);
        return make_reference_kernel(l, w, out);
      default: return make_reference_kernel(l, w, out);
    }
  }

 private:
  dnnl::engine eng_;
};

}  // namespace

std::unique_ptr<Backend> make_onednn_backend(int threads) { return std::make_unique<OneDnnBackend>(threads); }

}  // namespace edgesplit::kernels

#endif  // EDGESPLIT_HAVE_ONEDNN
