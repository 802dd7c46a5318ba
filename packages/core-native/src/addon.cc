// Entry point of the proj_native addon: module registration, threads, info()
// and the argument helpers declared in common.h.
#include "common.h"

#include <malloc.h>
#include <omp.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <cblas.h>

// OpenBLAS extensions (declared here too so that the build does not depend on
// which cblas.h the Debian alternatives system points at).
extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
char* openblas_get_corename(void);
}

namespace projnative {

namespace {

std::atomic<int> gThreads{0};
bool gMallocTuned = false;

// tfjs allocates a fresh Float32Array for every kernel output and V8 frees it
// only at the next garbage collection. glibc serves such arrays (MBs each)
// with mmap, or from heap top it trims on free, so nearly every output lands
// on pages the kernel must fault in and zero; here a fault cost ~15-30 us,
// i.e. 3-4 ms for a 1 MB output, more than the 512^3 matmul writing it
// (measured). Keeping freed memory in the heap (no mmap below glibc's 32 MB
// maximum threshold, trim only past 512 MB free) lets the next outputs reuse
// those pages, as PyTorch's freed tensors are reused. PROJ_NATIVE_MALLOC=0
// leaves glibc's defaults alone.
void tuneMalloc() {
  const char* env = std::getenv("PROJ_NATIVE_MALLOC");
  if (env && std::strcmp(env, "0") == 0) return;
  gMallocTuned = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 512 << 20) == 1;
}

int cpusAllowed() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  int n = omp_get_num_procs();
  return n > 0 ? n : 1;
}

const char* isaName(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::sse41: return "sse41";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
    case dnnl::cpu_isa::avx512_mic: return "avx512_mic";
    case dnnl::cpu_isa::avx512_mic_4ops: return "avx512_mic_4ops";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    default: return "unknown";
  }
}

const char* runtimeName(unsigned r) {
  switch (r) {
    case DNNL_RUNTIME_SEQ: return "sequential";
    case DNNL_RUNTIME_OMP: return "OpenMP";
    case DNNL_RUNTIME_TBB: return "TBB";
    case DNNL_RUNTIME_THREADPOOL: return "threadpool";
    default: return "other";
  }
}

void setThreadsImpl(int n) {
  gThreads.store(n);
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
  // oneDNN kernels are specialised for the thread count they were created
  // with: drop what we cached for another count.
  clearConvCache();
  clearPoolCache();
  clearGemmCache();
}

}  // namespace

dnnl::engine& cpuEngine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

dnnl::stream& cpuStream() {
  static dnnl::stream s(cpuEngine());
  return s;
}

std::mutex& callLock() {
  static std::mutex m;
  return m;
}

int threadCount() {
  int n = gThreads.load();
  return n > 0 ? n : cpusAllowed();
}

void applyThreads() {
  int n = threadCount();
  if (omp_get_max_threads() != n) omp_set_num_threads(n);
}

void throwRange(Napi::Env env, const std::string& msg) {
  throw Napi::RangeError::New(env, msg);
}
void throwType(Napi::Env env, const std::string& msg) {
  throw Napi::TypeError::New(env, msg);
}

std::string dimsStr(const std::vector<int64_t>& d) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < d.size(); ++i) os << (i ? "," : "") << d[i];
  os << "]";
  return os.str();
}

int64_t product(const std::vector<int64_t>& d) {
  int64_t p = 1;
  for (auto v : d) p *= v;
  return p;
}

float* f32Arg(const Napi::CallbackInfo& info, size_t idx, const char* name,
              size_t expectedLen) {
  Napi::Env env = info.Env();
  if (info.Length() <= idx || !info[idx].IsTypedArray() ||
      info[idx].As<Napi::TypedArray>().TypedArrayType() !=
          napi_float32_array) {
    throwType(env, std::string("argument '") + name +
                       "' must be a Float32Array");
  }
  auto arr = info[idx].As<Napi::Float32Array>();
  if (arr.ElementLength() != expectedLen) {
    std::ostringstream os;
    os << "argument '" << name << "' has length " << arr.ElementLength()
       << ", expected " << expectedLen;
    throwRange(env, os.str());
  }
  return arr.Data();
}

static int64_t toInt(Napi::Env env, Napi::Value v, const std::string& what,
                     int64_t minValue) {
  if (!v.IsNumber()) throwType(env, what + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d)
    throwRange(env, what + " must be an integer");
  if (d < static_cast<double>(minValue) || d > 9.0e15) {
    std::ostringstream os;
    os << what << " must be an integer >= " << minValue << ", got " << d;
    throwRange(env, os.str());
  }
  return static_cast<int64_t>(d);
}

std::vector<int64_t> dimsArg(const Napi::CallbackInfo& info, size_t idx,
                             const char* name, size_t count,
                             int64_t minValue) {
  Napi::Env env = info.Env();
  if (info.Length() <= idx || !info[idx].IsArray())
    throwType(env, std::string("argument '") + name + "' must be an array of " +
                       std::to_string(count) + " integers");
  auto arr = info[idx].As<Napi::Array>();
  if (arr.Length() != count)
    throwRange(env, std::string("argument '") + name + "' must have " +
                        std::to_string(count) + " entries, got " +
                        std::to_string(arr.Length()));
  std::vector<int64_t> out(count);
  for (uint32_t i = 0; i < count; ++i)
    out[i] = toInt(env, arr.Get(i),
                   std::string("argument '") + name + "[" + std::to_string(i) +
                       "]'",
                   minValue);
  return out;
}

