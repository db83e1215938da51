// Owned child processes (see process.hpp).
#include "runtime/process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "runtime/socket.hpp"

namespace edgesplit::runtime {

ChildProcess ChildProcess::spawn(const std::vector<std::string>& argv, const std::string& netns, bool quiet) {
  if (argv.empty()) throw std::invalid_argument("spawn: empty argv");
  // Everything the child needs is prepared before fork: after fork only async-signal-safe calls are allowed.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int ns_fd = -1;
  if (!netns.empty()) {
    const std::string path = "/var/run/netns/" + netns;
    ns_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0) throw std::runtime_error(fmt::format("open {}: {}", path, std::strerror(errno)));
  }
  int null_fd = quiet ? ::open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  sigset_t no_signals;  // the child starts with nothing blocked, whatever the spawning thread blocks
  sigemptyset(&no_signals);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    ::sigprocmask(SIG_SETMASK, &no_signals, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);  // the parent died before prctl took effect
    if (ns_fd >= 0 && ::setns(ns_fd, CLONE_NEWNET) != 0) ::_exit(125);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    if (null_fd >= 0) ::dup2(null_fd, STDERR_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  if (ns_fd >= 0) ::close(ns_fd);
  if (null_fd >= 0) ::close(null_fd);
  ::close(pipe_fds[1]);
  ChildProcess c;
  c.pid_ = pid;
  c.stdout_fd_ = pipe_fds[0];
  return c;
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept
    : pid_(o.pid_), stdout_fd_(o.stdout_fd_), status_(o.status_), buffered_(std::move(o.buffered_)) {
  o.pid_ = -1;
  o.stdout_fd_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    kill_and_reap();
    pid_ = o.pid_;
    stdout_fd_ = o.stdout_fd_;
    status_ = o.status_;
    buffered_ = std::move(o.buffered_);
    o.pid_ = -1;
    o.stdout_fd_ = -1;
  }
  return *this;
}

bool ChildProcess::exited() {
  if (pid_ < 0 || status_) return true;
  int st = 0;
  pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = st;
    return true;
  }
  return false;
}

bool ChildProcess::wait_exit(double timeout_s) {
  const double until = monotonic_s() + timeout_s;
  while (!exited()) {
    if (monotonic_s() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::string ChildProcess::exit_description() const {
  if (!status_) return "";
  const int st = *status_;
  if (WIFEXITED(st)) return fmt::format("exited with status {}", WEXITSTATUS(st));
  if (WIFSIGNALED(st)) return fmt::format("killed by signal {} ({})", WTERMSIG(st), ::strsignal(WTERMSIG(st)));
  return fmt::format("ended with wait status {}", st);
}

std::string ChildProcess::read_line(double timeout_s) {
  const double until = monotonic_s() + timeout_s;
  for (;;) {
    auto nl = buffered_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    const double left = until - monotonic_s();
    if (left <= 0) throw std::runtime_error(fmt::format("pid {}: no output line within {} s", pid_, timeout_s));
    pollfd p{stdout_fd_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left * 1000) + 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[512];
    ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      wait_exit(1.0);
      throw std::runtime_error(fmt::format("pid {} closed its output before a full line ({})", pid_,
                                           status_ ? exit_description() : "still running"));
    }
    buffered_.append(buf, static_cast<std::size_t>(n));
  }
}

void ChildProcess::kill_and_reap() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    status_ = st;
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  stdout_fd_ = -1;
}

}  // namespace edgesplit::runtime
