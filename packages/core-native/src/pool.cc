// 2-D max and average pooling on NHWC tensors, forward and backward, with
// oneDNN. Padding never contributes: max ignores it and average divides by
// the number of real elements in the window, as tfjs does.
#include "common.h"

#include <memory>
#include <sstream>

namespace projnative {

namespace {

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

struct PGeom {
  int64_t N, H, W, C, Ho, Wo, fh, fw, sh, sw, pt, pl, pb, pr;
};

struct PoolEntry {
  CachedPrim fwd;  // forward: training (with workspace) for max backward
  CachedPrim bwd;
};

std::unordered_map<std::string, std::unique_ptr<PoolEntry>>& cache() {
  static std::unordered_map<std::string, std::unique_ptr<PoolEntry>> m;
  return m;
}

memory::desc xMd(const PGeom& g) {
  return memory::desc({g.N, g.C, g.H, g.W}, dt::f32, tag::nhwc);
}
memory::desc yMd(const PGeom& g) {
  return memory::desc({g.N, g.C, g.Ho, g.Wo}, dt::f32, tag::nhwc);
}

// kind: 0 max forward (inference), 1 max backward, 2 avg forward, 3 avg backward
PoolEntry& lookup(int kind, const PGeom& g) {
  std::ostringstream os;
  os << kind << ':' << g.N << ',' << g.H << ',' << g.W << ',' << g.C << ','
     << g.Ho << ',' << g.Wo << ',' << g.fh << ',' << g.fw << ',' << g.sh << ','
     << g.sw << ',' << g.pt << ',' << g.pl << ',' << g.pb << ',' << g.pr;
  auto key = os.str();
  auto& m = cache();
  auto it = m.find(key);
  if (it != m.end()) return *it->second;
  if (m.size() >= 256) m.clear();
  auto& eng = cpuEngine();
  bool isMax = kind < 2;
  bool backward = kind == 1 || kind == 3;
  auto alg = isMax ? dnnl::algorithm::pooling_max
                   : dnnl::algorithm::pooling_avg_exclude_padding;
  dnnl::pooling_forward::desc fd(
      backward ? dnnl::prop_kind::forward_training
               : dnnl::prop_kind::forward_inference,
      alg, xMd(g), yMd(g), {g.sh, g.sw}, {g.fh, g.fw}, {g.pt, g.pl},
      {g.pb, g.pr});
  dnnl::pooling_forward::primitive_desc fpd(fd, eng);
  auto e = std::make_unique<PoolEntry>();
  e->fwd.prim = dnnl::pooling_forward(fpd);
  e->fwd.impl = fpd.impl_info_str();
  e->fwd.args.push_back(makeArg(DNNL_ARG_SRC, xMd(g), fpd.src_desc(), false));
  if (!backward) {
    e->fwd.args.push_back(makeArg(DNNL_ARG_DST, yMd(g), fpd.dst_desc(), true));
  } else {
    dnnl::pooling_backward::desc bd(alg, xMd(g), yMd(g), {g.sh, g.sw},
                                    {g.fh, g.fw}, {g.pt, g.pl}, {g.pb, g.pr});
    dnnl::pooling_backward::primitive_desc bpd(bd, eng, fpd);
    e->bwd.prim = dnnl::pooling_backward(bpd);
    e->bwd.impl = bpd.impl_info_str();
    e->bwd.args.push_back(makeArg(DNNL_ARG_DIFF_DST, yMd(g), bpd.diff_dst_desc(), false));
    e->bwd.args.push_back(makeArg(DNNL_ARG_DIFF_SRC, xMd(g), bpd.diff_src_desc(), true));
    if (isMax) {
      // The max backward needs the argmax workspace of a forward pass: the
      // forward writes an internal dst and the workspace shared with bwd.
      e->fwd.args.push_back(makeInternalArg(DNNL_ARG_DST, fpd.dst_desc()));
      PrimArg ws = makeInternalArg(DNNL_ARG_WORKSPACE, fpd.workspace_desc());
      e->fwd.args.push_back(ws);
      e->bwd.args.push_back(ws);
    }
  }
  auto res = m.emplace(key, std::move(e));
  return *res.first->second;
}

// Parses (xShape at xi, yShape at yi, filter, strides, pads at fi, fi+1, fi+2).
PGeom parse(const Napi::CallbackInfo& info, const char* xs, size_t xi,
            const char* ys, size_t yi, size_t fi) {
  Napi::Env env = info.Env();
  auto xShape = dimsArg(info, xi, xs, 4, 0);
  auto yShape = dimsArg(info, yi, ys, 4, 0);
  auto f = dimsArg(info, fi, "filterSize", 2, 1);
  auto s = dimsArg(info, fi + 1, "strides", 2, 1);
  auto p = dimsArg(info, fi + 2, "pads", 4, 0);
  PGeom g{xShape[0], xShape[1], xShape[2], xShape[3], yShape[1], yShape[2],
          f[0], f[1], s[0], s[1], p[0], p[1], p[2], p[3]};
  if (yShape[0] != g.N || yShape[3] != g.C)
    throwRange(env, std::string(ys) + " " + dimsStr(yShape) +
                        ": batch and channels must equal those of " + xs + " " +
                        dimsStr(xShape));
  if (p[0] >= f[0] || p[2] >= f[0] || p[1] >= f[1] || p[3] >= f[1])
    throwRange(env, "pads " + dimsStr(p) + " must be smaller than filterSize " +
                        dimsStr(f));
  auto fit = [](int64_t in, int64_t out, int64_t k, int64_t st, int64_t pl,
                int64_t pr) -> int64_t {
    int64_t span = in + pl + pr - k;
    if (span >= 0 && span / st + 1 == out) return pr;
    int64_t need = (out - 1) * st + k - in - pl;
    return (need > pr && need <= pr + st - 1 && need < k) ? need : -1;
  };
  int64_t pb = fit(g.H, g.Ho, g.fh, g.sh, g.pt, g.pb);
  int64_t pr = fit(g.W, g.Wo, g.fw, g.sw, g.pl, g.pr);
  if (g.N > 0 && g.C > 0 && (pb < 0 || pr < 0 || g.H < 1 || g.W < 1))
    throwRange(env, std::string(ys) + " " + dimsStr(yShape) +
                        " is inconsistent with " + xs + " " + dimsStr(xShape) +
                        ", filterSize " + dimsStr(f) + ", strides " +
                        dimsStr(s) + ", pads " + dimsStr(p));
  g.pb = pb; g.pr = pr;
  return g;
}

// maxPool / avgPool (x, xShape, y, yShape, filterSize, strides, pads)
template <bool MAX>
Napi::Value PoolFwd(const Napi::CallbackInfo& info) {
  PGeom g = parse(info, "xShape", 1, "yShape", 3, 4);
  float* x = f32Arg(info, 0, "x", g.N * g.H * g.W * g.C);
  float* y = f32Arg(info, 2, "y", g.N * g.Ho * g.Wo * g.C);
  if (g.N == 0 || g.C == 0) return info.Env().Undefined();
  std::lock_guard<std::mutex> lock(callLock());
  applyThreads();
  runCached(lookup(MAX ? 0 : 2, g).fwd, {x, y});
  return info.Env().Undefined();
}

// maxPoolBackprop (dy, dyShape, x, xShape, dx, filterSize, strides, pads)
Napi::Value MaxPoolBwd(const Napi::CallbackInfo& info) {
  PGeom g = parse(info, "xShape", 3, "dyShape", 1, 5);
  float* dy = f32Arg(info, 0, "dy", g.N * g.Ho * g.Wo * g.C);
  float* x = f32Arg(info, 2, "x", g.N * g.H * g.W * g.C);
  float* dx = f32Arg(info, 4, "dx", g.N * g.H * g.W * g.C);
  if (g.N == 0 || g.C == 0) return info.Env().Undefined();
  std::lock_guard<std::mutex> lock(callLock());
  applyThreads();
  PoolEntry& e = lookup(1, g);
  runCached(e.fwd, {x});
  runCached(e.bwd, {dy, dx});
  return info.Env().Undefined();
}

// avgPoolBackprop (dy, dyShape, dx, dxShape, filterSize, strides, pads)
Napi::Value AvgPoolBwd(const Napi::CallbackInfo& info) {
  PGeom g = parse(info, "dxShape", 3, "dyShape", 1, 4);
  float* dy = f32Arg(info, 0, "dy", g.N * g.Ho * g.Wo * g.C);
  float* dx = f32Arg(info, 2, "dx", g.N * g.H * g.W * g.C);
  if (g.N == 0 || g.C == 0) return info.Env().Undefined();
  std::lock_guard<std::mutex> lock(callLock());
  applyThreads();
  runCached(lookup(3, g).bwd, {dy, dx});
  return info.Env().Undefined();
}

}  // namespace

void clearPoolCache() { cache().clear(); }

void initPool(Napi::Env env, Napi::Object exports) {
  exports.Set("maxPool", Napi::Function::New(env, guarded<PoolFwd<true>>));
  exports.Set("maxPoolBackprop", Napi::Function::New(env, guarded<MaxPoolBwd>));
  exports.Set("avgPool", Napi::Function::New(env, guarded<PoolFwd<false>>));
  exports.Set("avgPoolBackprop", Napi::Function::New(env, guarded<AvgPoolBwd>));
}

}  // namespace projnative
