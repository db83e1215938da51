// What the host is and how fast it runs right now: CPU model, hostname, the clock under load (a chain of dependent
// adds retires one per cycle), and the fp32 FMA peak of one core (independent FMA chains at the widest vector width
// the CPU has). Method as in the kernels probe on this machine kind (2 × 512-bit FMA pipes = 64 flop/cycle on Zen 5).
#pragma once

#include <string>

namespace edgesplit::kernels {

std::string cpu_model();  // /proc/cpuinfo "model name", or "unknown"
std::string host_name();

// Measured core clock in Hz, busy; 0 where the probe does not exist (non-x86).
double measure_clock_hz(double seconds = 0.05);

struct PeakFlops {
  double flops_per_s = 0;   // fp32, one thread
  double clock_hz = 0;      // measured right after, for flop/cycle
  int vector_bits = 0;      // 512, 256 or 128
};
PeakFlops measure_peak_flops(double seconds = 0.2);

}  // namespace edgesplit::kernels
