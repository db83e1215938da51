// Units: exact SI values of written quantities, the exact error messages, and exact round trips.
#include <catch2/catch.hpp>

#include <random>

#include "sim/common/units.hpp"

using namespace edgesplit;

TEST_CASE("edgesplit::parse_quantity: SI values", "[units]") {
  // Bits are an eighth of a byte: 54e6 / 8 = 6.75e6 bytes/s.
  CHECK(parse_quantity("54 Mbps", Quantity::DataRate) == 6.75e6);
  CHECK(parse_quantity("100 kbps", Quantity::DataRate) == 12500.0);
  CHECK(parse_quantity("2.5 MB/s", Quantity::DataRate) == 2.5e6);
  CHECK(parse_quantity("2 ms", Quantity::Time) == 2e-3);
  CHECK(parse_quantity("2ms", Quantity::Time) == 2e-3);
  CHECK(parse_quantity("150 us", Quantity::Time) == 150e-6);
  CHECK(parse_quantity("1.5 GHz", Quantity::Frequency) == 1.5e9);
  CHECK(parse_quantity("3.5 W", Quantity::Power) == 3.5);
  CHECK(parse_quantity("250 mW", Quantity::Power) == 0.25);
  CHECK(parse_quantity("6.1 GMAC/s", Quantity::ComputeRate) == 6.1e9);
  CHECK(parse_quantity("1 Gop/s", Quantity::ComputeRate) == 1e9);
  CHECK(parse_quantity("10 MB", Quantity::DataSize) == 1e7);
  CHECK(parse_quantity("1.5 KiB", Quantity::DataSize) == 1536.0);
  CHECK(parse_quantity("2 MiB", Quantity::DataSize) == 2097152.0);
  CHECK(parse_quantity("1.5e3 MHz", Quantity::Frequency) == 1.5e9);
  CHECK(parse_quantity("12 mJ", Quantity::Energy) == 0.012);
  // The decimal point moves in the text, so "0.1 s" and "100 ms" are the same double.
  CHECK(parse_quantity("100 ms", Quantity::Time) == parse_quantity("0.1 s", Quantity::Time));
}

TEST_CASE("edgesplit::parse_quantity: errors name what was expected", "[units]") {
  auto msg = [](std::string_view text, Quantity q) {
    try {
      parse_quantity(text, q);
    } catch (const UnitError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(msg("2", Quantity::Time) == "expected a time with a unit (s, ms, us, ns), found bare number '2'");
  CHECK(msg("54 Mbs", Quantity::DataRate) ==
        "expected a data rate with a unit (bps, kbps, Mbps, Gbps, B/s, kB/s, MB/s, GB/s), found unit 'Mbs' in "
        "'54 Mbs'; did you mean 'Mbps'?");
  CHECK(msg("1.5 GHz", Quantity::Power) == "expected a power with a unit (W, mW), found unit 'GHz' in '1.5 GHz'");
  CHECK(msg("fast", Quantity::Time) == "expected a time such as '2 ms', found 'fast'");
  CHECK(msg("  ", Quantity::Frequency) == "expected a frequency such as '1.5 GHz', found nothing");
  CHECK_THROWS_WITH(parse_number("3x"), "expected a number, found '3x'");
}

TEST_CASE("edgesplit::format_quantity: readable and exact", "[units]") {
  CHECK(format_quantity(6.75e6, Quantity::DataRate) == "54 Mbps");
  CHECK(format_quantity(6.75e6, Quantity::DataRate, "B/s") == "6.75 MB/s");
  CHECK(format_quantity(2e-4, Quantity::Time) == "200 us");
  CHECK(format_quantity(2e-3, Quantity::Time) == "2 ms");
  CHECK(format_quantity(0, Quantity::Time) == "0 ns");
  CHECK(format_quantity(6.1e9, Quantity::ComputeRate, "MAC/s") == "6.1 GMAC/s");
  CHECK(format_quantity(1e9, Quantity::ComputeRate, "op/s") == "1 Gop/s");
  CHECK(format_quantity(6e8, Quantity::Frequency) == "600 MHz");
  CHECK(format_quantity(1536, Quantity::DataSize, "KiB") == "1.5 KiB");
  CHECK(format_quantity(1e7, Quantity::DataSize) == "10 MB");
  CHECK(format_scaled(1.1e-4, -3) == "0.11");
  CHECK(format_scaled(0.4, 0) == "0.4");

  SECTION("parse(format(x)) == x for awkward doubles of every kind") {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> mant(0.0, 10.0);
    std::uniform_int_distribution<int> ex(-12, 12);
    const std::pair<Quantity, const char*> kinds[] = {
        {Quantity::Time, ""},           {Quantity::DataRate, "bps"},    {Quantity::DataRate, "B/s"},
        {Quantity::DataSize, "B"},      {Quantity::DataSize, "KiB"},    {Quantity::Frequency, ""},
        {Quantity::Power, ""},          {Quantity::Energy, ""},         {Quantity::ComputeRate, "MAC/s"},
        {Quantity::ComputeRate, "op/s"}};
    for (int i = 0; i < 2000; ++i) {
      double x = mant(rng) * std::pow(10.0, ex(rng));
      for (const auto& [q, fam] : kinds) {
        std::string text = format_quantity(x, q, fam);
        INFO(text);
        REQUIRE(parse_quantity(text, q) == x);
      }
      REQUIRE(parse_scaled(format_scaled(x, -3), -3) == x);
    }
    CHECK(parse_quantity(format_quantity(1.0 / 3.0, Quantity::Time), Quantity::Time) == 1.0 / 3.0);
  }
}
