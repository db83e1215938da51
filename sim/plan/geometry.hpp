// Rectangle bookkeeping for partitions: which source holds which cells of a needed region, and what is left uncovered.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/model/receptive_field.hpp"

namespace edgesplit {

// Splits `needed` into the cells cut by every source rectangle's edges and gives each cell to the first source that
// contains it. Returns the area each source provides (same order as `sources`); cells no source holds are summed into
// `uncovered_area` and the first of them is stored in `first_uncovered`. Exact for any rectangles (row bands, tiles,
// overlapping halos), O(k² · n) for n sources and k distinct edges.
struct CellAssignment {
  std::vector<std::int64_t> area;
  std::int64_t uncovered_area = 0;
  Region first_uncovered;
};
CellAssignment assign_cells(const Region& needed, const std::vector<Region>& sources);

}  // namespace edgesplit
