// The emulator's worker (see worker.hpp).
#include "runtime/worker.hpp"

#include <fmt/format.h>
#include <malloc.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <deque>
#include <limits>
#include <optional>

#include "runtime/shared_clock.hpp"
#include "sim/common/error.hpp"

namespace edgesplit::runtime {
namespace {

using nlohmann::json;

void sleep_until_s(double t) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(t);
  ts.tv_nsec = static_cast<long>((t - static_cast<double>(ts.tv_sec)) * 1e9);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

// std::condition_variable waits on steady_clock, which is CLOCK_MONOTONIC in libstdc++ on Linux.
std::chrono::steady_clock::time_point steady_at(double monotonic) {
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(monotonic)));
}

const Tensor& first_input(const TaskSpec& task, const std::vector<const Tensor*>& in) {
  if (in.empty()) throw std::runtime_error(fmt::format("compute '{}' needs at least one input", task.kind));
  return *in.front();
}

// Compares in time independent of where the strings differ: the token is a shared secret.
bool same_token(const std::string& given, const std::string& expected) {
  if (given.size() != expected.size() || expected.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < given.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
  return diff == 0;
}

}  // namespace

ComputeRegistry builtin_computes() {
  ComputeRegistry r;
  r["copy"] = [](const TaskSpec& task, const std::vector<const Tensor*>& in, const json&) {
    return std::vector<Tensor>(task.outputs.size(), first_input(task, in));
  };
  r["scale"] = [](const TaskSpec& task, const std::vector<const Tensor*>& in, const json&) {
    Tensor t = first_input(task, in);
    const float f = task.params.value("factor", 1.0f);
    for (float& v : t.values) v *= f;
    return std::vector<Tensor>(task.outputs.size(), t);
  };
  r["sum"] = [](const TaskSpec& task, const std::vector<const Tensor*>& in, const json&) {
    Tensor t = first_input(task, in);
    for (std::size_t k = 1; k < in.size(); ++k) {
      if (in[k]->values.size() != t.values.size())
        throw std::runtime_error(fmt::format("sum: input {} has {} values, input 0 has {}", k, in[k]->values.size(),
                                             t.values.size()));
      for (std::size_t i = 0; i < t.values.size(); ++i) t.values[i] += in[k]->values[i];
    }
    return std::vector<Tensor>(task.outputs.size(), t);
  };
  return r;
}

namespace {
thread_local double task_kernel_s = 0, task_kernel_io_s = 0;  // add_kernel_time() during the current compute call
}  // namespace

void keep_freed_memory() {
  ::mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);  // glibc's upper limit on 64-bit
  ::mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
}

void add_kernel_time(double execute_s, double io_s) {
  task_kernel_s += execute_s;
  task_kernel_io_s += io_s;
}

// ---- CpuShare ----------------------------------------------------------------------------------------------------

void CpuShare::advance(double now) {
  // Replays the shared core from last_s_ to now: with n jobs each gets 1/n; the smallest remaining ends first.
  while (!remaining_.empty()) {
    const double n = static_cast<double>(remaining_.size());
    double least = remaining_.begin()->second;
    for (const auto& [id, w] : remaining_) least = std::min(least, w);
    const double ends = last_s_ + least * n;
    if (ends > now) {
      for (auto& [id, w] : remaining_) w -= (now - last_s_) / n;
      last_s_ = now;
      return;
    }
    for (auto it = remaining_.begin(); it != remaining_.end();) {
      it->second -= least;
      if (it->second <= 1e-12) {
        done_at_[it->first] = ends;
        it = remaining_.erase(it);
      } else {
        ++it;
      }
    }
    last_s_ = ends;
  }
  last_s_ = std::max(last_s_, now);
}

void CpuShare::begin(int job, double work_s, double now) {
  std::lock_guard lock(mutex_);
  advance(now);
  if (work_s > 0)
    remaining_[job] = work_s;
  else
    done_at_[job] = now;
  cv_.notify_all();  // the others' completion times move
}

double CpuShare::finish(int job) {
  std::unique_lock lock(mutex_);
  for (;;) {
    const double now = monotonic_s();
    advance(now);
    if (auto it = done_at_.find(job); it != done_at_.end()) {
      const double t = it->second;
      done_at_.erase(it);
      cv_.notify_all();
      return t;
    }
    if (stopped_ || !remaining_.count(job)) return now;
    const double ends = now + remaining_.at(job) * static_cast<double>(remaining_.size());
    cv_.wait_until(lock, steady_at(ends));
  }
}

