// Element-wise kernels and the bias-gradient sum that a CNN training step
// runs on every activation: add / sub / mul / div with the one-block
// broadcasts of @proj/core's arithmetic kernel, relu, step, sqrt and square
// (Adam's second moment), and a sum over the middle axis of
// [outer, reduced, inner]. They are memory-bound, so the
// win over the JS loops is vector width plus a second thread: the loops are
// compiled for AVX-512, AVX2 and the x86-64 baseline (target_clones picks one
// at load) and OpenMP splits large arrays into one contiguous span per thread.
// Element-wise results equal tfjs's bit for bit (a float32 +, -, *, / is the
// float64 one rounded to float32); sums accumulate in float64 as tfjs's do,
// in tfjs's order except that a large single row is split across threads.
#include "common.h"

#include <omp.h>

#include <algorithm>
#include <sstream>
#include <vector>

namespace projnative {

namespace {

// Below this many elements one thread is faster than waking the others.
constexpr int64_t kParallelMin = 1 << 15;

enum BinaryOp { kAdd = 0, kSub = 1, kMul = 2, kDiv = 3 };

template <int OP>
inline float apply(float a, float b) {
  if (OP == kAdd) return a + b;
  if (OP == kSub) return a - b;
  if (OP == kMul) return a * b;
  return a / b;
}

// out[i] = a[i * al] op b[i * bl] for i < n, al and bl each 0 or 1: a
// separate loop per stride pair keeps each one a plain vector loop.
template <int OP>
__attribute__((target_clones("avx512f", "avx2", "default")))
void binarySpan(const float* a, int64_t al, const float* b, int64_t bl, float* out, int64_t n) {
  if (al && bl) {
    for (int64_t i = 0; i < n; ++i) out[i] = apply<OP>(a[i], b[i]);
  } else if (al) {
    const float s = b[0];
    for (int64_t i = 0; i < n; ++i) out[i] = apply<OP>(a[i], s);
  } else if (bl) {
    const float s = a[0];
    for (int64_t i = 0; i < n; ++i) out[i] = apply<OP>(s, b[i]);
  } else {
    const float v = apply<OP>(a[0], b[0]);
    for (int64_t i = 0; i < n; ++i) out[i] = v;
  }
}

struct Layout {
  int64_t rows, lanes, ar, al, br, bl;
};

// Elements [begin, end) of the output viewed as [rows, lanes], row by row.
template <int OP>
void binaryRange(const float* a, const float* b, float* out, const Layout& L, int64_t begin, int64_t end) {
  while (begin < end) {
    const int64_t r = begin / L.lanes;
    const int64_t l = begin - r * L.lanes;
    const int64_t n = std::min(L.lanes - l, end - begin);
    binarySpan<OP>(a + r * L.ar + l * L.al, L.al, b + r * L.br + l * L.bl, L.bl, out + begin, n);
    begin += n;
  }
}

// Runs body(begin, end) over [0, total): on the calling thread when small,
// else one contiguous span (a multiple of 16 floats) per OpenMP thread.
template <typename F>
void parallelSpans(int64_t total, F body) {
  if (total < kParallelMin) {
    body(int64_t(0), total);
    return;
  }
  applyThreads();
#pragma omp parallel
  {
    const int64_t n = omp_get_num_threads();
    const int64_t t = omp_get_thread_num();
    const int64_t chunk = ((total + n - 1) / n + 15) / 16 * 16;
    const int64_t begin = std::min(total, t * chunk);
    const int64_t end = std::min(total, begin + chunk);
    if (begin < end) body(begin, end);
  }
}

template <int OP>
void binaryAll(const float* a, const float* b, float* out, const Layout& L) {
  parallelSpans(L.rows * L.lanes, [&](int64_t s, int64_t e) { binaryRange<OP>(a, b, out, L, s, e); });
}

// Floats an operand with these strides spans: its exact length.
int64_t operandLength(const Layout& L, int64_t rowStride, int64_t laneStride) {
  if (L.rows == 0 || L.lanes == 0) return 0;
  return (L.rows - 1) * rowStride + (L.lanes - 1) * laneStride + 1;
}

// binary(op, rows, lanes, a, aRowStride, aLaneStride, b, bRowStride, bLaneStride, out)
// out[r * lanes + l] = a[r * aRowStride + l * aLaneStride] op b[...]; op 0 add, 1 sub, 2 mul, 3 div.
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t op = intArg(info, 0, "op", 0);
  if (op > 3) throwRange(env, "argument 'op' must be 0 (add), 1 (sub), 2 (mul) or 3 (div)");
  Layout L{};
  L.rows = intArg(info, 1, "rows", 0);
  L.lanes = intArg(info, 2, "lanes", 0);
  L.ar = intArg(info, 4, "aRowStride", 0);
  L.al = intArg(info, 5, "aLaneStride", 0);
  L.br = intArg(info, 7, "bRowStride", 0);
  L.bl = intArg(info, 8, "bLaneStride", 0);
  if (L.al > 1 || L.bl > 1) throwRange(env, "arguments 'aLaneStride' and 'bLaneStride' must be 0 or 1");
  const float* a = f32Arg(info, 3, "a", operandLength(L, L.ar, L.al));
  const float* b = f32Arg(info, 6, "b", operandLength(L, L.br, L.bl));
  float* out = f32Arg(info, 9, "out", L.rows * L.lanes);
  if (L.rows == 0 || L.lanes == 0) return env.Undefined();
  std::lock_guard<std::mutex> lock(callLock());
  switch (op) {
    case kAdd: binaryAll<kAdd>(a, b, out, L); break;
    case kSub: binaryAll<kSub>(a, b, out, L); break;
    case kMul: binaryAll<kMul>(a, b, out, L); break;
    default: binaryAll<kDiv>(a, b, out, L); break;
  }
  return env.Undefined();
}

// max(0, x) as Math.max(0, x) gives it: NaN stays, -0 becomes +0.
__attribute__((target_clones("avx512f", "avx2", "default")))
void reluSpan(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    y[i] = v > 0.0f || v != v ? v : 0.0f;
  }
}

