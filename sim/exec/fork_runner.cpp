// Fork-per-batch runner for the SimGrid executor.
#include "sim/exec/fork_runner.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <sstream>
#include <stdexcept>

#include "sim/exec/simgrid_executor.hpp"

namespace edgesplit {

namespace {

struct Child {
  pid_t pid = -1;
  int fd = -1;
  FILE* err = nullptr;
  std::vector<std::size_t> jobs;
  std::string out;
};

void write_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

Child spawn(const std::vector<SimJob>& all, std::vector<std::size_t> idx) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  FILE* err = std::tmpfile();
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    ::close(fds[0]);
    // The parent's crash handlers (a test framework's, say) must not run in the child: die plainly instead.
    for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTERM}) std::signal(sig, SIG_DFL);
    if (err) ::dup2(fileno(err), STDERR_FILENO);
    int code = 0;
    try {
      std::vector<const SimJob*> jobs;
      for (std::size_t i : idx) jobs.push_back(&all[i]);
      std::vector<RunResult> res = simgrid_run_jobs(jobs);
      std::string out;
      for (const auto& r : res) out += to_json(r).dump() + "\n";
      write_all(fds[1], out);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());
      code = 3;
    }
    ::close(fds[1]);
    std::fflush(stderr);
    ::_exit(code);
  }
  ::close(fds[1]);
  Child c;
  c.pid = pid;
  c.fd = fds[0];
  c.err = err;
  c.jobs = std::move(idx);
  return c;
}

std::string stderr_tail(FILE* err) {
  if (!err) return "";
  std::fflush(err);
  std::rewind(err);
  std::string s;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, err)) > 0) s.append(buf, n);
  std::fclose(err);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  if (s.size() > 1500) s = "..." + s.substr(s.size() - 1500);
  return s;
}

}  // namespace

std::vector<RunResult> run_simgrid_forked(const std::vector<SimJob>& jobs, const ForkOptions& opt) {
  std::vector<RunResult> results(jobs.size());
  std::deque<std::vector<std::size_t>> pending;
  std::size_t bs = static_cast<std::size_t>(std::max(opt.batch_size, 1));
  for (std::size_t i = 0; i < jobs.size(); i += bs) {
    std::vector<std::size_t> b;
    for (std::size_t k = i; k < std::min(i + bs, jobs.size()); ++k) b.push_back(k);
    pending.push_back(std::move(b));
  }
  std::vector<Child> running;
  std::size_t workers = static_cast<std::size_t>(std::max(opt.workers, 1));
  while (!pending.empty() || !running.empty()) {
    while (running.size() < workers && !pending.empty()) {
      running.push_back(spawn(jobs, std::move(pending.front())));
      pending.pop_front();
    }
    std::vector<pollfd> pfds;
    for (const auto& c : running) pfds.push_back({c.fd, POLLIN, 0});
    if (::poll(pfds.data(), pfds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(fmt::format("poll: {}", std::strerror(errno)));
    }
    for (std::size_t i = running.size(); i-- > 0;) {
      if (!(pfds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Child& c = running[i];
      char buf[65536];
      ssize_t n = ::read(c.fd, buf, sizeof buf);
      if (n > 0) {
        c.out.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      // EOF: collect the child.
      ::close(c.fd);
      int status = 0;
      ::waitpid(c.pid, &status, 0);
      std::string err = stderr_tail(c.err);
      std::vector<RunResult> got;
      std::istringstream lines(c.out);
      std::string line;
      while (std::getline(lines, line)) {
        if (line.empty()) continue;
        try {
          got.push_back(run_result_from_json(nlohmann::json::parse(line)));
        } catch (const nlohmann::json::exception&) {
          break;  // a child that died mid-line: treated as a failed batch below
        }
      }
      bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0 && got.size() == c.jobs.size();
      if (clean) {
        for (std::size_t k = 0; k < c.jobs.size(); ++k) results[c.jobs[k]] = std::move(got[k]);
      } else if (c.jobs.size() > 1) {
        for (std::size_t k : c.jobs) pending.push_back({k});  // isolate the job that brings SimGrid down
      } else {
        RunResult& r = results[c.jobs[0]];
        r.scenario = jobs[c.jobs[0]].name;
        r.key = jobs[c.jobs[0]].key;
        r.executor = "simgrid";
        r.status = "error";
        std::string why = WIFSIGNALED(status) ? fmt::format("killed by signal {}", WTERMSIG(status))
                                              : fmt::format("exit status {}", WEXITSTATUS(status));
        r.error = fmt::format("SimGrid child failed ({}){}{}", why, err.empty() ? "" : ": ", err);
      }
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  return results;
}

}  // namespace edgesplit
