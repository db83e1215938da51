// Cell decomposition of a needed rectangle among overlapping source rectangles.
#include "sim/plan/geometry.hpp"

#include <algorithm>

namespace edgesplit {

CellAssignment assign_cells(const Region& needed, const std::vector<Region>& sources) {
  CellAssignment out;
  out.area.assign(sources.size(), 0);
  if (needed.empty()) return out;
  std::vector<int> rows{needed.r0, needed.r1}, cols{needed.c0, needed.c1};
  for (const Region& s : sources) {
    if (s.empty()) continue;
    for (int r : {s.r0, s.r1})
      if (r > needed.r0 && r < needed.r1) rows.push_back(r);
    for (int c : {s.c0, s.c1})
      if (c > needed.c0 && c < needed.c1) cols.push_back(c);
  }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  std::sort(cols.begin(), cols.end());
  cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
  for (std::size_t i = 0; i + 1 < rows.size(); ++i) {
    for (std::size_t j = 0; j + 1 < cols.size(); ++j) {
      Region cell{rows[i], rows[i + 1], cols[j], cols[j + 1]};
      bool held = false;
      for (std::size_t k = 0; k < sources.size() && !held; ++k) {
        const Region& s = sources[k];
        if (s.r0 <= cell.r0 && s.r1 >= cell.r1 && s.c0 <= cell.c0 && s.c1 >= cell.c1) {
          out.area[k] += cell.area();
          held = true;
        }
      }
      if (!held) {
        if (out.uncovered_area == 0) out.first_uncovered = cell;
        out.uncovered_area += cell.area();
      }
    }
  }
  return out;
}

}  // namespace edgesplit
