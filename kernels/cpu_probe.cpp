// Host identity, clock and FMA peak probes (see cpu_probe.hpp).
#include "kernels/cpu_probe.hpp"

#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace edgesplit::kernels {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) {
      auto pos = line.find(':');
      if (pos != std::string::npos) return line.substr(line.find_first_not_of(' ', pos + 1));
    }
  return "unknown";
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

namespace {
using Clock = std::chrono::steady_clock;
[[maybe_unused]] double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
[[maybe_unused]] double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}
}  // namespace

#if defined(__x86_64__)

#define ES_ADD10 "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t" \
                 "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"

double measure_clock_hz(double seconds) {
  // 100 dependent adds per iteration: one per cycle, so cycles = 100 · iterations (the loop's own counter runs in
  // parallel on another ALU). Divided by this thread's CPU time, not wall time: on a shared host the thread is
  // descheduled part of the time, which would read as a lower clock.
  std::uint64_t x = 0, iters = 0;
  double c0 = thread_cpu_s();
  double t = 0;
  do {
    for (int i = 0; i < 1000; ++i)
      asm volatile(ES_ADD10 ES_ADD10 ES_ADD10 ES_ADD10 ES_ADD10 ES_ADD10 ES_ADD10 ES_ADD10 ES_ADD10 ES_ADD10
                   : "+r"(x));
    iters += 1000;
    t = thread_cpu_s() - c0;
  } while (t < seconds);
  return 100.0 * double(iters) / t;
}

namespace {
// 12 independent chains cover 2 pipes × 4-cycle FMA latency with room to spare.
__attribute__((target("avx512f"))) double fma512(std::int64_t n) {
  __m512 acc[12];
  for (int j = 0; j < 12; ++j) acc[j] = _mm512_set1_ps(float(j));
  const __m512 a = _mm512_set1_ps(0.9999999f), b = _mm512_set1_ps(1e-7f);
  for (std::int64_t i = 0; i < n; ++i)
    for (int j = 0; j < 12; ++j) acc[j] = _mm512_fmadd_ps(acc[j], a, b);
  __m512 s = acc[0];
  for (int j = 1; j < 12; ++j) s = _mm512_add_ps(s, acc[j]);
  float v[16];
  _mm512_storeu_ps(v, s);  // (not _mm512_reduce_add_ps: GCC 12 warns inside its own header)
  double sum = 0;
  for (float x : v) sum += x;
  return sum;
}
__attribute__((target("avx2,fma"))) double fma256(std::int64_t n) {
  __m256 acc[12];
  for (int j = 0; j < 12; ++j) acc[j] = _mm256_set1_ps(float(j));
  const __m256 a = _mm256_set1_ps(0.9999999f), b = _mm256_set1_ps(1e-7f);
  for (std::int64_t i = 0; i < n; ++i)
    for (int j = 0; j < 12; ++j) acc[j] = _mm256_fmadd_ps(acc[j], a, b);
  __m256 s = acc[0];
  for (int j = 1; j < 12; ++j) s = _mm256_add_ps(s, acc[j]);
  float v[8];
  _mm256_storeu_ps(v, s);
  return double(v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7]);
}
}  // namespace

PeakFlops measure_peak_flops(double seconds) {
  PeakFlops p;
  bool avx512 = __builtin_cpu_supports("avx512f");
  if (!avx512 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) return p;
  p.vector_bits = avx512 ? 512 : 256;
  const int lanes = avx512 ? 16 : 8;
  volatile double sink = 0;
  std::int64_t n = 1 << 16;
  sink = sink + (avx512 ? fma512(n) : fma256(n));  // warm-up: let the core reach its AVX clock
  double best = 0;
  auto t_end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < t_end) {
    double c0 = thread_cpu_s();  // CPU time: immune to being descheduled on a shared host
    sink = sink + (avx512 ? fma512(n) : fma256(n));
    double t = thread_cpu_s() - c0;
    if (t < 2e-3) {
      n *= 2;
      continue;
    }
    best = std::max(best, double(n) * 12 * lanes * 2 / t);
  }
  p.flops_per_s = best;
  p.clock_hz = measure_clock_hz(0.02);
  return p;
}

#else

double measure_clock_hz(double) { return 0.0; }
PeakFlops measure_peak_flops(double) { return {}; }

#endif

}  // namespace edgesplit::kernels
