// The emulator's worker (see worker.hpp).
#include "runtime/worker.hpp"

#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

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
  role_stop_ = false;
  executor_ = std::thread([this, role = std::move(role), coordinator] { execute(role, coordinator); });
}

void Worker::stop_role() {
  std::lock_guard lock(role_mutex_);
  role_stop_ = true;
  box_cv_.notify_all();
  {
    std::lock_guard plock(peers_mutex_);
    for (auto& [id, c] : peers_out_) c->socket.shutdown_both();
  }
  if (executor_.joinable()) executor_.join();
  std::lock_guard plock(peers_mutex_);
  peers_out_.clear();
  pacers_.clear();
  std::lock_guard block(box_mutex_);
  box_.clear();
}

std::size_t Worker::send_to(int dest, const Tensor& t, const RoleSpec& role,
                            const std::shared_ptr<Connection>& coordinator) {
  auto link = role.links.find(dest);
  LinkPacer* pacer = nullptr;
  if (link != role.links.end() && (link->second.rate_bps > 0 || link->second.latency_s > 0)) {
    auto [it, fresh] = pacers_.try_emplace(dest, link->second.rate_bps, link->second.latency_s);
    pacer = &it->second;
  }
  if (dest == role.worker) {  // same device: through memory, no network
    deposit(t);
    return 0;
  }
  if (dest == kCoordinator) {
    std::lock_guard lock(coordinator->write_mutex);
    return write_tensor(coordinator->socket, t, pacer);
  }
  std::shared_ptr<Connection> out;
  {
    std::lock_guard lock(peers_mutex_);
    auto it = peers_out_.find(dest);
    if (it != peers_out_.end()) out = it->second;
  }
  if (!out) {
    auto where = role.peers.find(dest);
    if (where == role.peers.end()) throw std::runtime_error(fmt::format("no address for peer worker {}", dest));
    out = std::make_shared<Connection>();
    out->socket = connect_tcp(where->second, 5.0);
    out->who = fmt::format("worker {}", dest);
    write_control(out->socket, MessageType::hello, {{"token", options_.token}, {"peer", "worker"}, {"from", role.worker}});
    auto ack = read_message(out->socket);
    if (!ack) throw NetError(fmt::format("worker {} closed the connection during hello", dest));
    if (ack->type == MessageType::error)
      throw std::runtime_error(fmt::format("worker {} refused us: {}", dest, control_body(*ack).value("message", "")));
    std::lock_guard lock(peers_mutex_);
    peers_out_[dest] = out;
  }
  std::lock_guard lock(out->write_mutex);
  return write_tensor(out->socket, t, pacer);
}

void Worker::execute(const RoleSpec& role, std::shared_ptr<Connection> coordinator) {
  try {
    for (std::uint32_t frame = 0;; ++frame) {
      FrameReport report;
      report.worker = role.worker;
      report.frame = frame;
      for (const TaskSpec& task : role.tasks) {
        std::vector<std::shared_ptr<const Tensor>> held;
        {
          std::unique_lock lock(box_mutex_);
          box_cv_.wait(lock, [&] {
            if (role_stop_) return true;
            for (int slot : task.inputs)
              if (!box_.count({frame, slot})) return false;
            return true;
          });
          if (role_stop_) return;
          for (int slot : task.inputs) held.push_back(box_.at({frame, slot}));
        }
        TaskRecord rec;
        rec.task = task.id;
        rec.ready_s = monotonic_s();
        std::vector<const Tensor*> inputs;
        for (const auto& p : held) inputs.push_back(p.get());
        rec.start_s = monotonic_s();
        std::vector<Tensor> outs;
        try {
          outs = options_.computes.at(task.kind)(task, inputs, role.setup);
        } catch (const std::exception& e) {
          throw std::runtime_error(fmt::format("task {} ({}) failed in frame {}: {}", task.id, task.kind, frame, e.what()));
        }
        if (outs.size() != task.outputs.size())
          throw std::runtime_error(fmt::format("task {} ({}) produced {} outputs; its role lists {}", task.id,
                                               task.kind, outs.size(), task.outputs.size()));
        rec.compute_end_s = monotonic_s();
        if (role.mode == PaceMode::paced) {
          rec.overrun = rec.compute_end_s - rec.start_s > task.predicted_s;
          sleep_until_s(rec.start_s + task.predicted_s);
        }
        rec.end_s = monotonic_s();
        for (std::size_t k = 0; k < outs.size(); ++k) {
          outs[k].frame = frame;
          outs[k].slot = task.outputs[k].slot;
          for (int dest : task.outputs[k].to) report.bytes_to[dest] += send_to(dest, outs[k], role, coordinator);
        }
        rec.sent_s = monotonic_s();
        report.tasks.push_back(rec);
      }
      {
        std::lock_guard lock(box_mutex_);
        for (auto it = box_.begin(); it != box_.end();) it = it->first.first == frame ? box_.erase(it) : std::next(it);
      }
      std::lock_guard lock(coordinator->write_mutex);
      write_control(coordinator->socket, MessageType::frame_report, to_json(report));
      if (role.tasks.empty()) return;
    }
  } catch (const std::exception& e) {
    if (role_stop_) return;
    log(fmt::format("role failed: {}", e.what()));
    send_error(*coordinator, e.what());
    coordinator->socket.shutdown_both();
  }
}

}  // namespace edgesplit::runtime
