// Shared helpers of the runtime tests: a worker process of the built binary and a raw client of the wire protocol.
#pragma once

#include <string>

#include "runtime/process.hpp"
#include "runtime/role.hpp"
#include "runtime/socket.hpp"
#include "runtime/wire.hpp"

namespace edgesplit::runtime::test {

inline constexpr const char* kToken = "s3cret-token";

struct SpawnedWorker {
  ChildProcess process;
  Endpoint endpoint;
};

inline SpawnedWorker spawn_worker(const std::string& netns = "", const std::string& host = "127.0.0.1") {
  SpawnedWorker w;
  w.process = ChildProcess::spawn({EDGESPLIT_BINARY, "worker", "--listen", host + ":0", "--token", kToken}, netns, true);
  const std::string line = w.process.read_line(10);
  const std::string marker = "listening on ";
  const auto at = line.find(marker) + marker.size();
  w.endpoint = parse_endpoint(line.substr(at, line.find(' ', at) - at));
  return w;
}

// Connects and says hello; returns the socket after the worker's hello_ack.
inline Socket hello(const Endpoint& e, const std::string& peer = "coordinator", const std::string& token = kToken) {
  Socket s = connect_tcp(e);
  write_control(s, MessageType::hello, {{"token", token}, {"peer", peer}});
  auto ack = read_message(s);
  if (!ack || ack->type != MessageType::hello_ack) throw std::runtime_error("no hello_ack");
  return s;
}

inline Tensor make_tensor(std::uint32_t frame, int slot, std::vector<float> values) {
  Tensor t;
  t.frame = frame;
  t.slot = slot;
  t.c = 1;
  t.h = 1;
  t.w = static_cast<int>(values.size());
  t.full_h = 1;
  t.full_w = t.w;
  t.values = std::move(values);
  return t;
}

}  // namespace edgesplit::runtime::test