int64_t intArg(const Napi::CallbackInfo& info, size_t idx, const char* name,
               int64_t minValue) {
  Napi::Env env = info.Env();
  if (info.Length() <= idx)
    throwType(env, std::string("argument '") + name + "' is missing");
  return toInt(env, info[idx], std::string("argument '") + name + "'",
               minValue);
}

bool boolArg(const Napi::CallbackInfo& info, size_t idx, const char* name,
             bool dflt, bool optional) {
  if (info.Length() <= idx || info[idx].IsUndefined()) {
    if (optional) return dflt;
    throwType(info.Env(), std::string("argument '") + name + "' is missing");
  }
  if (!info[idx].IsBoolean())
    throwType(info.Env(),
              std::string("argument '") + name + "' must be a boolean");
  return info[idx].As<Napi::Boolean>().Value();
}

double numArg(const Napi::CallbackInfo& info, size_t idx, const char* name,
              double dflt) {
  if (info.Length() <= idx || info[idx].IsUndefined()) return dflt;
  if (!info[idx].IsNumber())
    throwType(info.Env(),
              std::string("argument '") + name + "' must be a number");
  double d = info[idx].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d))
    throwRange(info.Env(), std::string("argument '") + name +
                               "' must be finite");
  return d;
}

// ---------------------------------------------------------------------------

static Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  int64_t n = intArg(info, 0, "n", 1);
  if (n > 1024) throwRange(info.Env(), "argument 'n' must be <= 1024");
  std::lock_guard<std::mutex> lock(callLock());
  setThreadsImpl(static_cast<int>(n));
  return info.Env().Undefined();
}

static Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), threadCount());
}

static Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::lock_guard<std::mutex> lock(callLock());
  applyThreads();
  const dnnl_version_t* v = dnnl_version();
  std::ostringstream ver;
  ver << v->major << "." << v->minor << "." << v->patch;
  Napi::Object o = Napi::Object::New(env);
  o.Set("onednn", ver.str());
  o.Set("onednnRuntime", runtimeName(v->cpu_runtime));
  o.Set("onednnIsa", isaName(dnnl::get_effective_cpu_isa()));
  o.Set("openblas", std::string(openblas_get_config()));
  o.Set("openblasCore", std::string(openblas_get_corename()));
  o.Set("openblasThreads", openblas_get_num_threads());
  o.Set("ompMaxThreads", omp_get_max_threads());
  o.Set("threads", threadCount());
  o.Set("gemm", gemmBackendName());
  o.Set("mallocTuned", gMallocTuned);
  return o;
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  {
    std::lock_guard<std::mutex> lock(callLock());
    if (gThreads.load() == 0) {
      setThreadsImpl(cpusAllowed());
      tuneMalloc();
    }
  }
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads));
  exports.Set("info", Napi::Function::New(env, Info));
  initGemm(env, exports);
  initConv(env, exports);
  initPool(env, exports);
  initSparse(env, exports);
  initEltwise(env, exports);
  return exports;
}

}  // namespace projnative

static Napi::Object InitAll(Napi::Env env, Napi::Object exports) {
  return projnative::Init(env, exports);
}

NODE_API_MODULE(proj_native, InitAll)

namespace projnative {

PrimArg makeArg(int dnnlArg, const dnnl::memory::desc& userMd,
                const dnnl::memory::desc& primMd, bool isOutput) {
  PrimArg a;
  a.dnnlArg = dnnlArg;
  a.isOutput = isOutput;
  a.user = dnnl::memory(userMd, cpuEngine(), DNNL_MEMORY_NONE);
  if (primMd == userMd) {
    a.prim = a.user;
  } else {
    a.needReorder = true;
    a.prim = dnnl::memory(primMd, cpuEngine());
    a.conv = isOutput ? dnnl::reorder(a.prim, a.user)
                      : dnnl::reorder(a.user, a.prim);
  }
  return a;
}

PrimArg makeInternalArg(int dnnlArg, const dnnl::memory::desc& md) {
  PrimArg a;
  a.dnnlArg = dnnlArg;
  a.hasUser = false;
  a.prim = dnnl::memory(md, cpuEngine());
  return a;
}

void runCached(CachedPrim& c, const std::vector<void*>& ptrs) {
  dnnl::stream& s = cpuStream();
  size_t k = 0;
  for (auto& a : c.args) {
    if (!a.hasUser) continue;
    a.user.set_data_handle(ptrs.at(k++));
  }
  for (auto& a : c.args)
    if (a.hasUser && !a.isOutput && a.needReorder)
      a.conv.execute(s, a.user, a.prim);
  std::unordered_map<int, dnnl::memory> m;
  for (auto& a : c.args) m.emplace(a.dnnlArg, a.prim);
  c.prim.execute(s, m);
  for (auto& a : c.args)
    if (a.hasUser && a.isOutput && a.needReorder)
      a.conv.execute(s, a.prim, a.user);
  s.wait();
}

}  // namespace projnative
