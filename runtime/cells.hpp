// Which rectangles of a needed region each provider sends: the same first-holder rule as the TaskGraph's byte count
// (sim/plan/geometry.hpp assign_cells), but returning the rectangles themselves, so the emulator moves exactly the
// cells the simulator charges for.
#pragma once

#include <vector>

#include "sim/model/receptive_field.hpp"

namespace edgesplit::runtime {

// For each source (same order), the rectangles of `needed` it provides: `needed` is cut along every source edge,
// each cell goes to the first source containing it, and a source's cells are merged into maximal row-strip
// rectangles. Cells no source holds are left out.
std::vector<std::vector<Region>> assign_cell_regions(const Region& needed, const std::vector<Region>& sources);

}  // namespace edgesplit::runtime
