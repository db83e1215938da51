// The emulator's coordinator (see coordinator.hpp).
#include "runtime/coordinator.hpp"

#include <fmt/format.h>

#include "runtime/netns.hpp"

namespace edgesplit::runtime {

WorkerFailure::WorkerFailure(int worker_, long frame_, int pid_, std::string cause_, double detected_s_)
    : std::runtime_error(fmt::format("worker {} (pid {}) failed {}: {}", worker_, pid_,
                                     frame_ < 0 ? std::string("before the first frame")
                                                : fmt::format("during frame {}", frame_),
                                     cause_)),
      worker(worker_),
      frame(frame_),
      pid(pid_),
      cause(std::move(cause_)),
      detected_s(detected_s_) {}

Coordinator::Coordinator(CoordinatorOptions options) : options_(std::move(options)) {}

Coordinator::~Coordinator() {
  for (auto& [id, h] : workers_) h->control.shutdown_both();
  for (auto& [id, h] : workers_) h->process.kill_and_reap();
  for (auto& [id, h] : workers_)
    if (h->reader.joinable()) h->reader.join();
}

Coordinator::Handle& Coordinator::handle(int worker) {
  auto it = workers_.find(worker);
  if (it == workers_.end()) throw std::out_of_range(fmt::format("no worker {}", worker));
  return *it->second;
}
const Coordinator::Handle& Coordinator::handle(int worker) const {
  auto it = workers_.find(worker);
  if (it == workers_.end()) throw std::out_of_range(fmt::format("no worker {}", worker));
  return *it->second;
}

int Coordinator::pid(int worker) const { return handle(worker).process.pid(); }
Endpoint Coordinator::endpoint(int worker) const { return handle(worker).endpoint; }
std::vector<int> Coordinator::workers() const {
  std::vector<int> ids;
  for (const auto& [id, h] : workers_) ids.push_back(id);
  return ids;
}

void Coordinator::launch(const WorkerLaunch& w) {
  if (workers_.count(w.id)) throw std::invalid_argument(fmt::format("worker {} launched twice", w.id));
  auto h = std::make_unique<Handle>();
  h->id = w.id;
  // The token travels in argv only for emulation on one host (the workers are ours); see docs/formats.md.
  h->process = ChildProcess::spawn({options_.binary, "worker", "--listen",
                                    w.listen_host + ":" + std::to_string(w.listen_port), "--token",
                                    options_.token, "--id", std::to_string(w.id)},
                                   w.netns, options_.quiet_workers);
  Handle& ref = *h;
  workers_[w.id] = std::move(h);  // owned from here: a failure below still kills and reaps it
  std::string line;
  try {
    line = ref.process.read_line(options_.start_timeout_s);
  } catch (const std::exception& e) {
    fail(w.id, e.what());
  }
  // "edgesplit worker listening on HOST:PORT pid N"
  const std::string marker = "listening on ";
  auto at = line.find(marker);
  if (at == std::string::npos) fail(w.id, fmt::format("unexpected first line '{}'", line));
  ref.endpoint = parse_endpoint(line.substr(at + marker.size(), line.find(' ', at + marker.size()) - at - marker.size()),
                                "worker endpoint");
  auto connect = [&] { ref.control = connect_tcp(ref.endpoint, options_.start_timeout_s); };
  try {
    if (options_.netns.empty())
      connect();
    else
      run_in_netns(options_.netns, connect);
    write_control(ref.control, MessageType::hello, {{"token", options_.token}, {"peer", "coordinator"}});
    auto ack = read_message(ref.control);
    if (!ack) throw NetError("closed during hello");
    if (ack->type == MessageType::error) throw NetError("refused: " + control_body(*ack).value("message", ""));
    if (ack->type != MessageType::hello_ack) throw NetError("answered hello with " + type_name(ack->type));
  } catch (const std::exception& e) {
    fail(w.id, e.what());
  }
  ref.reader = std::thread([this, p = &ref] { read_loop(p); });
}

void Coordinator::read_loop(Handle* h) {
  Event end;
  end.worker = h->id;
  try {
    while (auto m = read_message(h->control)) {
      Event e;
      e.worker = h->id;
      e.message = std::move(m);
      e.at_s = monotonic_s();
      {
        std::lock_guard lock(events_mutex_);
        events_.push_back(std::move(e));
      }
      events_cv_.notify_all();
    }
    end.error = "closed its connection";
  } catch (const std::exception& e) {
    end.error = fmt::format("connection failed: {}", e.what());
  }
  {
    std::lock_guard lock(events_mutex_);
    events_.push_back(std::move(end));
  }
  events_cv_.notify_all();
}

void Coordinator::fail(int worker, const std::string& cause) {
  const double now = monotonic_s();
  Handle& h = handle(worker);
  std::string why = cause;
  // A lost connection usually means the process died: give it a moment to be reaped, then name the cause.
  if (h.process.wait_exit(0.2)) why = fmt::format("{} ({})", h.process.exit_description(), cause);
  throw WorkerFailure(worker, frame_, h.process.pid(), why, now);
}

void Coordinator::check_children() {
  for (auto& [id, h] : workers_)
    if (h->process.exited()) {
      const double now = monotonic_s();
      throw WorkerFailure(id, frame_, h->process.pid(), h->process.exit_description(), now);
    }
}

std::optional<Coordinator::Event> Coordinator::next_event(double timeout_s) {
  check_children();
  std::unique_lock lock(events_mutex_);
  if (!events_cv_.wait_for(lock, std::chrono::duration<double>(timeout_s), [&] { return !events_.empty(); }))
    return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  lock.unlock();
  if (!e.message) fail(e.worker, e.error);
  if (e.message->type == MessageType::error)
    fail(e.worker, fmt::format("reported: {}", control_body(*e.message).value("message", "")));
  return e;
}

void Coordinator::assign(const RoleSpec& role, double timeout_s) {
  Handle& h = handle(role.worker);
  try {
    std::lock_guard lock(h.write_mutex);
    write_control(h.control, MessageType::role, to_json(role));
  } catch (const NetError& e) {
    fail(role.worker, e.what());
  }
  const double until = monotonic_s() + timeout_s;
  while (monotonic_s() < until) {
    auto e = next_event(0.05);
    if (!e) continue;
    if (e->worker == role.worker && e->message->type == MessageType::role_ack) return;
    throw std::runtime_error(fmt::format("worker {} sent {} while roles were assigned", e->worker,
                                         type_name(e->message->type)));
  }
  throw std::runtime_error(fmt::format("worker {} did not acknowledge its role within {} s", role.worker, timeout_s));
}

void Coordinator::set_link(int worker, const LinkSpec& link) {
  handle(worker).pacer = LinkPacer(link.rate_bps, link.latency_s);
}

std::size_t Coordinator::send(int worker, const Tensor& t) {
  Handle& h = handle(worker);
  try {
    std::lock_guard lock(h.write_mutex);
    return write_tensor(h.control, t, h.pacer.active() ? &h.pacer : nullptr);
  } catch (const NetError& e) {
    fail(worker, e.what());
  }
}

Coordinator::Collected Coordinator::collect(std::uint32_t frame, std::size_t outputs, const std::set<int>& reporters,
                                            double timeout_s) {
  return collect(frame, outputs, reporters.size(), timeout_s);
}

Coordinator::Collected Coordinator::collect(std::uint32_t frame, std::size_t outputs, std::size_t reports,
                                            double timeout_s) {
  Collected c;
  if (auto it = early_outputs_.find(frame); it != early_outputs_.end()) {
    for (auto& [t, at] : it->second) {
      c.outputs.push_back(std::move(t));
      c.output_arrival_s.push_back(at);
    }
    early_outputs_.erase(it);
  }
  if (auto it = early_reports_.find(frame); it != early_reports_.end()) {
    c.reports = std::move(it->second);
    early_reports_.erase(it);
  }
  const double until = monotonic_s() + timeout_s;
  while (c.outputs.size() < outputs || c.reports.size() < reports) {
    if (monotonic_s() > until)
      throw std::runtime_error(fmt::format("frame {}: {} of {} outputs and {} of {} reports after {} s", frame,
                                           c.outputs.size(), outputs, c.reports.size(), reports, timeout_s));
    auto e = next_event(0.05);
    if (!e) continue;
    const Message& m = *e->message;
    if (m.type == MessageType::tensor) {
      Tensor t = decode_tensor(m.payload);
      if (t.frame == frame) {
        c.outputs.push_back(std::move(t));
        c.output_arrival_s.push_back(e->at_s);
      } else {
        early_outputs_[t.frame].emplace_back(std::move(t), e->at_s);
      }
    } else if (m.type == MessageType::frame_report) {
      FrameReport r = frame_report_from_json(control_body(m));
      if (r.frame == frame)
        c.reports.push_back(std::move(r));
      else
        early_reports_[r.frame].push_back(std::move(r));
    } else {
      throw std::runtime_error(fmt::format("worker {} sent an unexpected {} message", e->worker, type_name(m.type)));
    }
    c.done_s = monotonic_s();
  }
  return c;
}

void Coordinator::shutdown(double grace_s) {
  for (auto& [id, h] : workers_) {
    try {
      std::lock_guard lock(h->write_mutex);
      write_control(h->control, MessageType::shutdown, {{"exit", true}});
    } catch (const std::exception&) {
      // Already gone: reaped below.
    }
  }
  const double until = monotonic_s() + grace_s;
  for (auto& [id, h] : workers_) h->process.wait_exit(std::max(0.0, until - monotonic_s()));
  for (auto& [id, h] : workers_) {
    h->control.shutdown_both();
    h->process.kill_and_reap();
  }
  for (auto& [id, h] : workers_)
    if (h->reader.joinable()) h->reader.join();
}

}  // namespace edgesplit::runtime
