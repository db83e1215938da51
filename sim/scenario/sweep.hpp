// Sweeps (docs/formats.md, "Sweep"): a base scenario plus `grid:` (cartesian) and `zip:` (paired) lists over dotted
// keys, and `repeat:` with derived seeds. Expansion is deterministic; every point is a resolved Scenario with its key.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/common/options.hpp"
#include "sim/scenario/scenario.hpp"

namespace edgesplit {

// One swept parameter of one point: the dotted key as written in the sweep file and the value as flow YAML text
// ("54 Mbps", "[1, 2]"). `repeat` appears as key "repeat" when repeat > 1.
struct SweptValue {
  std::string key;
  std::string value;
};

struct SweepPoint {
  std::size_t index = 0;          // 0-based position in expansion order
  int repeat = 0;                 // 0 .. repeat-1
  Scenario scenario;              // resolved; scenario.key set (derived seed included)
  std::vector<SweptValue> swept;  // one per swept key, in parameters() order, then repeat
};

class SweepExpansion {
 public:
  // Reads the sweep and its base scenario and checks every swept key against the base. Throws InputError listing
  // every problem of the sweep's own structure (unknown keys, grid over a missing key, zip lists of different
  // lengths, include cycles). Resolving the points happens in at() / for_each().
  SweepExpansion(const std::string& path, std::vector<PlannerInfo> planners);
  ~SweepExpansion();
  SweepExpansion(SweepExpansion&&) noexcept;
  SweepExpansion& operator=(SweepExpansion&&) noexcept;

  const std::string& name() const;
  const std::string& file() const;
  std::size_t size() const;                 // number of points: product of axis lengths × repeat
  int repeat() const;
  std::vector<std::string> parameters() const;  // swept keys in expansion order (outermost first)

  // Point i: the last axis varies fastest, repeat fastest of all. Throws InputError when that point is invalid.
  SweepPoint at(std::size_t i) const;
  // Every valid point in order; afterwards throws InputError listing every distinct problem of the invalid ones.
  void for_each(const std::function<void(const SweepPoint&)>& fn) const;
  std::vector<SweepPoint> all() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The seed of repeat r (r > 0) of a scenario whose seed is `seed`: splitmix64(seed + r) with the top bit cleared
// (so it fits a signed 64-bit column). Repeat 0 keeps `seed`.
std::uint64_t derived_seed(std::uint64_t seed, int r);

}  // namespace edgesplit
