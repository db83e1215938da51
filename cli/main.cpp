// edgesplit: one binary, subcommands registered by the files beside this one. Maps errors to exit codes.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/command.hpp"
#include "edgesplit_version.hpp"
#include "sim/common/error.hpp"

namespace po = boost::program_options;

namespace edgesplit::cli {

std::vector<Command>& commands() {
  static std::vector<Command> registry;
  return registry;
}

bool parse_options(const std::string& usage, const std::vector<std::string>& args,
                   const po::options_description& options, const po::positional_options_description& positional,
                   po::variables_map& vm) {
  po::options_description all = options;
  all.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: " << usage << "\n\n" << all << "\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(InputIssue{"", 0, 0, "", fmt::format("{}\nusage: {}", e.what(), usage)});
  }
  return true;
}

namespace {
void print_help() {
  auto cmds = commands();
  std::sort(cmds.begin(), cmds.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
  fmt::print("edgesplit {} ({}): simulator and emulator for collaborative edge inference\n\n", kVersion, kCommit);
  fmt::print("usage: edgesplit COMMAND [OPTIONS]   (edgesplit COMMAND --help for its options)\n\ncommands:\n");
  for (const auto& c : cmds) fmt::print("  {:<10} {}\n", c.name, c.summary);
  fmt::print("\nexit codes: 0 ok, 1 some runs failed, 2 bad input\n");
}
}  // namespace

}  // namespace edgesplit::cli

int main(int argc, char** argv) {
  using namespace edgesplit;
  using namespace edgesplit::cli;
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
      std::string(argv[1]) == "help") {
    print_help();
    return argc < 2 ? kExitBadInput : kExitOk;
  }
  std::string name = argv[1];
  if (name == "--version") {
    fmt::print("edgesplit {} ({})\n", kVersion, kCommit);
    return kExitOk;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  try {
    for (const auto& c : commands())
      if (c.name == name) return c.run(args);
    std::vector<std::string> known;
    for (const auto& c : commands()) known.push_back(c.name);
    std::sort(known.begin(), known.end());
    throw InputError(InputIssue{"", 0, 0, "", unknown_name_message("command", name, known)});
  } catch (const InputError& e) {
    std::cerr << "edgesplit: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const ModelError& e) {
    std::cerr << "edgesplit: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "edgesplit: failed: " << e.what() << "\n";
    return kExitFailed;
  }
}
