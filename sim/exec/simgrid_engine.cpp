// SimGrid Engine set-up shared by the executor and the raw benchmark pipeline.
#include "sim/exec/simgrid_engine.hpp"

#include <xbt/log.h>

#include <string>

namespace edgesplit {

void silence_simgrid_logs() { xbt_log_control_set("root.thres:critical"); }

void configure_exact_network() {
  namespace sg4 = simgrid::s4u;
  sg4::Engine::set_config("network/model", std::string("CM02"));
  sg4::Engine::set_config("network/crosstraffic", false);
  sg4::Engine::set_config("network/TCP-gamma", 0.0);
#ifdef EDGESPLIT_SANITIZE
  // AddressSanitizer cannot follow SimGrid's hand-rolled stack switches; system threads it understands.
  sg4::Engine::set_config("contexts/factory", std::string("thread"));
#endif
}

}  // namespace edgesplit
