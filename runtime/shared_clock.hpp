// Link resources shared by the processes of one emulation on one host (`--net pace`): the Wi-Fi air and the two
// directions of the cloud's wired link, each a CLOCK_MONOTONIC time up to which it is reserved, in a small file in
// /dev/shm that the coordinator creates and every worker maps. A sender reserves, chunk by chunk, the time its bytes
// occupy each resource on its route (bytes x seconds per byte) and hands the chunk to the socket when the last
// reservation ends. Flows that send equal chunks take turns, so concurrent flows get equal throughput and the air's
// occupancy sums to at most one second per second: the SimGrid executor's max-min sharing of the air (one constraint
// of capacity 1, a flow using x/r_src + x/r_dst of it; shared/reference/simgrid.md §3.4), to within one chunk.
#pragma once

#include <cstdint>
#include <string>

namespace edgesplit::runtime {

class SharedClocks {
 public:
  enum Resource : int { air = 0, wan_up = 1, wan_down = 2 };  // wan_up: towards the cloud
  static constexpr int kResources = 3;

  SharedClocks() = default;
  // A fresh, zeroed file at `path` (which must not exist); the creator unlinks it when destroyed.
  static SharedClocks create(const std::string& path);
  static SharedClocks open(const std::string& path);
  SharedClocks(SharedClocks&& o) noexcept;
  SharedClocks& operator=(SharedClocks&& o) noexcept;
  SharedClocks(const SharedClocks&) = delete;
  SharedClocks& operator=(const SharedClocks&) = delete;
  ~SharedClocks();

  bool valid() const { return clocks_ != nullptr; }
  const std::string& path() const { return path_; }
  // Reserves `duration_s` of resource r starting no earlier than `not_before_s` and no earlier than the end of what is
  // reserved already; returns the end of the reservation (CLOCK_MONOTONIC seconds). Lock-free; safe across processes.
  double reserve(Resource r, double not_before_s, double duration_s);

 private:
  void release() noexcept;
  std::int64_t* clocks_ = nullptr;  // kResources nanosecond clocks in a shared mapping
  std::string path_;
  bool owner_ = false;
};

}  // namespace edgesplit::runtime