void CpuShare::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  cv_.notify_all();
}

// ---- the current role ----------------------------------------------------------------------------------------------

// Sends one task's outputs to one peer worker: its own connection and link pacer, a queue of transfers (one per
// frame), each started no earlier than its not_before (the task's end + the route's latency).
struct Worker::Sender {
  int task = 0;
  int dest = 0;
  std::shared_ptr<Connection> conn;
  LinkPacer pacer;
  std::thread thread;
  std::mutex mutex;
  std::condition_variable cv;
  struct Job {
    std::uint32_t frame = 0;
    double not_before_s = 0;
    std::vector<Tensor> messages;
  };
  std::deque<Job> queue;
  std::uint64_t submitted = 0, completed = 0;
};

struct Worker::Run {
  RoleSpec role;
  std::shared_ptr<Connection> coordinator;
  std::atomic<bool> stop{false};
  CpuShare cpu;
  SharedClocks clocks;
  std::vector<std::thread> tasks;
  std::map<std::pair<int, int>, std::unique_ptr<Sender>> senders;  // (task, destination worker)
  std::mutex peers_mutex;
  std::map<int, std::shared_ptr<Connection>> control;  // credits to producers
  std::mutex reports_mutex;
  std::map<std::uint32_t, FrameReport> reports;  // frames some task has not finished yet
  std::mutex failed_mutex;
  bool failed = false;
  // RoleSpec::sequential: the ring's turn counter; task k of the ring computes frame f at turn f * n + k.
  std::mutex turn_mutex;
  std::condition_variable turn_cv;
  std::uint64_t turn = 0;
};

Worker::Worker(WorkerOptions options) : options_(std::move(options)) {
  listener_ = listen_tcp(options_.listen);
  bound_ = local_endpoint(listener_);
}

Worker::~Worker() {
  stop();
  stop_role();
  std::list<std::shared_ptr<Connection>> conns;
  {
    std::lock_guard lock(conns_mutex_);
    conns.swap(conns_);
  }
  for (auto& c : conns)
    if (c->thread.joinable()) c->thread.join();
}

void Worker::log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

void Worker::stop() {
  stopping_ = true;
  listener_.shutdown_both();
  std::lock_guard lock(conns_mutex_);
  for (auto& c : conns_) c->socket.shutdown_both();
}

void Worker::serve() {
  while (!stopping_) {
    Socket s;
    try {
      s = accept_tcp(listener_);
    } catch (const NetError& e) {
      if (!stopping_) log(fmt::format("accept failed: {}", e.what()));
      break;
    }
    auto conn = std::make_shared<Connection>();
    conn->socket = std::move(s);
    std::lock_guard lock(conns_mutex_);
    // Join the threads of connections that have ended, so a long-lived worker does not accumulate them.
    for (auto it = conns_.begin(); it != conns_.end();) {
      if ((*it)->done) {
        (*it)->thread.join();
        it = conns_.erase(it);
      } else {
        ++it;
      }
    }
    if (stopping_) break;
    conns_.push_back(conn);
    conn->thread = std::thread([this, conn] { handle(conn); });
  }
}

void Worker::send_error(Connection& conn, const std::string& message) {
  try {
    std::lock_guard lock(conn.write_mutex);
    write_control(conn.socket, MessageType::error, {{"message", message}});
  } catch (const std::exception&) {
    // The peer may already be gone; the connection is closed either way.
  }
}

