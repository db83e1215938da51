// Catch2 printing of edgesplit::Region, so a failed region assert shows both rectangles.
#pragma once

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "sim/model/receptive_field.hpp"

namespace Catch {
template <>
struct StringMaker<edgesplit::Region> {
  static std::string convert(const edgesplit::Region& r) {
    return fmt::format("rows [{}, {}) cols [{}, {})", r.r0, r.r1, r.c0, r.c1);
  }
};
}  // namespace Catch
