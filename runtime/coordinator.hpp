// The emulator's coordinator: starts one worker process per emulated device (inside its network namespace when
// there is one), owns and always reaps them, hands out roles, feeds input regions, collects outputs and per-frame
// reports, and notices a dead worker (EOF on its connection or waitpid) and says which worker and frame.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runtime/process.hpp"
#include "runtime/role.hpp"
#include "runtime/socket.hpp"
#include "runtime/wire.hpp"

namespace edgesplit::runtime {

// A worker died or failed (process ended, connection lost, or it reported an error) while `frame` was in flight
// (-1: before the first frame).
class WorkerFailure : public std::runtime_error {
 public:
  WorkerFailure(int worker, long frame, int pid, std::string cause, double detected_s);
  int worker;
  long frame;
  int pid;
  std::string cause;
  double detected_s;  // CLOCK_MONOTONIC time the coordinator noticed
};

struct CoordinatorOptions {
  std::string binary;  // the edgesplit executable that runs `worker`
  std::string token;
  std::string netns;   // the coordinator's own sockets live here ("" = the current namespace)
  double start_timeout_s = 10;
  bool quiet_workers = true;  // discard the workers' stderr logs
};

struct WorkerLaunch {
  int id = 0;
  std::string netns;                // "" = the current namespace
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 0;  // 0: the kernel picks one
};

class Coordinator {
 public:
  explicit Coordinator(CoordinatorOptions options);
  ~Coordinator();  // closes connections, SIGKILLs and reaps every worker still running
  Coordinator(const Coordinator&) = delete;
  Coordinator& operator=(const Coordinator&) = delete;

  // Spawns `edgesplit worker`, reads the endpoint it prints, connects and authenticates.
  void launch(const WorkerLaunch& w);
  int pid(int worker) const;
  Endpoint endpoint(int worker) const;
  std::vector<int> workers() const;

  // Sends role.worker its role and waits for the acknowledgement.
  void assign(const RoleSpec& role, double timeout_s = 10);
  // App-level pacing of what the coordinator sends to `worker` (the AP's downlink in --net pace).
  void set_link(int worker, const LinkSpec& link);
  // Fault attribution: the frame that is in flight from now on.
  void begin_frame(long frame) { frame_ = frame; }
  // Sends an input piece; returns the bytes put on the wire.
  std::size_t send(int worker, const Tensor& t);

  struct Collected {
    std::vector<Tensor> outputs;
    std::vector<double> output_arrival_s;  // when each output's last byte was read (CLOCK_MONOTONIC)
    std::vector<FrameReport> reports;
    double done_s = 0;  // when the last output or report arrived
  };
  // Waits for `outputs` tensors of `frame` and a report from each worker in `reporters`. Throws WorkerFailure when a
  // worker dies or reports an error, std::runtime_error on timeout.
  Collected collect(std::uint32_t frame, std::size_t outputs, const std::set<int>& reporters, double timeout_s);
  // The same, waiting for `reports` frame reports from any workers.
  Collected collect(std::uint32_t frame, std::size_t outputs, std::size_t reports, double timeout_s);
  // Asks every worker to exit, waits up to grace_s, then kills what is left. Reaps all.
  void shutdown(double grace_s = 2.0);

 private:
  struct Event {
    int worker = 0;
    std::optional<Message> message;  // empty: the connection ended
    std::string error;
    double at_s = 0;  // when it was read
  };
  struct Handle {
    int id = 0;
    ChildProcess process;
    Endpoint endpoint;
    Socket control;
    std::mutex write_mutex;
    LinkPacer pacer;
    std::thread reader;
  };

  Handle& handle(int worker);
  const Handle& handle(int worker) const;
  void read_loop(Handle* h);
  // Pops one event (waiting up to timeout_s) and checks every child; throws WorkerFailure for a dead one.
  std::optional<Event> next_event(double timeout_s);
  [[noreturn]] void fail(int worker, const std::string& cause);
  void check_children();

  CoordinatorOptions options_;
  std::map<int, std::unique_ptr<Handle>> workers_;
  long frame_ = -1;

  std::mutex events_mutex_;
  std::condition_variable events_cv_;
  std::deque<Event> events_;
  // Outputs and reports that arrived for frames not yet collected (pipelined runs).
  std::map<std::uint32_t, std::vector<std::pair<Tensor, double>>> early_outputs_;
  std::map<std::uint32_t, std::vector<FrameReport>> early_reports_;
};

}  // namespace edgesplit::runtime
