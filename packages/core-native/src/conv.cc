// 2-D convolutions (dense and depthwise) on NHWC activations and tfjs filter
// layouts, forward and both gradients, with oneDNN. Primitives, weight
// reorders and internal buffers are cached per shape.
#include "common.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>

namespace projnative {

namespace {

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

enum class Kind { Fwd = 0, BwdData = 1, BwdWeights = 2 };

struct Geom {
  int64_t N, H, W, Ci, Ho, Wo, Co, kh, kw, G;
  int64_t sh, sw, dh, dw, pt, pl, pb, pr;
};

// Activation layout given to oneDNN: nhwc (default: no reorder of the
// caller's data) or, with PROJ_NATIVE_CONV_LAYOUT=any, whatever oneDNN
// prefers (blocked nChw16c; we reorder in and out). NHWC measured ~20%
// faster on the benchmark shape.
bool actAny() {
  static const bool v = [] {
    const char* e = std::getenv("PROJ_NATIVE_CONV_LAYOUT");
    return e && std::strcmp(e, "any") == 0;
  }();
  return v;
}

// Direct convolution: `convolution_auto` picks the same kernels for NHWC
// here (no Winograd), so nothing is gained by asking for it.
dnnl::algorithm convAlgo() { return dnnl::algorithm::convolution_direct; }

memory::desc srcUserMd(const Geom& g) {
  return memory::desc({g.N, g.Ci, g.H, g.W}, dt::f32, tag::nhwc);
}
memory::desc dstUserMd(const Geom& g) {
  return memory::desc({g.N, g.Co, g.Ho, g.Wo}, dt::f32, tag::nhwc);
}
memory::desc srcMd(const Geom& g) {
  return actAny() ? memory::desc({g.N, g.Ci, g.H, g.W}, dt::f32, tag::any)
                  : srcUserMd(g);
}
memory::desc dstMd(const Geom& g) {
  return actAny() ? memory::desc({g.N, g.Co, g.Ho, g.Wo}, dt::f32, tag::any)
                  : dstUserMd(g);
}
memory::dims wDims(const Geom& g) {
  if (g.G == 1) return {g.Co, g.Ci, g.kh, g.kw};
  return {g.G, g.Co / g.G, g.Ci / g.G, g.kh, g.kw};
}
// tfjs filters: conv2d [kh,kw,Ci,Co] = hwio; depthwise [kh,kw,Ci,mult] =
// hwigo with i = 1.
memory::desc wUserMd(const Geom& g) {
  return memory::desc(wDims(g), dt::f32, g.G == 1 ? tag::hwio : tag::hwigo);
}
memory::desc wAnyMd(const Geom& g) {
  return memory::desc(wDims(g), dt::f32, tag::any);
}

dnnl::convolution_forward::desc fwdDesc(const Geom& g) {
  return dnnl::convolution_forward::desc(
      dnnl::prop_kind::forward_training, convAlgo(), srcMd(g), wAnyMd(g),
      dstMd(g), {g.sh, g.sw}, {g.dh - 1, g.dw - 1}, {g.pt, g.pl},
      {g.pb, g.pr});
}

std::unique_ptr<CachedPrim> create(Kind k, const Geom& g) {
  auto& eng = cpuEngine();
  auto c = std::make_unique<CachedPrim>();
  dnnl::convolution_forward::primitive_desc fpd(fwdDesc(g), eng);
  if (k == Kind::Fwd) {
    c->prim = dnnl::convolution_forward(fpd);
    c->impl = fpd.impl_info_str();
    c->args.push_back(makeArg(DNNL_ARG_SRC, srcUserMd(g), fpd.src_desc(), false));
    c->args.push_back(makeArg(DNNL_ARG_WEIGHTS, wUserMd(g), fpd.weights_desc(), false));
    c->args.push_back(makeArg(DNNL_ARG_DST, dstUserMd(g), fpd.dst_desc(), true));
  } else if (k == Kind::BwdData) {
    dnnl::convolution_backward_data::desc d(
        convAlgo(), srcMd(g), wAnyMd(g), dstMd(g), {g.sh, g.sw},
        {g.dh - 1, g.dw - 1}, {g.pt, g.pl}, {g.pb, g.pr});
    dnnl::convolution_backward_data::primitive_desc pd(d, eng, fpd);
    c->prim = dnnl::convolution_backward_data(pd);
    c->impl = pd.impl_info_str();
    c->args.push_back(makeArg(DNNL_ARG_DIFF_DST, dstUserMd(g), pd.diff_dst_desc(), false));
    c->args.push_back(makeArg(DNNL_ARG_WEIGHTS, wUserMd(g), pd.weights_desc(), false));
    c->args.push_back(makeArg(DNNL_ARG_DIFF_SRC, srcUserMd(g), pd.diff_src_desc(), true));
  } else {
    dnnl::convolution_backward_weights::desc d(
        convAlgo(), srcMd(g), wAnyMd(g), dstMd(g), {g.sh, g.sw},
        {g.dh - 1, g.dw - 1}, {g.pt, g.pl}, {g.pb, g.pr});
    dnnl::convolution_backward_weights::primitive_desc pd(d, eng, fpd);
    c->prim = dnnl::convolution_backward_weights(pd);
    c->impl = pd.impl_info_str();
    c->args.push_back(makeArg(DNNL_ARG_SRC, srcUserMd(g), pd.src_desc(), false));
    c->args.push_back(makeArg(DNNL_ARG_DIFF_DST, dstUserMd(g), pd.diff_dst_desc(), false));
    c->args.push_back(makeArg(DNNL_ARG_DIFF_WEIGHTS, wUserMd(g), pd.diff_weights_desc(), true));
  }
  return c;
}

std::unordered_map<std::string, std::unique_ptr<CachedPrim>>& cache() {
  static std::unordered_map<std::string, std::unique_ptr<CachedPrim>> m;
  return m;
}
constexpr size_t kMaxCache = 256;

CachedPrim& lookup(Kind k, const Geom& g) {
  std::ostringstream os;
  os << static_cast<int>(k) << ':' << g.N << ',' << g.H << ',' << g.W << ','
     << g.Ci << ',' << g.Ho << ',' << g.Wo << ',' << g.Co << ',' << g.kh << ','
     << g.kw << ',' << g.G << ',' << g.sh << ',' << g.sw << ',' << g.dh << ','
     << g.dw << ',' << g.pt << ',' << g.pl << ',' << g.pb << ',' << g.pr;
  std::string key = os.str();
  auto& m = cache();
  auto it = m.find(key);
  if (it != m.end()) return *it->second;
  if (m.size() >= kMaxCache) m.clear();
  auto res = m.emplace(key, create(k, g));
  return *res.first->second;
}

// Output extent along one axis; oneDNN needs (in - effK + padL + padR) / s
// + 1 == out. Returns the padR to use, or -1 if `out` is inconsistent.
int64_t fitPadR(int64_t in, int64_t out, int64_t k, int64_t s, int64_t d,
                int64_t padL, int64_t padR) {
  int64_t effK = (k - 1) * d + 1;
  int64_t span = in + padL + padR - effK;
  if (span >= 0 && span / s + 1 == out) return padR;
  // Ceil-rounded outputs (one more window than floor rounding gives):
  // widen the right pad by less than a stride so the last window fits.
  int64_t need = (out - 1) * s + effK - in - padL;
  if (out >= 1 && need > padR && need <= padR + s - 1) return need;
  return -1;
}

// Parses (a, aShape, w, wShape, b, bShape, strides, dilations, pads) where
// `a` is the NHWC input side and `b` the NHWC output side of the forward
// convolution (their roles as in/out of the call depend on the kind).
Geom parse(const Napi::CallbackInfo& info, bool depthwise, const char* xName,
           size_t xi, const char* yName, size_t yi, const char* wName,
           size_t wi) {
  Napi::Env env = info.Env();
  std::string xs = std::string(xName) + "Shape", ys = std::string(yName) + "Shape",
              ws = std::string(wName) + "Shape";
  auto xShape = dimsArg(info, xi + 1, xs.c_str(), 4, 0);
  auto wShape = dimsArg(info, wi + 1, ws.c_str(), 4, 1);
  auto yShape = dimsArg(info, yi + 1, ys.c_str(), 4, 0);
  auto strides = dimsArg(info, 6, "strides", 2, 1);
  auto dil = dimsArg(info, 7, "dilations", 2, 1);
  auto pads = dimsArg(info, 8, "pads", 4, 0);
  Geom g{};
  g.N = xShape[0]; g.H = xShape[1]; g.W = xShape[2]; g.Ci = xShape[3];
  g.kh = wShape[0]; g.kw = wShape[1];
  g.Ho = yShape[1]; g.Wo = yShape[2]; g.Co = yShape[3];
  g.sh = strides[0]; g.sw = strides[1];
  g.dh = dil[0]; g.dw = dil[1];
  g.pt = pads[0]; g.pl = pads[1]; g.pb = pads[2]; g.pr = pads[3];
  if (yShape[0] != g.N)
    throwRange(env, ys + " " + dimsStr(yShape) + ": batch must equal " + xs +
                        "[0] = " + std::to_string(g.N));
  if (wShape[2] != g.Ci)
    throwRange(env, ws + " " + dimsStr(wShape) + ": in-channels [2] must equal " +
                        xs + "[3] = " + std::to_string(g.Ci));
  if (depthwise) {
    g.G = g.Ci;
    if (wShape[3] * g.Ci != g.Co)
      throwRange(env, ys + " " + dimsStr(yShape) + ": channels must equal " +
                          ws + "[2]*" + ws + "[3] = " +
                          std::to_string(wShape[3] * g.Ci));
  } else {
    g.G = 1;
    if (wShape[3] != g.Co)
      throwRange(env, ws + " " + dimsStr(wShape) + ": out-channels [3] must equal " +
                          ys + "[3] = " + std::to_string(g.Co));
  }
  if (g.H < 1 || g.W < 1 || g.Ci < 1 || g.Ho < 1 || g.Wo < 1 || g.Co < 1) {
    if (g.N != 0 || g.Ci < 1 || g.Co < 1)
      throwRange(env, "spatial sizes and channels must be >= 1: " + xs + " " +
                          dimsStr(xShape) + ", " + ys + " " + dimsStr(yShape));
  }
  int64_t pb = fitPadR(g.H, g.Ho, g.kh, g.sh, g.dh, g.pt, g.pb);
  int64_t pr = fitPadR(g.W, g.Wo, g.kw, g.sw, g.dw, g.pl, g.pr);
  if (g.N > 0 && (pb < 0 || pr < 0))
    throwRange(env, ys + " " + dimsStr(yShape) + " is inconsistent with " + xs +
                        " " + dimsStr(xShape) + ", filter " + dimsStr(wShape) +
                        ", strides " + dimsStr(strides) + ", dilations " +
                        dimsStr(dil) + ", pads " + dimsStr(pads));
  g.pb = pb; g.pr = pr;
  return g;
}

int64_t wLen(const Geom& g) { return g.kh * g.kw * g.Ci * (g.Co / g.G); }

// Forward: (x, xShape, w, wShape, y, yShape, strides, dilations, pads)
template <bool DW>
Napi::Value Forward(const Napi::CallbackInfo& info) {
  Geom g = parse(info, DW, "x", 0, "y", 4, "w", 2);
  float* x = f32Arg(info, 0, "x", g.N * g.H * g.W * g.Ci);
  float* w = f32Arg(info, 2, "w", wLen(g));
  float* y = f32Arg(info, 4, "y", g.N * g.Ho * g.Wo * g.Co);
  if (g.N == 0) return info.Env().Undefined();
  std::lock_guard<std::mutex> lock(callLock());
  applyThreads();
  runCached(lookup(Kind::Fwd, g), {x, w, y});
  return info.Env().Undefined();
}

// Input gradient: (dy, dyShape, w, wShape, dx, dxShape, strides, dilations, pads)
template <bool DW>
Napi::Value BackpropInput(const Napi::CallbackInfo& info) {
  Geom g = parse(info, DW, "dx", 4, "dy", 0, "w", 2);
  float* dy = f32Arg(info, 0, "dy", g.N * g.Ho * g.Wo * g.Co);
  float* w = f32Arg(info, 2, "w", wLen(g));
  float* dx = f32Arg(info, 4, "dx", g.N * g.H * g.W * g.Ci);
  if (g.N == 0) return info.Env().Undefined();
  std::lock_guard<std::mutex> lock(callLock());
  applyThreads();
  runCached(lookup(Kind::BwdData, g), {dy, w, dx});
  return info.Env().Undefined();
}

// Filter gradient: (x, xShape, dy, dyShape, dw, dwShape, strides, dilations, pads)
template <bool DW>
Napi::Value BackpropFilter(const Napi::CallbackInfo& info) {
  Geom g = parse(info, DW, "x", 0, "dy", 2, "dw", 4);
  float* x = f32Arg(info, 0, "x", g.N * g.H * g.W * g.Ci);
  float* dy = f32Arg(info, 2, "dy", g.N * g.Ho * g.Wo * g.Co);
  float* dw = f32Arg(info, 4, "dw", wLen(g));
  if (g.N == 0) {
    std::memset(dw, 0, sizeof(float) * wLen(g));
    return info.Env().Undefined();
  }
  std::lock_guard<std::mutex> lock(callLock());
  applyThreads();
  runCached(lookup(Kind::BwdWeights, g), {x, dy, dw});
  return info.Env().Undefined();
}

}  // namespace

void clearConvCache() { cache().clear(); }

void initConv(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2d", Napi::Function::New(env, guarded<Forward<false>>));
  exports.Set("conv2dBackpropInput",
              Napi::Function::New(env, guarded<BackpropInput<false>>));
  exports.Set("conv2dBackpropFilter",
              Napi::Function::New(env, guarded<BackpropFilter<false>>));
  exports.Set("depthwiseConv2d", Napi::Function::New(env, guarded<Forward<true>>));
  exports.Set("depthwiseConv2dBackpropInput",
              Napi::Function::New(env, guarded<BackpropInput<true>>));
  exports.Set("depthwiseConv2dBackpropFilter",
              Napi::Function::New(env, guarded<BackpropFilter<true>>));
}

}  // namespace projnative