// 1 where x > 0, NaN where x is NaN, alpha elsewhere (tfjs's Step).
__attribute__((target_clones("avx512f", "avx2", "default")))
void stepSpan(const float* x, float* y, int64_t n, float alpha) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    y[i] = v > 0.0f ? 1.0f : (v != v ? v : alpha);
  }
}

// relu(x, y)
Napi::Value Relu(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray()) throwType(env, "argument 'x' must be a Float32Array");
  const int64_t n = info[0].As<Napi::TypedArray>().ElementLength();
  const float* x = f32Arg(info, 0, "x", n);
  float* y = f32Arg(info, 1, "y", n);
  std::lock_guard<std::mutex> lock(callLock());
  parallelSpans(n, [&](int64_t s, int64_t e) { reluSpan(x + s, y + s, e - s); });
  return env.Undefined();
}

// step(x, y, alpha)
Napi::Value Step(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray()) throwType(env, "argument 'x' must be a Float32Array");
  const int64_t n = info[0].As<Napi::TypedArray>().ElementLength();
  const float* x = f32Arg(info, 0, "x", n);
  float* y = f32Arg(info, 1, "y", n);
  if (info.Length() < 3 || !info[2].IsNumber()) throwType(env, "argument 'alpha' must be a number");
  const float alpha = static_cast<float>(info[2].As<Napi::Number>().DoubleValue());
  std::lock_guard<std::mutex> lock(callLock());
  parallelSpans(n, [&](int64_t s, int64_t e) { stepSpan(x + s, y + s, e - s, alpha); });
  return env.Undefined();
}

// sqrt (op 0) or square (op 1): IEEE sqrt and a float32 product are
// correctly rounded, so they equal tfjs's float64 Math.sqrt / x * x rounded.
template <int OP>
__attribute__((target_clones("avx512f", "avx2", "default")))
void unarySpan(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = OP == 0 ? __builtin_sqrtf(x[i]) : x[i] * x[i];
}

