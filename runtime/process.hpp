// Child processes the coordinator owns: spawned with fork+exec (optionally inside a network namespace), always
// reaped. The destructor SIGKILLs by PID and waits, so no worker outlives its coordinator, also on exceptions; and
// every child asks the kernel for SIGKILL when its parent dies (PR_SET_PDEATHSIG), covering a coordinator that is
// itself killed.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace edgesplit::runtime {

class ChildProcess {
 public:
  ChildProcess() = default;
  // argv[0] is the executable path. The child's stdout is a pipe readable with read_line(); stderr is inherited,
  // or discarded when `quiet`. With `netns`, the child joins /var/run/netns/<netns> before exec.
  static ChildProcess spawn(const std::vector<std::string>& argv, const std::string& netns = "", bool quiet = false);
  ChildProcess(ChildProcess&& o) noexcept;
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { kill_and_reap(); }

  pid_t pid() const { return pid_; }
  // Non-blocking: has it ended? (reaps it if so)
  bool exited();
  // Blocks up to timeout_s for the child to end; true when it has.
  bool wait_exit(double timeout_s);
  // "exited with status 3", "killed by signal 9 (Killed)"; empty while running.
  std::string exit_description() const;
  // One line of the child's stdout, without the newline; throws std::runtime_error on timeout or EOF.
  std::string read_line(double timeout_s);
  void kill_and_reap();

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::optional<int> status_;
  std::string buffered_;
};

}  // namespace edgesplit::runtime
