// POSIX TCP sockets wrapped once for the emulator: RAII descriptors, whole-buffer send/receive, endpoints, and the
// sender-side link pacer. The only socket code in edgesplit lives in runtime/.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace edgesplit::runtime {

// A failure of the connection itself (refused, reset, closed mid-message); the peer is gone or unusable.
class NetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Endpoint {
  std::string host;  // numeric IPv4 address
  std::uint16_t port = 0;
  std::string str() const;
};

// "HOST:PORT" with a numeric IPv4 host; throws InputError naming `key` otherwise.
Endpoint parse_endpoint(const std::string& text, const std::string& key = "--listen");

// Seconds on CLOCK_MONOTONIC. Every process and every network namespace on one host shares this clock, so the
// coordinator and the workers compare timestamps directly.
double monotonic_s();

class SharedClocks;

// Emulates a link in the sender, by one of two rules:
// - alone: a link of `rate_bps` bits/s. A chunk is handed to the kernel only when its last byte would have left a
//   link of that rate, so a message of B bytes sent onto an idle link completes at B*8/rate_bps (the same
//   serialization time the simulator charges).
// - shared: each chunk of kSharedChunkBytes reserves, on every resource of the route (SharedClocks: the air, the
//   cloud link), bytes x seconds-per-byte of it, and leaves when the last reservation ends; concurrent flows of other
//   processes reserve on the same clocks, so they slow each other down as on the simulator's shared air.
// `latency_s` is waited once before each message (no netem on this kernel; DESIGN.md). Rate 0 and no resources means
// unpaced.
class LinkPacer {
 public:
  struct Occupancy {
    int resource = 0;          // SharedClocks::Resource
    double s_per_byte = 0;     // seconds of the resource one byte occupies (1/rate)
  };
  static constexpr std::size_t kSharedChunkBytes = 4096;  // equal chunks: concurrent flows take equal turns

  LinkPacer() = default;
  LinkPacer(double rate_bps, double latency_s) : rate_bps_(rate_bps), latency_s_(latency_s) {}
  LinkPacer(SharedClocks* clocks, std::vector<Occupancy> uses, double latency_s);
  bool active() const { return rate_bps_ > 0 || latency_s_ > 0 || !uses_.empty(); }
  bool paces_bytes() const { return rate_bps_ > 0 || !uses_.empty(); }
  double rate_bps() const { return rate_bps_; }
  double latency_s() const { return latency_s_; }
  void begin_message();                 // waits the latency, resets the link clock if it was idle
  std::size_t chunk_bytes() const;      // alone: about 1 ms of the link, within [1448, 65536]; shared: kSharedChunkBytes
  void before_chunk(std::size_t bytes);  // waits until this chunk's last byte would have been serialized

 private:
  double rate_bps_ = 0;
  double latency_s_ = 0;
  double link_free_s_ = 0;  // monotonic time at which the emulated link finishes what it was given
  SharedClocks* clocks_ = nullptr;
  std::vector<Occupancy> uses_;
};

class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  Socket(Socket&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Socket& operator=(Socket&& o) noexcept;
  ~Socket() { close(); }

  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void close();
  // Wakes any thread blocked in recv/accept on this socket (they see EOF / an error); the descriptor stays open.
  void shutdown_both();

  void send_all(const void* data, std::size_t bytes, LinkPacer* pacer = nullptr);
  // Bytes sent but not yet acknowledged by the peer's kernel (SIOCOUTQ); 0 once everything was delivered.
  std::size_t unacked_bytes() const;
  // Reads exactly `bytes`. Returns false on EOF before the first byte when `eof_ok`; EOF later throws NetError.
  bool recv_exact(void* data, std::size_t bytes, bool eof_ok = false);

 private:
  int fd_ = -1;
};

Socket listen_tcp(const Endpoint& at, int backlog = 32);
Endpoint local_endpoint(const Socket& s);
// Retries refused connections until `timeout_s` (a freshly started worker may not listen yet).
Socket connect_tcp(const Endpoint& to, double timeout_s = 5.0);
// Blocks; throws NetError once the listener is shut down.
Socket accept_tcp(const Socket& listener);

}  // namespace edgesplit::runtime
