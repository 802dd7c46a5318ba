// Shared helpers of the proj_native addon: argument checking, the oneDNN
// engine/stream, the thread count and the lock that serialises native calls.
#pragma once

#include <napi.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

namespace projnative {

// One CPU engine and one in-order stream for the whole process.
dnnl::engine& cpuEngine();
dnnl::stream& cpuStream();

// Every entry point holds this lock: the primitive caches and the scratch
// buffers they own are shared by all JS threads (workers) of the process.
std::mutex& callLock();

// Thread count requested with setNumThreads (defaults to the CPUs we may use).
int threadCount();
// Makes the calling thread's OpenMP ICV match threadCount(); oneDNN (built
// with OpenMP here) reads omp_get_max_threads() of the calling thread.
void applyThreads();

// ---- argument helpers (throw TypeError / RangeError naming the argument) ----
float* f32Arg(const Napi::CallbackInfo& info, size_t idx, const char* name,
              size_t expectedLen);
std::vector<int64_t> dimsArg(const Napi::CallbackInfo& info, size_t idx,
                             const char* name, size_t count, int64_t minValue);
int64_t intArg(const Napi::CallbackInfo& info, size_t idx, const char* name,
               int64_t minValue);
bool boolArg(const Napi::CallbackInfo& info, size_t idx, const char* name,
             bool dflt, bool optional);
double numArg(const Napi::CallbackInfo& info, size_t idx, const char* name,
              double dflt);
std::string dimsStr(const std::vector<int64_t>& d);
int64_t product(const std::vector<int64_t>& d);

[[noreturn]] void throwRange(Napi::Env env, const std::string& msg);
[[noreturn]] void throwType(Napi::Env env, const std::string& msg);

// Registration of each family of functions.
void initGemm(Napi::Env env, Napi::Object exports);
void initConv(Napi::Env env, Napi::Object exports);
void initPool(Napi::Env env, Napi::Object exports);
void initSparse(Napi::Env env, Napi::Object exports);
void initEltwise(Napi::Env env, Napi::Object exports);
// Drop cached primitives (called when the thread count changes).
void clearConvCache();
void clearPoolCache();
void clearGemmCache();
// 'openblas' or 'onednn': what sgemm / large batchedSgemm matrices run on.
const char* gemmBackendName();

}  // namespace projnative

namespace projnative {

// One argument of a cached oneDNN primitive: the memory object wrapping the
// caller's Float32Array (layout chosen by the caller, handle set per call)
// and, when the primitive prefers another layout, a library-owned buffer in
// that layout plus the reorder between the two.
struct PrimArg {
  int dnnlArg = 0;
  bool isOutput = false;
  bool hasUser = true;  // false: internal buffer only (e.g. a workspace)
  bool needReorder = false;
  dnnl::memory user;
  dnnl::memory prim;
  dnnl::reorder conv;
};

PrimArg makeArg(int dnnlArg, const dnnl::memory::desc& userMd,
                const dnnl::memory::desc& primMd, bool isOutput);
PrimArg makeInternalArg(int dnnlArg, const dnnl::memory::desc& md);

// A primitive with its arguments, ready to run on caller pointers given in
// the order of `args` (internal arguments take no pointer).
struct CachedPrim {
  dnnl::primitive prim;
  std::vector<PrimArg> args;
  std::string impl;
};

void runCached(CachedPrim& c, const std::vector<void*>& ptrs);

// Wraps a native entry point so that oneDNN / std exceptions become JS errors.
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const dnnl::error& e) {
    throw Napi::Error::New(info.Env(),
                           std::string("oneDNN error: ") + e.what() +
                               " (status " + std::to_string(e.status) + ")");
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(info.Env(), "proj_native: out of memory");
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("proj_native: ") + e.what());
  }
}

}  // namespace projnative
