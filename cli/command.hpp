// Subcommand registry: each cli/<name>.cpp registers one or more commands with a static CommandRegistrar.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace edgesplit::cli {

// Exit codes of the binary (DESIGN.md): 0 ok, 1 some runs failed, 2 bad input.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;

struct Command {
  std::string name;
  std::string summary;  // one line for `edgesplit --help`
  int (*run)(const std::vector<std::string>& args);
};

std::vector<Command>& commands();

struct CommandRegistrar {
  explicit CommandRegistrar(Command c) { commands().push_back(std::move(c)); }
};

// Parse `args` against `options` (+ positional), printing usage and returning false on --help.
// Throws edgesplit::InputError (exit 2) on unknown or malformed options.
bool parse_options(const std::string& usage, const std::vector<std::string>& args,
                   const boost::program_options::options_description& options,
                   const boost::program_options::positional_options_description& positional,
                   boost::program_options::variables_map& vm);

}  // namespace edgesplit::cli
