// Running commands from the tests: a shell line, or the built `edgesplit` binary, with its output captured.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace edgesplit::testing {

struct ShellRun {
  int exit_code = -1;  // the exit status; 128 + N when killed by signal N
  std::string out;     // stdout, and stderr unless it was discarded
};

enum class Stderr { merged, discarded };

// Runs `cmd` with /bin/sh, stderr merged into the captured output or discarded.
inline ShellRun run_shell(const std::string& cmd, Stderr err = Stderr::merged) {
  const std::string line = cmd + (err == Stderr::merged ? " 2>&1" : " 2>/dev/null");
  FILE* pipe = ::popen(line.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed for: " + line);
  ShellRun r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
  return r;
}

// `edgesplit ARGS`, run from the source tree so that relative paths (in arguments and in the messages) are the ones
// the test writes.
inline ShellRun run_edgesplit(const std::string& args, Stderr err = Stderr::merged) {
  return run_shell(std::string("cd '") + EDGESPLIT_SOURCE_DIR + "' && " + EDGESPLIT_BINARY + " " + args, err);
}

}  // namespace edgesplit::testing