void Worker::handle(const std::shared_ptr<Connection>& conn) {
  bool is_coordinator = false;
  bool exit_requested = false;
  try {
    auto first = read_message(conn->socket);
    if (!first) throw NetError("closed before hello");
    if (first->type != MessageType::hello)
      throw WireError(fmt::format("expected a hello message first, got {}", type_name(first->type)));
    const json hello = control_body(*first);
    if (!hello.contains("token") || !hello["token"].is_string() ||
        !same_token(hello["token"].get<std::string>(), options_.token))
      throw WireError("bad token");
    const std::string peer = hello.value("peer", "");
    if (peer != "coordinator" && peer != "worker")
      throw WireError(fmt::format("hello: key 'peer' is '{}'; expected coordinator or worker", peer));
    if (peer == "coordinator") {
      std::lock_guard lock(conns_mutex_);
      if (coordinator_) throw WireError("busy: another coordinator holds this worker");
      coordinator_ = conn;
      is_coordinator = true;
    }
    conn->who = peer == "coordinator" ? "coordinator" : fmt::format("worker {}", hello.value("from", -1));
    {
      std::lock_guard lock(conn->write_mutex);
      write_control(conn->socket, MessageType::hello_ack, {{"pid", static_cast<int>(::getpid())}, {"version", kWireVersion}});
    }
    log(fmt::format("{} connected", conn->who));
    while (auto m = read_message(conn->socket)) {
      if (m->type == MessageType::tensor) {
        deposit(decode_tensor(m->payload));
      } else if (!is_coordinator && m->type == MessageType::credit) {
        const json c = control_body(*m);
        if (!c.contains("frame") || !c["frame"].is_number_unsigned() || !c.contains("slots") || !c["slots"].is_array())
          throw WireError("credit: expected {frame: unsigned, slots: [slot]}");
        {
          std::lock_guard lock(box_mutex_);
          for (const auto& s : c["slots"]) credits_.insert({c["frame"].get<std::uint32_t>(), s.get<int>()});
        }
        box_cv_.notify_all();
      } else if (is_coordinator && m->type == MessageType::role) {
        RoleSpec role = role_from_json(control_body(*m));
        for (const auto& t : role.tasks)
          if (!options_.computes.count(t.kind)) {
            std::vector<std::string> known;
            for (const auto& [k, f] : options_.computes) known.push_back(k);
            throw WireError(fmt::format("role: task {}: {}", t.id, unknown_name_message("compute", t.kind, known)));
          }
        const json ack = {{"worker", role.worker}, {"tasks", role.tasks.size()}};
        start_role(std::move(role), conn);
        std::lock_guard lock(conn->write_mutex);
        write_control(conn->socket, MessageType::role_ack, ack);
      } else if (is_coordinator && m->type == MessageType::shutdown) {
        exit_requested = control_body(*m).value("exit", false);
        break;
      } else {
        throw WireError(fmt::format("unexpected {} message from {}", type_name(m->type), conn->who));
      }
    }
  } catch (const WireError& e) {
    log(fmt::format("rejected a message from {}: {}", conn->who, e.what()));
    send_error(*conn, e.what());
  } catch (const NetError& e) {
    log(fmt::format("connection to {} failed: {}", conn->who, e.what()));
  } catch (const std::exception& e) {
    log(fmt::format("connection to {} ended: {}", conn->who, e.what()));
    send_error(*conn, e.what());
  }
  if (is_coordinator) {
    stop_role();
    std::lock_guard lock(conns_mutex_);
    coordinator_.reset();
  }
  log(fmt::format("{} disconnected", conn->who));
  conn->socket.shutdown_both();
  conn->done = true;
  if (exit_requested) stop();
}

void Worker::deposit(Tensor t) {
  const Key key{t.frame, t.slot};
  auto p = std::make_shared<const Tensor>(std::move(t));
  {
    std::lock_guard lock(box_mutex_);
    box_[key] = std::move(p);
  }
  box_cv_.notify_all();
}

