// Sparse-dense products for pruned layers: y = x W with W stored as the CSR of
// its transpose (row o lists the inputs that feed output o). The batch is
// transposed once so that each stored weight updates a contiguous run of
// `batch` accumulators, which the compiler vectorizes; outputs are split
// across threads. Work is batch * nnz(W) multiply-adds, independent of the
// zeros of W.
#include "common.h"

#include <omp.h>

#include <algorithm>
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

// Accumulators per output column live on the stack; larger batches run in chunks.
constexpr int64_t kChunk = 256;

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
  std::vector<float> xT(static_cast<size_t>(inDim) * std::min(batch, kChunk));
  for (int64_t b0 = 0; b0 < batch; b0 += kChunk) {
    const int64_t nb = std::min(kChunk, batch - b0);
    for (int64_t b = 0; b < nb; ++b)
      for (int64_t i = 0; i < inDim; ++i) xT[i * nb + b] = x[(b0 + b) * inDim + i];
    const float* xt = xT.data();
#pragma omp parallel for schedule(static)
    for (int64_t o = 0; o < outDim; ++o) {
      float acc[kChunk];
      std::fill(acc, acc + nb, 0.0f);
      for (int32_t k = rowPtr[o]; k < rowPtr[o + 1]; ++k) {
        const float v = values[k];
        const float* xr = xt + static_cast<int64_t>(colIdx[k]) * nb;
        for (int64_t b = 0; b < nb; ++b) acc[b] += v * xr[b];
      }
      for (int64_t b = 0; b < nb; ++b) y[(b0 + b) * outDim + o] = acc[b];
    }
  }
  return env.Undefined();
}

}  // namespace

void initSparse(Napi::Env env, Napi::Object exports) {
  exports.Set("csrMatMulT", Napi::Function::New(env, guarded<CsrMatMulT>));
}

}  // namespace projnative
