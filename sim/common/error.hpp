// Errors that cross the library boundary. The CLI maps InputError to exit code 2.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace edgesplit {

// One problem in a user's input, located as precisely as we know: file, line, column (1-based; 0 = unknown), key path.
struct InputIssue {
  std::string file;
  int line = 0;
  int column = 0;
  std::string key;
  std::string message;

  // "file:line:col: key: message", leaving out the parts we do not know.
  std::string format() const;
};

// Bad input: one or more issues, all reported together.
class InputError : public std::runtime_error {
 public:
  explicit InputError(InputIssue issue);
  explicit InputError(std::vector<InputIssue> issues);
  const std::vector<InputIssue>& issues() const { return issues_; }

 private:
  std::vector<InputIssue> issues_;
};

// A model whose layers do not fit together (shape mismatch, bad reference).
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Suggest the nearest known name for a typo: "did you mean 'pico'?". Empty when nothing is close.
std::string nearest_name(const std::string& wrong, const std::vector<std::string>& known);

// "unknown planner 'pcio'; did you mean 'pico'? known: a, b, c"
std::string unknown_name_message(const std::string& what, const std::string& wrong,
                                 const std::vector<std::string>& known);

}  // namespace edgesplit
