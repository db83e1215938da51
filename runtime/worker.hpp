// The emulator's worker: one process per emulated device (`edgesplit worker`). It authenticates whoever connects,
// takes its role from the coordinator, receives input regions from the coordinator and from peer workers, runs each
// task on its own thread through a pluggable compute, paces it to the device's predicted time on one emulated core
// (paced mode) or not (native mode), sends the outputs on, and reports per-task timestamps per frame. A connection
// that breaks the protocol gets an error message and is closed; the worker keeps serving its other connections.
//
// The tasks follow the SimGrid executor's role actors (sim/exec/simgrid_executor.cpp), so that both run the same
// model: each task handles frames in order — all inputs of the frame, compute, then every output transfer, each
// starting its route's latency after the compute ends, concurrently with the others — and starts the next frame once
// its outputs are delivered. Tasks on one worker compute at the same time and share the emulated core.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
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

// A compute may say how much of its time was kernel execution (what the device profiles time) and how much the
// kernels' input and output copies (load / store: layout conversion), from the thread it runs on; the worker reports
// each task's totals as TaskRecord::kernel_s / kernel_io_s, and the rest of the compute call counts as framework.
void add_kernel_time(double execute_s, double io_s = 0);

// Keeps freed memory in this process's heap instead of returning it to the kernel (glibc mallopt: mmap threshold
// 32 MiB, no trimming). A worker allocates every layer's activations afresh each frame; served by mmap, each
// allocation page-faulted anew: ResNet-18 on one worker in native mode took 43 ms per frame, 28 ms of it in the
// kernels' input/output copies, and takes 14.4 ms (3.2 ms) with the memory kept. Call once at process start.
void keep_freed_memory();

// Computes that need no model: "copy" (each output = input 0), "scale" (each output = input 0 * params.factor),
// "sum" (elementwise sum of all inputs). Enough to exercise the runtime end to end.
ComputeRegistry builtin_computes();

// One emulated core shared by the tasks that compute at the same time (processor sharing: n jobs each progress at
// 1/n of the core, as concurrent execs on a 1-core SimGrid host). Times are CLOCK_MONOTONIC seconds.
class CpuShare {
 public:
  void begin(int job, double work_s, double now_s);
  // Blocks until the job's work is done on the shared core; returns that (emulated) completion time.
  double finish(int job);
  void stop();

 private:
  void advance(double now_s);
  std::mutex mutex_;
  std::condition_variable cv_;
  double last_s_ = 0;
  std::map<int, double> remaining_;  // work left per running job
  std::map<int, double> done_at_;    // completion times not yet collected
  bool stopped_ = false;
};

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
  struct Run;
  struct Sender;

  void handle(const std::shared_ptr<Connection>& conn);
  void deposit(Tensor t);
  void start_role(RoleSpec role, const std::shared_ptr<Connection>& coordinator);
  void stop_role();
  void run_task(Run& run, const TaskSpec& task);
  void run_sender(Run& run, Sender& s);
  void fail(Run& run, const std::string& message);
  void halt(Run& run);  // stop flag set, every waiter (inputs, turns, senders, the emulated core) woken
  std::shared_ptr<Connection> connect_peer(const RoleSpec& role, int dest);
  std::shared_ptr<Connection> control_connection(Run& run, int dest);  // unpaced: credits and gates
  void send_credits(Run& run, const TaskSpec& task, std::uint32_t frame);
  void record(Run& run, std::uint32_t frame, const TaskRecord& rec, const std::map<int, std::uint64_t>& bytes);
  void send_error(Connection& conn, const std::string& message);
  void log(const std::string& line) const;

  WorkerOptions options_;
  Socket listener_;
  Endpoint bound_;
  std::atomic<bool> stopping_{false};

  std::mutex conns_mutex_;
  std::list<std::shared_ptr<Connection>> conns_;
  std::shared_ptr<Connection> coordinator_;  // the one connection that owns the current role

  // What arrived: tensors by (frame, slot), and credits by (frame, slot) of the pieces this worker sends.
  std::mutex box_mutex_;
  std::condition_variable box_cv_;
  std::map<Key, std::shared_ptr<const Tensor>> box_;
  std::set<Key> credits_;

  std::mutex role_mutex_;
  std::unique_ptr<Run> run_;
};

}  // namespace edgesplit::runtime