// unary(op, x, y): op 0 sqrt, 1 square.
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t op = intArg(info, 0, "op", 0);
  if (op > 1) throwRange(env, "argument 'op' must be 0 (sqrt) or 1 (square)");
  if (info.Length() < 2 || !info[1].IsTypedArray()) throwType(env, "argument 'x' must be a Float32Array");
  const int64_t n = info[1].As<Napi::TypedArray>().ElementLength();
  const float* x = f32Arg(info, 1, "x", n);
  float* y = f32Arg(info, 2, "y", n);
  std::lock_guard<std::mutex> lock(callLock());
  if (op == 0) parallelSpans(n, [&](int64_t s, int64_t e) { unarySpan<0>(x + s, y + s, e - s); });
  else parallelSpans(n, [&](int64_t s, int64_t e) { unarySpan<1>(x + s, y + s, e - s); });
  return env.Undefined();
}

// acc[i] += x[r * inner + i] for r in [r0, r1), i < inner, in float64.
__attribute__((target_clones("avx512f", "avx2", "default")))
void accumulateRows(const float* x, int64_t r0, int64_t r1, int64_t inner, double* acc) {
  for (int64_t r = r0; r < r1; ++r) {
    const float* row = x + r * inner;
    for (int64_t i = 0; i < inner; ++i) acc[i] += row[i];
  }
}

// One output row o: out[o, :] = sum over r of x[o, r, :], rows split across
// the threads when the work is large; partial sums are added in thread order.
void sumOuterRow(const float* x, int64_t reduced, int64_t inner, float* out) {
  const int64_t work = reduced * inner;
  if (work < kParallelMin || reduced < 2) {
    std::vector<double> acc(inner, 0.0);
    accumulateRows(x, 0, reduced, inner, acc.data());
    for (int64_t i = 0; i < inner; ++i) out[i] = static_cast<float>(acc[i]);
    return;
  }
  applyThreads();
  const int64_t threads = std::max(1, std::min<int>(threadCount(), static_cast<int>(reduced)));
  std::vector<double> partial(threads * inner, 0.0);
#pragma omp parallel num_threads(threads)
  {
    const int64_t n = omp_get_num_threads();
    const int64_t t = omp_get_thread_num();
    accumulateRows(x, reduced * t / n, reduced * (t + 1) / n, inner, partial.data() + t * inner);
  }
  for (int64_t i = 0; i < inner; ++i) {
    double s = 0.0;
    for (int64_t t = 0; t < threads; ++t) s += partial[t * inner + i];
    out[i] = static_cast<float>(s);
  }
}

// sumMiddle(x, outer, reduced, inner, out): out[o, i] = sum over r of x[o, r, i].
Napi::Value SumMiddle(const Napi::CallbackInfo& info) {
  const int64_t outer = intArg(info, 1, "outer", 0);
  const int64_t reduced = intArg(info, 2, "reduced", 0);
  const int64_t inner = intArg(info, 3, "inner", 0);
  const float* x = f32Arg(info, 0, "x", outer * reduced * inner);
  float* out = f32Arg(info, 4, "out", outer * inner);
  std::lock_guard<std::mutex> lock(callLock());
  if (outer == 1 || outer * inner * reduced < kParallelMin) {
    for (int64_t o = 0; o < outer; ++o) sumOuterRow(x + o * reduced * inner, reduced, inner, out + o * inner);
    return info.Env().Undefined();
  }
  // Several output rows: each thread sums whole rows in order (bit-identical to one thread).
  applyThreads();
#pragma omp parallel
  {
    std::vector<double> acc(inner);
#pragma omp for schedule(static)
    for (int64_t o = 0; o < outer; ++o) {
      std::fill(acc.begin(), acc.end(), 0.0);
      accumulateRows(x + o * reduced * inner, 0, reduced, inner, acc.data());
      for (int64_t i = 0; i < inner; ++i) out[o * inner + i] = static_cast<float>(acc[i]);
    }
  }
  return info.Env().Undefined();
}

}  // namespace

void initEltwise(Napi::Env env, Napi::Object exports) {
  exports.Set("binary", Napi::Function::New(env, guarded<Binary>));
  exports.Set("relu", Napi::Function::New(env, guarded<Relu>));
  exports.Set("step", Napi::Function::New(env, guarded<Step>));
  exports.Set("unary", Napi::Function::New(env, guarded<Unary>));
  exports.Set("sumMiddle", Napi::Function::New(env, guarded<SumMiddle>));
}

}  // namespace projnative
