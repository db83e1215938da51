// `edgesplit worker --listen HOST:PORT --token T`: one emulated (or real) device serving a coordinator.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/command.hpp"
#include "runtime/kernel_compute.hpp"
#include "runtime/worker.hpp"
#include "sim/common/error.hpp"

namespace po = boost::program_options;

namespace edgesplit::cli {
namespace {

int run_worker(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("listen", po::value<std::string>()->required(), "HOST:PORT to listen on (port 0: any free port)")(
      "token", po::value<std::string>(), "shared secret a coordinator must present")(
      "token-file", po::value<std::string>(), "read the token from this file instead (keeps it out of ps)")(
      "id", po::value<int>()->default_value(-1), "worker id, for log lines only")(
      "verbose", "log every connection and rejected message to stderr");
  po::variables_map vm;
  if (!parse_options("edgesplit worker --listen HOST:PORT (--token T | --token-file F) [--verbose]", args, opts, {}, vm))
    return kExitOk;
  std::string token;
  if (vm.count("token")) token = vm["token"].as<std::string>();
  if (vm.count("token-file")) {
    const std::string file = vm["token-file"].as<std::string>();
    std::ifstream in(file);
    if (!in) throw InputError(InputIssue{file, 0, 0, "--token-file", "cannot read the token file"});
    std::getline(in, token);
  }
  if (token.empty()) throw InputError(InputIssue{"", 0, 0, "--token", "a non-empty --token or --token-file is required"});

  runtime::keep_freed_memory();
  runtime::WorkerOptions o;
  o.listen = runtime::parse_endpoint(vm["listen"].as<std::string>());
  o.token = token;
  for (auto& [name, fn] : runtime::kernel_computes()) o.computes[name] = fn;
  const int id = vm["id"].as<int>();
  if (vm.count("verbose"))
    o.log = [id](const std::string& line) { std::cerr << fmt::format("worker {} [pid {}]: {}\n", id, ::getpid(), line); };
  runtime::Worker worker(std::move(o));
  // The coordinator reads this one line from our stdout to learn the port (docs/formats.md).
  fmt::print("edgesplit worker listening on {} pid {}\n", worker.endpoint().str(), ::getpid());
  std::fflush(stdout);
  worker.serve();
  return kExitOk;
}

CommandRegistrar reg_worker({"worker", "serve as one emulator worker: --listen HOST:PORT --token T", run_worker});

}  // namespace
}  // namespace edgesplit::cli
