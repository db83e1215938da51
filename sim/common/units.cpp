// Unit tables and exact decimal <-> double conversion for quantities (see docs/formats.md, "Units").
#include "sim/common/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "sim/common/error.hpp"

namespace edgesplit {
namespace {

// value_SI = number · 10^exp10 · 2^shift. Bits are bytes·2^3 (shift -3); KiB is 2^10 bytes.
struct Unit {
  const char* name;
  Quantity q;
  int exp10;
  int shift;
  const char* family;  // spellings that format_quantity may pick together
};

constexpr Unit kUnits[] = {
    {"s", Quantity::Time, 0, 0, ""},          {"ms", Quantity::Time, -3, 0, ""},
    {"us", Quantity::Time, -6, 0, ""},        {"ns", Quantity::Time, -9, 0, ""},
    {"bps", Quantity::DataRate, 0, -3, "bps"},   {"kbps", Quantity::DataRate, 3, -3, "bps"},
    {"Mbps", Quantity::DataRate, 6, -3, "bps"},  {"Gbps", Quantity::DataRate, 9, -3, "bps"},
    {"B/s", Quantity::DataRate, 0, 0, "B/s"},    {"kB/s", Quantity::DataRate, 3, 0, "B/s"},
    {"MB/s", Quantity::DataRate, 6, 0, "B/s"},   {"GB/s", Quantity::DataRate, 9, 0, "B/s"},
    {"B", Quantity::DataSize, 0, 0, "B"},        {"kB", Quantity::DataSize, 3, 0, "B"},
    {"MB", Quantity::DataSize, 6, 0, "B"},       {"GB", Quantity::DataSize, 9, 0, "B"},
    {"KiB", Quantity::DataSize, 0, 10, "KiB"},   {"MiB", Quantity::DataSize, 0, 20, "KiB"},
    {"GiB", Quantity::DataSize, 0, 30, "KiB"},
    {"Hz", Quantity::Frequency, 0, 0, ""},     {"kHz", Quantity::Frequency, 3, 0, ""},
    {"MHz", Quantity::Frequency, 6, 0, ""},    {"GHz", Quantity::Frequency, 9, 0, ""},
    {"W", Quantity::Power, 0, 0, ""},          {"mW", Quantity::Power, -3, 0, ""},
    {"J", Quantity::Energy, 0, 0, ""},         {"mJ", Quantity::Energy, -3, 0, ""},
    {"MAC/s", Quantity::ComputeRate, 0, 0, "MAC/s"},   {"kMAC/s", Quantity::ComputeRate, 3, 0, "MAC/s"},
    {"MMAC/s", Quantity::ComputeRate, 6, 0, "MAC/s"},  {"GMAC/s", Quantity::ComputeRate, 9, 0, "MAC/s"},
    {"TMAC/s", Quantity::ComputeRate, 12, 0, "MAC/s"},
    {"op/s", Quantity::ComputeRate, 0, 0, "op/s"},     {"kop/s", Quantity::ComputeRate, 3, 0, "op/s"},
    {"Mop/s", Quantity::ComputeRate, 6, 0, "op/s"},    {"Gop/s", Quantity::ComputeRate, 9, 0, "op/s"},
};

const char* example(Quantity q) {
  switch (q) {
    case Quantity::Time: return "2 ms";
    case Quantity::DataRate: return "54 Mbps";
    case Quantity::DataSize: return "10 MB";
    case Quantity::Frequency: return "1.5 GHz";
    case Quantity::Power: return "3.5 W";
    case Quantity::Energy: return "2 J";
    case Quantity::ComputeRate: return "6.1 GMAC/s";
  }
  return "";
}

std::string units_list(Quantity q) {
  std::string out;
  for (const auto& u : quantity_units(q)) out += (out.empty() ? "" : ", ") + u;
  return out;
}

// A decimal number split into its significant digits and a power of ten: "1.5e3" → ("15", 2, negative=false).
struct Decimal {
  bool negative = false;
  std::string digits;
  long exp10 = 0;
};

// Scans a decimal number at the start of `s`; returns the characters consumed (0 = no number).
std::size_t scan_decimal(std::string_view s, Decimal& d) {
  std::size_t i = 0;
  d = Decimal{};
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) d.negative = s[i++] == '-';
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) d.digits += s[i++], ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) d.digits += s[i++], ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return 0;
  d.exp10 = -static_cast<long>(frac_digits);
  // An exponent only when digits follow the 'e' (so "2 e" is not swallowed; no unit starts with e anyway).
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    bool neg = false;
    if (j < s.size() && (s[j] == '-' || s[j] == '+')) neg = s[j++] == '-';
    std::size_t start = j;
    long e = 0;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
      if (e < 100000) e = e * 10 + (s[j] - '0');
      ++j;
    }
    if (j > start) {
      d.exp10 += neg ? -e : e;
      i = j;
    }
  }
  return i;
}

double to_double(const Decimal& d, long extra_exp10) {
  std::string text = (d.negative ? "-" : "") + (d.digits.empty() ? std::string("0") : d.digits) + "e" +
                     std::to_string(d.exp10 + extra_exp10);
  double v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);  // correctly rounded; out of range leaves v = 0
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Shortest round-trip digits of v: v == digits · 10^exp10 when read back with correct rounding.
Decimal shortest(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  Decimal d;
  scan_decimal(std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)), d);
  // Normalise: no leading zeros, no trailing zeros.
  std::size_t lead = d.digits.find_first_not_of('0');
  if (lead == std::string::npos) return Decimal{false, "0", 0};
  d.digits.erase(0, lead);
  while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back(), ++d.exp10;
  return d;
}