void Worker::start_role(RoleSpec role, const std::shared_ptr<Connection>& coordinator) {
  stop_role();
  std::lock_guard lock(role_mutex_);
  auto run = std::make_unique<Run>();
  run->role = std::move(role);
  run->coordinator = coordinator;
  if (!run->role.clocks.empty()) run->clocks = SharedClocks::open(run->role.clocks);
  Run& r = *run;
  for (const TaskSpec& t : r.role.tasks) {
    std::set<int> dests;
    for (const auto& o : t.outputs)
      for (int d : o.to)
        if (d != kCoordinator && d != r.role.worker) dests.insert(d);
    for (int d : dests) {
      auto s = std::make_unique<Sender>();
      s->task = t.id;
      s->dest = d;
      if (auto l = r.role.links.find(d); l != r.role.links.end()) {
        std::vector<LinkPacer::Occupancy> uses;
        if (l->second.air_s_per_byte > 0) uses.push_back({SharedClocks::air, l->second.air_s_per_byte});
        if (l->second.wan != 0) uses.push_back({l->second.wan, l->second.wan_s_per_byte});
        if (!uses.empty() && r.clocks.valid())
          s->pacer = LinkPacer(&r.clocks, std::move(uses), 0);
        else if (l->second.rate_bps > 0)
          s->pacer = LinkPacer(l->second.rate_bps, 0);  // the latency is waited per transfer (not_before)
      }
      r.senders[{t.id, d}] = std::move(s);
    }
  }
  for (auto& [key, s] : r.senders) {
    Sender* sp = s.get();
    sp->thread = std::thread([this, &r, sp] { run_sender(r, *sp); });
  }
  if (r.role.tasks.empty()) {
    // Nothing to do: one empty report says so.
    FrameReport rep;
    rep.worker = r.role.worker;
    std::lock_guard wl(coordinator->write_mutex);
    try {
      write_control(coordinator->socket, MessageType::frame_report, to_json(rep));
    } catch (const std::exception&) {
    }
  }
  for (const TaskSpec& t : r.role.tasks) r.tasks.emplace_back([this, &r, &t] { run_task(r, t); });
  run_ = std::move(run);
}

void Worker::stop_role() {
  std::lock_guard lock(role_mutex_);
  if (!run_) return;
  Run& r = *run_;
  halt(r);
  for (auto& [key, s] : r.senders) {
    std::shared_ptr<Connection> c;
    {
      std::lock_guard sl(s->mutex);
      c = s->conn;
    }
    if (c) c->socket.shutdown_both();
  }
  {
    std::lock_guard pl(r.peers_mutex);
    for (auto& [id, c] : r.control) c->socket.shutdown_both();
  }
  for (auto& t : r.tasks)
    if (t.joinable()) t.join();
  for (auto& [key, s] : r.senders)
    if (s->thread.joinable()) s->thread.join();
  run_.reset();
  std::lock_guard block(box_mutex_);
  box_.clear();
  credits_.clear();
}

void Worker::fail(Run& run, const std::string& message) {
  {
    std::lock_guard lock(run.failed_mutex);
    if (run.failed || run.stop) return;
    run.failed = true;
  }
  log(fmt::format("role failed: {}", message));
  send_error(*run.coordinator, message);
  // The coordinator's connection handler sees the end and stops the role (joining this thread from there).
  run.coordinator->socket.shutdown_both();
  halt(run);
}

void Worker::halt(Run& run) {
  run.stop = true;
  run.cpu.stop();
  box_cv_.notify_all();
  {
    std::lock_guard lock(run.turn_mutex);  // no waiter misses the stop between its check and its wait
  }
  run.turn_cv.notify_all();
  for (auto& [key, s] : run.senders) {
    {
      std::lock_guard lock(s->mutex);
    }
    s->cv.notify_all();
  }
}

std::shared_ptr<Worker::Connection> Worker::connect_peer(const RoleSpec& role, int dest) {
  auto where = role.peers.find(dest);
  if (where == role.peers.end()) throw std::runtime_error(fmt::format("no address for peer worker {}", dest));
  auto out = std::make_shared<Connection>();
  out->socket = connect_tcp(where->second, 5.0);
  out->who = fmt::format("worker {}", dest);
  write_control(out->socket, MessageType::hello, {{"token", options_.token}, {"peer", "worker"}, {"from", role.worker}});
  auto ack = read_message(out->socket);
  if (!ack) throw NetError(fmt::format("worker {} closed the connection during hello", dest));
  if (ack->type == MessageType::error)
    throw std::runtime_error(fmt::format("worker {} refused us: {}", dest, control_body(*ack).value("message", "")));
  return out;
}

std::shared_ptr<Worker::Connection> Worker::control_connection(Run& run, int dest) {
  std::lock_guard lock(run.peers_mutex);
  auto& slot = run.control[dest];
  if (!slot) slot = connect_peer(run.role, dest);
  return slot;
}

void Worker::send_credits(Run& run, const TaskSpec& task, std::uint32_t frame) {
  std::map<int, std::vector<int>> by_producer;
  for (std::size_t i = 0; i < task.inputs.size() && i < task.sources.size(); ++i)
    if (task.sources[i] != kCoordinator && task.sources[i] != run.role.worker)
      by_producer[task.sources[i]].push_back(task.inputs[i]);
  for (const auto& [producer, slots] : by_producer) {
    auto c = control_connection(run, producer);
    std::lock_guard lock(c->write_mutex);
    write_control(c->socket, MessageType::credit, {{"frame", frame}, {"slots", slots}});
  }
}

