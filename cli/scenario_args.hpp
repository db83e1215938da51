// The scenario a `plan` / `simulate` command works on: the file, with the --planner / --planner-options overrides.
#pragma once

#include <boost/program_options.hpp>

#include "sim/scenario/scenario.hpp"

namespace edgesplit::cli {

// Loads vm["scenario"] with the planner registry's schemas; --planner replaces the planner (its options reset to
// defaults), --planner-options replaces the options (checked against the planner's schema; exit 2 when bad).
Scenario load_scenario_with_overrides(const boost::program_options::variables_map& vm);

}  // namespace edgesplit::cli
