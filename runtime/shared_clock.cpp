// Shared link clocks of a paced emulation (see shared_clock.hpp).
#include "runtime/shared_clock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace edgesplit::runtime {
namespace {

constexpr std::size_t kBytes = 4096;  // one page; the clocks sit at its start

std::int64_t* map_file(int fd, const std::string& path) {
  void* p = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) throw std::runtime_error(fmt::format("mmap {}: {}", path, std::strerror(errno)));
  return static_cast<std::int64_t*>(p);
}

}  // namespace

static_assert(std::atomic_ref<std::int64_t>::is_always_lock_free, "the clocks are shared between processes");

SharedClocks SharedClocks::create(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(fmt::format("create {}: {}", path, std::strerror(errno)));
  if (::ftruncate(fd, kBytes) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(path.c_str());
    throw std::runtime_error(fmt::format("ftruncate {}: {}", path, std::strerror(err)));
  }
  SharedClocks c;
  c.path_ = path;
  c.owner_ = true;
  try {
    c.clocks_ = map_file(fd, path);  // ftruncate zero-fills: every resource is free from time 0
  } catch (...) {
    ::unlink(path.c_str());
    throw;
  }
  return c;
}

SharedClocks SharedClocks::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(fmt::format("open {}: {}", path, std::strerror(errno)));
  SharedClocks c;
  c.path_ = path;
  c.clocks_ = map_file(fd, path);
  return c;
}

SharedClocks::SharedClocks(SharedClocks&& o) noexcept : clocks_(o.clocks_), path_(std::move(o.path_)), owner_(o.owner_) {
  o.clocks_ = nullptr;
  o.owner_ = false;
}

SharedClocks& SharedClocks::operator=(SharedClocks&& o) noexcept {
  if (this != &o) {
    release();
    clocks_ = o.clocks_;
    path_ = std::move(o.path_);
    owner_ = o.owner_;
    o.clocks_ = nullptr;
    o.owner_ = false;
  }
  return *this;
}

SharedClocks::~SharedClocks() { release(); }

void SharedClocks::release() noexcept {
  if (clocks_) ::munmap(clocks_, kBytes);
  if (owner_) ::unlink(path_.c_str());
  clocks_ = nullptr;
  owner_ = false;
}

double SharedClocks::reserve(Resource r, double not_before_s, double duration_s) {
  if (!clocks_) throw std::logic_error("SharedClocks::reserve on an unmapped clock file");
  std::atomic_ref<std::int64_t> clock(clocks_[static_cast<int>(r)]);
  const auto from = static_cast<std::int64_t>(std::llround(not_before_s * 1e9));
  const auto span = static_cast<std::int64_t>(std::llround(std::max(0.0, duration_s) * 1e9));
  std::int64_t seen = clock.load();
  std::int64_t end = 0;
  do {
    end = std::max(seen, from) + span;
  } while (!clock.compare_exchange_weak(seen, end));
  return static_cast<double>(end) * 1e-9;
}

}  // namespace edgesplit::runtime