void Worker::record(Run& run, std::uint32_t frame, const TaskRecord& rec, const std::map<int, std::uint64_t>& bytes) {
  std::optional<FrameReport> complete;
  {
    std::lock_guard lock(run.reports_mutex);
    FrameReport& r = run.reports[frame];
    r.worker = run.role.worker;
    r.frame = frame;
    r.tasks.push_back(rec);
    for (const auto& [to, b] : bytes) r.bytes_to[to] += b;
    if (r.tasks.size() == run.role.tasks.size()) {
      std::sort(r.tasks.begin(), r.tasks.end(), [](const TaskRecord& a, const TaskRecord& b) { return a.task < b.task; });
      complete = std::move(r);
      run.reports.erase(frame);
    }
  }
  if (complete) {
    std::lock_guard lock(run.coordinator->write_mutex);
    write_control(run.coordinator->socket, MessageType::frame_report, to_json(*complete));
  }
}

void Worker::run_sender(Run& run, Sender& s) {
  try {
    for (;;) {
      Sender::Job job;
      {
        std::unique_lock lock(s.mutex);
        s.cv.wait(lock, [&] { return run.stop || !s.queue.empty(); });
        if (run.stop) return;
        job = std::move(s.queue.front());
        s.queue.pop_front();
      }
      // The route's latency (no netem on this kernel): the transfer starts latency after the task ended.
      {
        std::unique_lock lock(s.mutex);
        s.cv.wait_until(lock, steady_at(job.not_before_s), [&] { return run.stop.load(); });
        if (run.stop) return;
      }
      sleep_until_s(job.not_before_s);  // the condition variable may wake a little early
      if (!s.conn) {
        auto c = connect_peer(run.role, s.dest);
        std::lock_guard lock(s.mutex);
        s.conn = std::move(c);
      }
      std::uint64_t bytes = 0;
      for (const Tensor& t : job.messages) {
        if (run.role.pipelined) {
          // Rendezvous: the receiver has begun this frame.
          std::unique_lock lock(box_mutex_);
          box_cv_.wait(lock, [&] { return run.stop || credits_.count({job.frame, t.slot}) > 0; });
          if (run.stop) return;
          credits_.erase({job.frame, t.slot});
        }
        std::lock_guard lock(s.conn->write_mutex);
        if (s.pacer.paces_bytes()) s.pacer.begin_message();
        bytes += write_tensor(s.conn->socket, t, s.pacer.paces_bytes() ? &s.pacer : nullptr);
      }
      if (run.role.pipelined)
        // Delivered, not only buffered: the next frame's transfer must not overlap this one in the socket.
        while (!run.stop && s.conn->socket.unacked_bytes() > 0) sleep_until_s(monotonic_s() + 1e-4);
      {
        std::lock_guard lock(run.reports_mutex);
        run.reports[job.frame].bytes_to[s.dest] += bytes;
      }
      {
        std::lock_guard lock(s.mutex);
        ++s.completed;
      }
      s.cv.notify_all();
    }
  } catch (const std::exception& e) {
    fail(run, fmt::format("task {}: sending to worker {} failed: {}", s.task, s.dest, e.what()));
  }
}