// digits · 10^k as plain decimal text ("61", k = -1 → "6.1"); scientific when it would be very long.
std::string place_point(const Decimal& d, long k) {
  std::string sign = d.negative ? "-" : "";
  if (d.digits == "0") return "0";
  long n = static_cast<long>(d.digits.size());
  if (k >= 0) {
    if (k > 15) return fmt::format("{}{}e{}", sign, d.digits, k);
    return sign + d.digits + std::string(static_cast<std::size_t>(k), '0');
  }
  long p = n + k;  // digits before the point
  if (p > 0) return sign + d.digits.substr(0, p) + "." + d.digits.substr(p);
  if (-p > 6) return fmt::format("{}{}e{}", sign, d.digits, k);
  return sign + "0." + std::string(static_cast<std::size_t>(-p), '0') + d.digits;
}

}  // namespace

const char* quantity_name(Quantity q) {
  switch (q) {
    case Quantity::Time: return "time";
    case Quantity::DataRate: return "data rate";
    case Quantity::DataSize: return "data size";
    case Quantity::Frequency: return "frequency";
    case Quantity::Power: return "power";
    case Quantity::Energy: return "energy";
    case Quantity::ComputeRate: return "compute rate";
  }
  return "?";
}

std::vector<std::string> quantity_units(Quantity q) {
  std::vector<std::string> out;
  for (const auto& u : kUnits)
    if (u.q == q) out.emplace_back(u.name);
  return out;
}

double parse_quantity(std::string_view text, Quantity q) {
  std::string_view s = trim(text);
  if (s.empty())
    throw UnitError(fmt::format("expected a {} such as '{}', found nothing", quantity_name(q), example(q)));
  Decimal d;
  std::size_t n = scan_decimal(s, d);
  if (n == 0)
    throw UnitError(fmt::format("expected a {} such as '{}', found '{}'", quantity_name(q), example(q), s));
  std::string_view unit = trim(s.substr(n));
  if (unit.empty())
    throw UnitError(fmt::format("expected a {} with a unit ({}), found bare number '{}'", quantity_name(q),
                                units_list(q), s));
  for (const auto& u : kUnits)
    if (u.q == q && unit == u.name) return std::ldexp(to_double(d, u.exp10), u.shift);
  std::string msg = fmt::format("expected a {} with a unit ({}), found unit '{}' in '{}'", quantity_name(q),
                                units_list(q), unit, s);
  if (auto near = nearest_name(std::string(unit), quantity_units(q)); !near.empty())
    msg += fmt::format("; did you mean '{}'?", near);
  throw UnitError(msg);
}

double parse_number(std::string_view text) {
  std::string_view s = trim(text);
  Decimal d;
  std::size_t n = scan_decimal(s, d);
  if (n == 0 || n != s.size())
    throw UnitError(fmt::format("expected a number, found '{}'", s));
  return to_double(d, 0);
}

double parse_scaled(std::string_view number, int exp10) {
  std::string_view s = trim(number);
  Decimal d;
  std::size_t n = scan_decimal(s, d);
  if (n == 0 || n != s.size())
    throw UnitError(fmt::format("expected a number, found '{}'", s));
  return to_double(d, exp10);
}

bool time_unit_exp10(std::string_view unit, int& exp10) {
  for (const auto& u : kUnits)
    if (u.q == Quantity::Time && unit == u.name) {
      exp10 = u.exp10;
      return true;
    }
  return false;
}

std::string format_quantity(double value, Quantity q, std::string_view family) {
  // The family's units, smallest first (kUnits lists each family ascending, except time and power, which descend).
  std::vector<const Unit*> fam;
  for (const auto& u : kUnits)
    if (u.q == q && (family.empty() ? fam.empty() || std::string_view(u.family) == fam.front()->family
                                    : std::string_view(u.family) == family))
      fam.push_back(&u);
  if (q == Quantity::DataSize && family == "KiB")  // plain bytes below KiB
    for (const auto& u : kUnits)
      if (std::string_view(u.name) == "B") fam.insert(fam.begin(), &u);
  if (fam.empty()) throw UnitError(fmt::format("no unit family '{}' for a {}", family, quantity_name(q)));
  auto scale = [](const Unit* u) { return std::ldexp(std::pow(10.0, u->exp10), u->shift); };
  std::sort(fam.begin(), fam.end(), [&](const Unit* a, const Unit* b) { return scale(a) < scale(b); });
  const Unit* pick = fam.front();
  for (const Unit* u : fam)
    if (std::fabs(value) >= scale(u)) pick = u;
  // Undo the power of two exactly first (bits, KiB), then move the decimal point textually.
  Decimal d = shortest(std::ldexp(value, -pick->shift));
  return place_point(d, d.exp10 - pick->exp10) + " " + pick->name;
}

std::string format_scaled(double value, int exp10) {
  Decimal d = shortest(value);
  return place_point(d, d.exp10 - exp10);
}

}  // namespace edgesplit
