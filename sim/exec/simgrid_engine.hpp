// The one way this project creates a SimGrid Engine: logs silenced, the exact-timing network recipe, and thread
// contexts under AddressSanitizer. Included only by sim/exec/simgrid_* files.
#pragma once

#include <simgrid/s4u/Engine.hpp>

namespace edgesplit {

// Call xbt log silencing before the Engine exists (simgrid.md §6); call this once per process.
void silence_simgrid_logs();
// The exact-timing recipe (simgrid.md §2): CM02, no cross-traffic, TCP-gamma 0; set before the first zone.
void configure_exact_network();

}  // namespace edgesplit
