// The emulator's worker: one process per emulated device (`edgesplit worker`). It authenticates whoever connects,
// takes its role from the coordinator, receives input regions from the coordinator and from peer workers, runs each
// task through a pluggable compute, paces it to the device's predicted time (paced mode) or not (native mode), sends
// the outputs on, and reports per-task timestamps per frame. A connection that breaks the protocol gets an error
// message and is closed; the worker keeps serving its other connections.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/role.hpp"
#include "runtime/socket.hpp"
#include "runtime/wire.hpp"

namespace edgesplit::runtime {

// Computes one task: one output tensor per entry of task.outputs (frame and slot are filled in by the worker).
// `setup` is the role's setup object, so a compute can cache what it builds from it (a model, weights).
using ComputeFn = std::function<std::vector<Tensor>(const TaskSpec& task, const std::vector<const Tensor*>& inputs,
                                                    const nlohmann::json& setup)>;
using ComputeRegistry = std::map<std::string, ComputeFn>;

// Computes that need no model: "copy" (each output = input 0), "scale" (each output = input 0 * params.factor),
// "sum" (elementwise sum of all inputs). Enough to exercise the runtime end to end.
ComputeRegistry builtin_computes();

struct WorkerOptions {
  Endpoint listen{"127.0.0.1", 0};
  std::string token;
  ComputeRegistry computes = builtin_computes();
  std::function<void(const std::string&)> log;  // one line per event; default: nothing
};

class Worker {
 public:
  explicit Worker(WorkerOptions options);  // binds the listening socket (port 0: the kernel picks one)
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  Endpoint endpoint() const { return bound_; }
  // Serves connections until a coordinator sends shutdown {exit: true} or stop() is called.
  void serve();
  void stop();

 private:
  struct Connection {
    Socket socket;
    std::mutex write_mutex;
    std::thread thread;
    std::atomic<bool> done{false};
    std::string who = "unknown";
  };
  using Key = std::pair<std::uint32_t, int>;  // (frame, slot)

  void handle(const std::shared_ptr<Connection>& conn);
  void deposit(Tensor t);
  void start_role(RoleSpec role, const std::shared_ptr<Connection>& coordinator);
  void stop_role();
  void execute(const RoleSpec& role, std::shared_ptr<Connection> coordinator);
  std::size_t send_to(int dest, const Tensor& t, const RoleSpec& role, const std::shared_ptr<Connection>& coordinator);
  void send_error(Connection& conn, const std::string& message);
  void log(const std::string& line) const;

  WorkerOptions options_;
  Socket listener_;
  Endpoint bound_;
  std::atomic<bool> stopping_{false};

  std::mutex conns_mutex_;
  std::list<std::shared_ptr<Connection>> conns_;
  std::shared_ptr<Connection> coordinator_;  // the one connection that owns the current role

  std::mutex box_mutex_;
  std::condition_variable box_cv_;
  std::map<Key, std::shared_ptr<const Tensor>> box_;

  std::mutex role_mutex_;
  std::thread executor_;
  std::atomic<bool> role_stop_{false};
  std::mutex peers_mutex_;  // peers_out_ is filled by the executor and shut down by stop_role()
  std::map<int, std::shared_ptr<Connection>> peers_out_;
  std::map<int, LinkPacer> pacers_;  // executor thread only
};

}  // namespace edgesplit::runtime
