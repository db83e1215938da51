// Wire protocol: byte layout, round trips, and the exact rejection of malformed messages.
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "runtime/role.hpp"
#include "runtime/wire.hpp"
#include "tests/runtime/helpers.hpp"

using namespace edgesplit::runtime;

namespace {

std::array<std::uint8_t, kHeaderBytes> raw_header(std::uint32_t magic, std::uint16_t version, std::uint16_t type,
                                                  std::uint32_t length) {
  std::array<std::uint8_t, kHeaderBytes> b{};
  std::memcpy(b.data(), &magic, 4);
  std::memcpy(b.data() + 4, &version, 2);
  std::memcpy(b.data() + 6, &type, 2);
  std::memcpy(b.data() + 8, &length, 4);
  return b;
}

std::string decode_error(const std::array<std::uint8_t, kHeaderBytes>& b) {
  try {
    decode_header(b);
  } catch (const WireError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("edgesplit::runtime::Header: byte layout and round trip", "[runtime][wire]") {
  const auto b = encode_header({kWireVersion, MessageType::tensor, 0x01020304});
  // 'E' 'S' 'P' 'L', version 1 (u16 LE), type 6 (u16 LE), length 0x01020304 (u32 LE): written out by hand.
  const std::array<std::uint8_t, kHeaderBytes> expected{'E', 'S', 'P', 'L', 1, 0, 6, 0, 4, 3, 2, 1};
  CHECK(b == expected);
  const Header h = decode_header(b);
  CHECK(h.type == MessageType::tensor);
  CHECK(h.payload_bytes == 0x01020304u);
  CHECK(h.version == 1);
}

TEST_CASE("edgesplit::runtime::Header: malformed headers are rejected with the exact reason", "[runtime][wire]") {
  SECTION("bad magic (an HTTP request)") {
    std::array<std::uint8_t, kHeaderBytes> b{'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P', '/', '1'};
    // "GET " read as a little-endian u32: 0x20544547.
    CHECK(decode_error(b) == "bad magic 0x20544547; expected 0x4c505345 ('ESPL')");
  }
  SECTION("bad version") {
    CHECK(decode_error(raw_header(kWireMagic, 2, 1, 0)) == "unsupported wire version 2; this end speaks version 1");
  }
  SECTION("unknown type") { CHECK(decode_error(raw_header(kWireMagic, 1, 99, 0)) == "unknown message type 99"); }
  SECTION("oversized tensor: 256 MiB + 1") {
    CHECK(decode_error(raw_header(kWireMagic, 1, 6, (256u << 20) + 1)) ==
          "tensor message of 268435457 bytes exceeds the limit of 268435456 bytes");
  }
  SECTION("oversized control message: 1 MiB + 1") {
    CHECK(decode_error(raw_header(kWireMagic, 1, 4, (1u << 20) + 1)) ==
          "role message of 1048577 bytes exceeds the limit of 1048576 bytes");
  }
  SECTION("limits are inclusive") {
    CHECK(decode_error(raw_header(kWireMagic, 1, 6, 256u << 20)) == "accepted");
  }
}

TEST_CASE("edgesplit::runtime::Tensor: round trip in f32 and int8", "[runtime][wire]") {
  Tensor t;
  t.frame = 7;
  t.slot = -3;
  t.c = 2;
  t.h = 2;
  t.w = 3;
  t.row0 = 4;
  t.col0 = 1;
  t.full_h = 10;
  t.full_w = 5;
  t.values = {0.f, 1.f, -2.5f, 3.25f, 1e-7f, -1e7f, 6.f, 7.f, 8.f, 9.f, 10.f, 12.7f};

  SECTION("f32 is bit exact") {
    const auto bytes = encode_tensor(t);
    CHECK(bytes.size() == 44 + 12 * 4);  // header + 12 float32
    const Tensor u = decode_tensor(bytes);
    CHECK(u.frame == 7);
    CHECK(u.slot == -3);
    CHECK(u.c == 2);
    CHECK(u.h == 2);
    CHECK(u.w == 3);
    CHECK(u.row0 == 4);
    CHECK(u.col0 == 1);
    CHECK(u.full_h == 10);
    CHECK(u.full_w == 5);
    CHECK(u.values == t.values);
  }
  SECTION("int8 is within half a quantisation step") {
    t.values = {0.f, 1.f, -2.5f, 3.25f, 0.01f, -12.7f, 6.f, 7.f, 8.f, 9.f, 10.f, 12.7f};
    t.precision = Precision::int8;
    const auto bytes = encode_tensor(t);
    CHECK(bytes.size() == 44 + 12);
    const Tensor u = decode_tensor(bytes);
    const float step = 12.7f / 127;  // symmetric scale: max |value| / 127 = 0.1
    for (std::size_t i = 0; i < t.values.size(); ++i) CHECK(std::fabs(u.values[i] - t.values[i]) <= step / 2 + 1e-6f);
    CHECK(u.values[5] == Approx(-12.7f));
  }
}

TEST_CASE("edgesplit::runtime::Tensor: malformed tensor payloads are rejected", "[runtime][wire]") {
  Tensor t = test::make_tensor(0, 1, {1, 2, 3});
  auto bytes = encode_tensor(t);
  auto error = [](std::span<const std::uint8_t> b) -> std::string {
    try {
      decode_tensor(b);
    } catch (const WireError& e) {
      return e.what();
    }
    return "accepted";
  };
  SECTION("truncated values") {
    bytes.pop_back();
    CHECK(error(bytes) == "tensor 1x1x3 f32 needs 56 payload bytes, message has 55");
  }
  SECTION("region outside the map") {
    bytes[24] = 1;  // row0 = 1 while the map has 1 row
    CHECK(error(bytes) == "tensor region rows [1, 2) x cols [0, 3) lies outside the 1x3 map");
  }
  SECTION("unknown precision") {
    bytes[8] = 9;
    CHECK(error(bytes) == "tensor precision code 9 unknown (0 = f32, 1 = int8)");
  }
  SECTION("shorter than its header") { CHECK(error(std::span(bytes).first(10)) == "tensor message of 10 bytes is shorter than its 44-byte header"); }
}

TEST_CASE("edgesplit::runtime::wire: messages round trip through a socket", "[runtime][wire]") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  Socket a(fds[0]), b(fds[1]);
  const std::size_t sent = write_control(a, MessageType::role_ack, {{"worker", 3}});
  CHECK(sent == kHeaderBytes + std::string(R"({"worker":3})").size());
  Tensor t = test::make_tensor(2, 5, {1.5f, -2.f});
  CHECK(write_tensor(a, t) == kHeaderBytes + 44 + 8);
  a.close();
  auto m1 = read_message(b);
  REQUIRE(m1);
  CHECK(m1->type == MessageType::role_ack);
  CHECK(control_body(*m1)["worker"] == 3);
  auto m2 = read_message(b);
  REQUIRE(m2);
  CHECK(decode_tensor(m2->payload).values == t.values);
  CHECK_FALSE(read_message(b));  // clean EOF between messages
}

TEST_CASE("edgesplit::runtime::RoleSpec: JSON round trip and named errors", "[runtime][wire]") {
  RoleSpec r;
  r.worker = 2;
  r.mode = PaceMode::paced;
  r.peers[1] = {"198.18.0.1", 4000};
  r.links[kCoordinator] = {20e6, 0.002};
  r.tasks.push_back({7, "scale", {1, 2}, {{3, {1, kCoordinator}}}, 0.25, {{"factor", 2}}, {}, {}, {}});
  const RoleSpec u = role_from_json(nlohmann::json::parse(to_json(r).dump()));
  CHECK(u.worker == 2);
  CHECK(u.mode == PaceMode::paced);
  CHECK(u.peers.at(1).str() == "198.18.0.1:4000");
  CHECK(u.links.at(kCoordinator).rate_bps == 20e6);
  REQUIRE(u.tasks.size() == 1);
  CHECK(u.tasks[0].outputs[0].to == std::vector<int>{1, kCoordinator});
  CHECK(u.tasks[0].predicted_s == 0.25);
  CHECK(u.sequential.empty());
  CHECK_FALSE(to_json(r).contains("sequential"));  // absent unless the plan asks
  r.sequential = {7};
  CHECK(role_from_json(to_json(r)).sequential == std::vector<int>{7});

  auto j = to_json(r);
  j["sequential"] = {7, 8};
  CHECK_THROWS_WITH(role_from_json(j), "role: key 'sequential' names task 8, which the role lacks");
  j["sequential"] = {7, 7};
  CHECK_THROWS_WITH(role_from_json(j), "role: key 'sequential' names task 7 twice");
  j = to_json(r);
  j.erase("tasks");
  CHECK_THROWS_WITH(role_from_json(j), "role: missing key 'tasks'");
  j = to_json(r);
  j["tasks"][0]["inputs"] = "one";
  CHECK_THROWS_WITH(role_from_json(j), "role: tasks[0]: key 'inputs' has the wrong type (string)");
  j = to_json(r);
  j["mode"] = "fast";
  CHECK_THROWS_WITH(role_from_json(j), "role: key 'mode' is 'fast'; expected paced or native");
}
