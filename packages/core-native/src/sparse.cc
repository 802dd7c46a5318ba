// Sparse-dense products for pruned layers: y = x W with W stored as the CSR of
// its transpose (row o lists the inputs that feed output o). The batch is
// transposed in blocks of 16 rows so that each stored weight updates 16
// accumulators held in one vector register; outputs are split across threads.
// Work is batch * nnz(W) multiply-adds, independent of the zeros of W.
#include "common.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <vector>

namespace projnative {

namespace {

const int32_t* i32Arg(const Napi::CallbackInfo& info, size_t idx, const char* name, size_t expectedLen) {
  Napi::Env env = info.Env();
  if (info.Length() <= idx || !info[idx].IsTypedArray() ||
      info[idx].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throwType(env, std::string("argument '") + name + "' must be an Int32Array");
  }
  auto arr = info[idx].As<Napi::Int32Array>();
  if (arr.ElementLength() != expectedLen) {
    std::ostringstream os;
    os << "argument '" << name << "' has length " << arr.ElementLength() << ", expected " << expectedLen;
    throwRange(env, os.str());
  }
  return arr.Data();
}

// Batch rows per block: the accumulators of one output and block (kBlock
// floats, one AVX-512 or two AVX2 registers) stay in registers while the
// output's stored weights stream past.
constexpr int64_t kBlock = 16;
typedef float Block __attribute__((vector_size(kBlock * sizeof(float))));

// Outputs [o0, o1) of one block of kBlock batch rows, x transposed to
// xt[in][kBlock]. target_clones compiles it for AVX-512, AVX2 and the x86-64
// baseline and picks one at load time; it holds no OpenMP region because
// GCC compiles an outlined parallel body for the baseline ISA only.
__attribute__((target_clones("avx512f", "avx2", "default")))
void blockOutputs(int64_t o0, int64_t o1, const int32_t* rowPtr, const int32_t* colIdx, const float* values,
                  const float* xt, float* yBlock, int64_t rowsInBlock, int64_t yStride) {
  for (int64_t o = o0; o < o1; ++o) {
    // A GCC/Clang vector of kBlock floats: one zmm (or two ymm, four xmm);
    // left to itself the compiler vectorized across k instead, with gathers.
    Block acc = {};
    for (int32_t k = rowPtr[o]; k < rowPtr[o + 1]; ++k) {
      Block xr;
      std::memcpy(&xr, xt + static_cast<int64_t>(colIdx[k]) * kBlock, sizeof(Block));
      acc += values[k] * xr;
    }
    for (int64_t b = 0; b < rowsInBlock; ++b) yBlock[b * yStride + o] = acc[b];
  }
}

// One block, outputs split evenly across the threads.
void blockProduct(int64_t outDim, const int32_t* rowPtr, const int32_t* colIdx, const float* values,
                  const float* xt, float* yBlock, int64_t rowsInBlock, int64_t yStride) {
#pragma omp parallel
  {
    const int64_t n = omp_get_num_threads();
    const int64_t t = omp_get_thread_num();
    blockOutputs(outDim * t / n, outDim * (t + 1) / n, rowPtr, colIdx, values, xt, yBlock, rowsInBlock, yStride);
  }
}

// A few rows: one gather-dot per output and row, no transpose.
void rowProduct(int64_t batch, int64_t inDim, int64_t outDim, const int32_t* rowPtr, const int32_t* colIdx,
                const float* values, const float* x, float* y) {
  for (int64_t b = 0; b < batch; ++b) {
    const float* xb = x + b * inDim;
#pragma omp parallel for schedule(static)
    for (int64_t o = 0; o < outDim; ++o) {
      float acc = 0.0f;
      for (int32_t k = rowPtr[o]; k < rowPtr[o + 1]; ++k) acc += values[k] * xb[colIdx[k]];
      y[b * outDim + o] = acc;
    }
  }
}

// csrMatMulT(batch, inDim, outDim, rowPtr[outDim + 1], colIdx[nnz], values[nnz], x[batch * inDim], y[batch * outDim])
Napi::Value CsrMatMulT(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t batch = intArg(info, 0, "batch", 0);
  const int64_t inDim = intArg(info, 1, "inDim", 1);
  const int64_t outDim = intArg(info, 2, "outDim", 1);
  const int32_t* rowPtr = i32Arg(info, 3, "rowPtr", outDim + 1);
  if (!info[4].IsTypedArray()) throwType(env, "argument 'colIdx' must be an Int32Array");
  const int64_t nnz = rowPtr[outDim];
  if (rowPtr[0] != 0 || nnz < 0) throwRange(env, "argument 'rowPtr' must start at 0 and end at nnz");
  for (int64_t o = 0; o < outDim; ++o)
    if (rowPtr[o + 1] < rowPtr[o]) throwRange(env, "argument 'rowPtr' must not decrease");
  const int32_t* colIdx = i32Arg(info, 4, "colIdx", nnz);
  for (int64_t k = 0; k < nnz; ++k)
    if (colIdx[k] < 0 || colIdx[k] >= inDim) throwRange(env, "argument 'colIdx' holds an index outside [0, inDim)");
  const float* values = f32Arg(info, 5, "values", nnz);
  const float* x = f32Arg(info, 6, "x", batch * inDim);
  float* y = f32Arg(info, 7, "y", batch * outDim);

  std::lock_guard<std::mutex> lock(callLock());
  applyThreads();
  // Below a quarter block, padding the block would waste more than the transpose saves.
  if (batch < kBlock / 4) {
    rowProduct(batch, inDim, outDim, rowPtr, colIdx, values, x, y);
    return env.Undefined();
  }
  std::vector<float> xt(static_cast<size_t>(inDim) * kBlock);
  for (int64_t b0 = 0; b0 < batch; b0 += kBlock) {
    const int64_t nb = std::min(kBlock, batch - b0);
    // Rows past the batch's end stay 0; their sums are computed and dropped.
    if (nb < kBlock) std::fill(xt.begin(), xt.end(), 0.0f);
    for (int64_t b = 0; b < nb; ++b)
      for (int64_t i = 0; i < inDim; ++i) xt[i * kBlock + b] = x[(b0 + b) * inDim + i];
    blockProduct(outDim, rowPtr, colIdx, values, xt.data(), y + b0 * outDim, nb, outDim);
  }
  return env.Undefined();
}

}  // namespace

void initSparse(Napi::Env env, Napi::Object exports) {
  exports.Set("csrMatMulT", Napi::Function::New(env, guarded<CsrMatMulT>));
}

}  // namespace projnative
