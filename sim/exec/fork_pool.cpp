// Fork pool: batches of items in children, one line per finished item through a pipe.
#include "sim/exec/fork_pool.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <set>
#include <stdexcept>

namespace edgesplit {

namespace {

struct Child {
  pid_t pid = -1;
  int fd = -1;
  FILE* err = nullptr;
  std::vector<std::size_t> items;
  std::set<std::size_t> reported;
  std::string partial;  // bytes after the last newline
};

void write_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ::_exit(4);  // the parent is gone
    off += static_cast<std::size_t>(n);
  }
}

Child spawn(std::vector<std::size_t> items, const ForkPoolOptions& opt, const BatchFn& batch) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  FILE* err = std::tmpfile();
  pid_t parent = ::getpid();
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    ::close(fds[0]);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(5);  // the parent died before prctl took effect
    // The parent's crash handlers (a test framework's, say) must not run in the child: die plainly instead.
    for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTERM, SIGALRM, SIGINT}) std::signal(sig, SIG_DFL);
    if (err) ::dup2(fileno(err), STDERR_FILENO);
    if (opt.timeout_per_item_s > 0)
      ::alarm(static_cast<unsigned>(std::ceil(opt.timeout_per_item_s * static_cast<double>(items.size()))));
    int code = 0;
    try {
      batch(items, [&](std::size_t item, const std::string& payload) {
        write_all(fds[1], fmt::format("{}\t{}\n", item, payload));
      });
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
  c.items = std::move(items);
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

std::string death_reason(int status, const ForkPoolOptions& opt, const std::string& err) {
  std::string why;
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    why = sig == SIGALRM ? fmt::format("time limit of {} s exceeded", opt.timeout_per_item_s)
                         : fmt::format("worker killed by signal {} ({})", sig, strsignal(sig));
  } else {
    why = fmt::format("worker exited with code {} before reporting", WEXITSTATUS(status));
  }
  if (!err.empty()) why += ": " + err;
  std::replace(why.begin(), why.end(), '\n', ' ');
  return why;
}

}  // namespace

void run_fork_pool(const std::vector<std::size_t>& items, const ForkPoolOptions& opt, const BatchFn& batch,
                   const ResultFn& on_result, const LostFn& on_lost) {
  std::deque<std::vector<std::size_t>> pending;
  std::size_t bs = static_cast<std::size_t>(std::max(opt.batch_size, 1));
  for (std::size_t i = 0; i < items.size(); i += bs)
    pending.emplace_back(items.begin() + static_cast<std::ptrdiff_t>(i),
                         items.begin() + static_cast<std::ptrdiff_t>(std::min(i + bs, items.size())));
  std::vector<Child> running;
  std::size_t workers = static_cast<std::size_t>(std::max(opt.workers, 1));
  while (!pending.empty() || !running.empty()) {
    while (running.size() < workers && !pending.empty()) {
      running.push_back(spawn(std::move(pending.front()), opt, batch));
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
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        c.partial.append(buf, static_cast<std::size_t>(n));
        std::size_t start = 0, nl;
        while ((nl = c.partial.find('\n', start)) != std::string::npos) {
          std::string line = c.partial.substr(start, nl - start);
          start = nl + 1;
          std::size_t tab = line.find('\t');
          if (tab == std::string::npos) continue;
          std::size_t item = std::stoull(line.substr(0, tab));
          if (c.reported.insert(item).second) on_result(item, line.substr(tab + 1));
        }
        c.partial.erase(0, start);
        continue;
      }
      // EOF: reap the child; re-run what it did not report.
      ::close(c.fd);
      int status = 0;
      while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
      }
      std::string err = stderr_tail(c.err);
      std::vector<std::size_t> lost;
      for (std::size_t item : c.items)
        if (!c.reported.count(item)) lost.push_back(item);
      if (!lost.empty()) {
        if (c.items.size() > 1) {
          for (std::size_t item : lost) pending.push_back({item});
        } else {
          on_lost(lost.front(), death_reason(status, opt, err));
        }
      }
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
}

}  // namespace edgesplit
