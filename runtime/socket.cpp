// POSIX TCP plumbing for the emulator (see socket.hpp).
#include "runtime/socket.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "runtime/shared_clock.hpp"
#include "sim/common/error.hpp"

namespace edgesplit::runtime {
namespace {

std::string errno_text(const char* what) { return fmt::format("{}: {}", what, std::strerror(errno)); }

sockaddr_in to_sockaddr(const Endpoint& e) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(e.port);
  if (inet_pton(AF_INET, e.host.c_str(), &a.sin_addr) != 1)
    throw NetError(fmt::format("'{}' is not a numeric IPv4 address", e.host));
  return a;
}

void sleep_until_s(double t) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(t);
  ts.tv_nsec = static_cast<long>((t - static_cast<double>(ts.tv_sec)) * 1e9);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

}  // namespace

std::string Endpoint::str() const { return fmt::format("{}:{}", host, port); }

Endpoint parse_endpoint(const std::string& text, const std::string& key) {
  auto bad = [&](const std::string& why) {
    return InputError(InputIssue{"", 0, 0, key, fmt::format("expected HOST:PORT with a numeric IPv4 host, found '{}' ({})",
                                                             text, why)});
  };
  auto colon = text.rfind(':');
  if (colon == std::string::npos) throw bad("no ':'");
  Endpoint e;
  e.host = text.substr(0, colon);
  in_addr probe{};
  if (inet_pton(AF_INET, e.host.c_str(), &probe) != 1) throw bad("host is not an IPv4 address");
  const std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit)) throw bad("bad port");
  int p = std::stoi(port);
  if (p > 65535) throw bad("port above 65535");
  e.port = static_cast<std::uint16_t>(p);
  return e;
}

double monotonic_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

LinkPacer::LinkPacer(SharedClocks* clocks, std::vector<Occupancy> uses, double latency_s)
    : latency_s_(latency_s), clocks_(clocks), uses_(std::move(uses)) {
  if (!uses_.empty() && clocks_ == nullptr) throw std::invalid_argument("a shared link pacer needs the shared clocks");
}

void LinkPacer::begin_message() {
  if (latency_s_ > 0) sleep_until_s(monotonic_s() + latency_s_);
  link_free_s_ = std::max(link_free_s_, monotonic_s());
}

std::size_t LinkPacer::chunk_bytes() const {
  if (!uses_.empty()) return kSharedChunkBytes;
  if (rate_bps_ <= 0) return 1 << 20;
  return std::clamp<std::size_t>(static_cast<std::size_t>(rate_bps_ / 8 * 1e-3), 1448, 65536);
}

void LinkPacer::before_chunk(std::size_t bytes) {
  if (!uses_.empty()) {
    // From the end of this flow's previous chunk (not from now): a sender woken late does not lose link time.
    double end = link_free_s_;
    for (const auto& u : uses_)
      end = std::max(end, clocks_->reserve(static_cast<SharedClocks::Resource>(u.resource), link_free_s_,
                                           static_cast<double>(bytes) * u.s_per_byte));
    link_free_s_ = end;
    sleep_until_s(end);
    return;
  }
  if (rate_bps_ <= 0) return;
  link_free_s_ += static_cast<double>(bytes) * 8.0 / rate_bps_;
  sleep_until_s(link_free_s_);
}

Socket& Socket::operator=(Socket&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

void Socket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Socket::shutdown_both() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void Socket::send_all(const void* data, std::size_t bytes, LinkPacer* pacer) {
  const auto* p = static_cast<const char*>(data);
  const bool paced = pacer != nullptr && pacer->paces_bytes();
  while (bytes > 0) {
    std::size_t n = bytes;
    if (paced) {
      n = std::min(bytes, pacer->chunk_bytes());
      pacer->before_chunk(n);
    }
    std::size_t left = n;
    while (left > 0) {
      ssize_t k = ::send(fd_, p, left, MSG_NOSIGNAL);
      if (k < 0) {
        if (errno == EINTR) continue;
        throw NetError(errno_text("send"));
      }
      p += k;
      left -= static_cast<std::size_t>(k);
    }
    bytes -= n;
  }
}

std::size_t Socket::unacked_bytes() const {
  int n = 0;
  if (::ioctl(fd_, SIOCOUTQ, &n) != 0) throw NetError(errno_text("ioctl SIOCOUTQ"));
  return static_cast<std::size_t>(std::max(n, 0));
}

bool Socket::recv_exact(void* data, std::size_t bytes, bool eof_ok) {
  auto* p = static_cast<char*>(data);
  std::size_t got = 0;
  while (got < bytes) {
    ssize_t k = ::recv(fd_, p + got, bytes - got, 0);
    if (k == 0) {
      if (got == 0 && eof_ok) return false;
      throw NetError(fmt::format("connection closed after {} of {} bytes", got, bytes));
    }
    if (k < 0) {
      if (errno == EINTR) continue;
      if (got == 0 && eof_ok && (errno == ECONNRESET)) return false;
      throw NetError(errno_text("recv"));
    }
    got += static_cast<std::size_t>(k);
  }
  return true;
}

Socket listen_tcp(const Endpoint& at, int backlog) {
  Socket s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s.valid()) throw NetError(errno_text("socket"));
  int one = 1;
  ::setsockopt(s.fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a = to_sockaddr(at);
  if (::bind(s.fd(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    throw NetError(fmt::format("bind {}: {}", at.str(), std::strerror(errno)));
  if (::listen(s.fd(), backlog) != 0) throw NetError(errno_text("listen"));
  return s;
}

Endpoint local_endpoint(const Socket& s) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (::getsockname(s.fd(), reinterpret_cast<sockaddr*>(&a), &len) != 0) throw NetError(errno_text("getsockname"));
  char buf[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
  return {buf, ntohs(a.sin_port)};
}

Socket connect_tcp(const Endpoint& to, double timeout_s) {
  const sockaddr_in a = to_sockaddr(to);
  const double give_up = monotonic_s() + timeout_s;
  for (;;) {
    Socket s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!s.valid()) throw NetError(errno_text("socket"));
    if (::connect(s.fd(), reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0) {
      int one = 1;
      ::setsockopt(s.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return s;
    }
    const int err = errno;
    if ((err != ECONNREFUSED && err != EINTR) || monotonic_s() > give_up)
      throw NetError(fmt::format("connect {}: {}", to.str(), std::strerror(err)));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Socket accept_tcp(const Socket& listener) {
  for (;;) {
    int fd = ::accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) {
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return Socket(fd);
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    throw NetError(errno_text("accept"));
  }
}

}  // namespace edgesplit::runtime