void Worker::run_task(Run& run, const TaskSpec& task) {
  const RoleSpec& role = run.role;
  const auto in_ring = std::find(role.sequential.begin(), role.sequential.end(), task.id);
  const int ring_pos = in_ring == role.sequential.end() ? -1 : static_cast<int>(in_ring - role.sequential.begin());
  const std::uint64_t ring_size = role.sequential.size();
  try {
    for (std::uint32_t frame = 0;; ++frame) {
      if (role.pipelined) send_credits(run, task, frame);
      std::vector<std::shared_ptr<const Tensor>> held;
      {
        std::unique_lock lock(box_mutex_);
        box_cv_.wait(lock, [&] {
          if (run.stop) return true;
          for (int slot : task.inputs)
            if (!box_.count({frame, slot})) return false;
          for (int slot : task.gates)
            if (!box_.count({frame, slot})) return false;
          return true;
        });
        if (run.stop) return;
        for (int slot : task.inputs) held.push_back(box_.at({frame, slot}));
        for (int slot : task.inputs) box_.erase({frame, slot});
        for (int slot : task.gates) box_.erase({frame, slot});
      }
      TaskRecord rec;
      rec.task = task.id;
      rec.ready_s = monotonic_s();
      if (ring_pos >= 0) {  // a sequential device: wait for the previous task in the ring to have computed
        const std::uint64_t mine = static_cast<std::uint64_t>(frame) * ring_size + static_cast<std::uint64_t>(ring_pos);
        std::unique_lock lock(run.turn_mutex);
        run.turn_cv.wait(lock, [&] { return run.stop || run.turn == mine; });
        if (run.stop) return;
      }
      rec.start_s = monotonic_s();
      if (role.mode == PaceMode::paced) run.cpu.begin(task.id, task.predicted_s, rec.start_s);
      std::vector<const Tensor*> inputs;
      for (const auto& p : held) inputs.push_back(p.get());
      std::vector<Tensor> outs;
      task_kernel_s = task_kernel_io_s = 0;
      try {
        outs = options_.computes.at(task.kind)(task, inputs, role.setup);
      } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("task {} ({}) failed in frame {}: {}", task.id, task.kind, frame, e.what()));
      }
      if (outs.size() != task.outputs.size())
        throw std::runtime_error(fmt::format("task {} ({}) produced {} outputs; its role lists {}", task.id,
                                             task.kind, outs.size(), task.outputs.size()));
      held.clear();
      rec.compute_end_s = monotonic_s();
      rec.kernel_s = task_kernel_s;
      rec.kernel_io_s = task_kernel_io_s;
      if (role.mode == PaceMode::paced) {
        const double done = run.cpu.finish(task.id);
        if (run.stop) return;
        rec.overrun = task.predicted_s > 0 && rec.compute_end_s > done;
      }
      rec.end_s = monotonic_s();
      if (ring_pos >= 0) {  // sending does not hold the device
        {
          std::lock_guard lock(run.turn_mutex);
          ++run.turn;
        }
        run.turn_cv.notify_all();
      }
      for (const auto& o : task.opens) {
        Tensor g;
        g.frame = frame + 1;
        g.slot = o.slot;
        g.c = g.h = g.w = g.full_h = g.full_w = 1;
        g.values = {0.f};
        for (int dest : o.to) {
          if (dest == role.worker) {
            deposit(g);
          } else if (dest != kCoordinator) {
            auto c = control_connection(run, dest);
            std::lock_guard lock(c->write_mutex);
            write_tensor(c->socket, g);
          }
        }
      }
      // Outputs: same worker through memory, the coordinator directly, peers through their senders.
      std::map<int, std::uint64_t> bytes;
      std::map<int, std::vector<Tensor>> remote;
      for (std::size_t k = 0; k < outs.size(); ++k) {
        outs[k].frame = frame;
        outs[k].slot = task.outputs[k].slot;
        for (int dest : task.outputs[k].to) {
          if (dest == role.worker) {
            deposit(outs[k]);
          } else if (dest == kCoordinator) {
            std::lock_guard lock(run.coordinator->write_mutex);
            bytes[dest] += write_tensor(run.coordinator->socket, outs[k]);
          } else {
            remote[dest].push_back(outs[k]);
          }
        }
      }
      std::vector<std::pair<Sender*, std::uint64_t>> waits;
      for (auto& [dest, msgs] : remote) {
        Sender& s = *run.senders.at({task.id, dest});
        const auto link = role.links.find(dest);
        const double latency = link == role.links.end() ? 0.0 : link->second.latency_s;
        {
          std::lock_guard lock(s.mutex);
          s.queue.push_back({frame, rec.end_s + latency, std::move(msgs)});
          waits.push_back({&s, ++s.submitted});
        }
        s.cv.notify_all();
      }
      for (auto& [s, ticket] : waits) {
        std::unique_lock lock(s->mutex);
        s->cv.wait(lock, [&] { return run.stop || s->completed >= ticket; });
        if (run.stop) return;
      }
      rec.sent_s = monotonic_s();
      record(run, frame, rec, bytes);
    }
  } catch (const std::exception& e) {
    fail(run, e.what());
  }
}

}  // namespace edgesplit::runtime
