// Quantities written with units ("54 Mbps", "2 ms", "6.1 GMAC/s") and their exact SI values, both ways.
// Parsing applies the unit's power of ten to the decimal text itself ("2 ms" is strtod("2e-3")), so a value written
// by format_quantity reads back as the identical double. No YAML here: the scenario loaders call these per scalar.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace edgesplit {

// SI base of each kind: s, bytes/s, bytes, Hz, W, J, work/s (MACs or elementary ops per second).
enum class Quantity { Time, DataRate, DataSize, Frequency, Power, Energy, ComputeRate };

// A malformed quantity. what() is the whole message, e.g.
// "expected a time with a unit (s, ms, us, ns), found bare number '2'".
class UnitError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

const char* quantity_name(Quantity q);                   // "time", "data rate", ...
std::vector<std::string> quantity_units(Quantity q);     // the accepted unit spellings, as in docs/formats.md

// "54 Mbps" → 6.75e6 (bytes/s). Space between number and unit optional; no sign other than '-' before the number.
double parse_quantity(std::string_view text, Quantity q);
// A bare number scaled by a power of ten carried in the key name ("0.11" under time_ms, exp10 = -3) → 1.1e-4.
double parse_scaled(std::string_view number, int exp10);
// A plain decimal number (no unit); throws UnitError "expected a number, found '...'" otherwise.
double parse_number(std::string_view text);

// The unit suffix of a key such as "time_ms" → its power of ten for Quantity::Time (-3); false when not a time unit.
bool time_unit_exp10(std::string_view unit, int& exp10);

// Inverse of parse_quantity: picks the largest unit that keeps the number >= 1 (so 6.1e9 MAC/s → "6.1 GMAC/s").
// `family` chooses among spellings of one kind: "MAC/s" or "op/s" for ComputeRate, "bps" or "B/s" for DataRate,
// "B" or "KiB" (binary) for DataSize; empty = the first. parse_quantity(format_quantity(x, q), q) == x exactly.
std::string format_quantity(double value, Quantity q, std::string_view family = {});
// Inverse of parse_scaled: the decimal text of value / 10^exp10, exact on the way back.
std::string format_scaled(double value, int exp10);

}  // namespace edgesplit
