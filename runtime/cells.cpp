// Cell rectangles per provider (see cells.hpp).
#include "runtime/cells.hpp"

#include <algorithm>
#include <set>

namespace edgesplit::runtime {

std::vector<std::vector<Region>> assign_cell_regions(const Region& needed, const std::vector<Region>& sources) {
  std::vector<std::vector<Region>> out(sources.size());
  if (needed.empty()) return out;
  std::set<int> rows{needed.r0, needed.r1}, cols{needed.c0, needed.c1};
  for (const Region& s : sources) {
    if (s.empty()) continue;
    for (int r : {s.r0, s.r1})
      if (r > needed.r0 && r < needed.r1) rows.insert(r);
    for (int c : {s.c0, s.c1})
      if (c > needed.c0 && c < needed.c1) cols.insert(c);
  }
  const std::vector<int> R(rows.begin(), rows.end()), C(cols.begin(), cols.end());
  auto holder = [&](int r0, int c0) {
    for (std::size_t j = 0; j < sources.size(); ++j) {
      const Region& s = sources[j];
      if (!s.empty() && r0 >= s.r0 && r0 < s.r1 && c0 >= s.c0 && c0 < s.c1) return static_cast<int>(j);
    }
    return -1;
  };
  // Per row strip: runs of consecutive cells with one holder become one rectangle; then a rectangle that continues
  // the same columns of the strip above extends it.
  std::vector<std::vector<Region>> open(sources.size());
  for (std::size_t i = 0; i + 1 < R.size(); ++i) {
    std::vector<std::vector<Region>> strip(sources.size());
    for (std::size_t k = 0; k + 1 < C.size();) {
      const int h = holder(R[i], C[k]);
      std::size_t e = k + 1;
      while (e + 1 < C.size() && holder(R[i], C[e]) == h) ++e;
      if (h >= 0) strip[static_cast<std::size_t>(h)].push_back({R[i], R[i + 1], C[k], C[e]});
      k = e;
    }
    for (std::size_t j = 0; j < sources.size(); ++j) {
      std::vector<Region> next;
      for (Region r : strip[j]) {
        auto it = std::find_if(open[j].begin(), open[j].end(),
                               [&](const Region& o) { return o.r1 == r.r0 && o.c0 == r.c0 && o.c1 == r.c1; });
        if (it != open[j].end()) {
          r.r0 = it->r0;
          open[j].erase(it);
        }
        next.push_back(r);
      }
      for (const Region& o : open[j]) out[j].push_back(o);  // not continued: closed
      open[j] = std::move(next);
    }
  }
  for (std::size_t j = 0; j < sources.size(); ++j)
    for (const Region& o : open[j]) out[j].push_back(o);
  return out;
}

}  // namespace edgesplit::runtime
