// The worker process (`edgesplit worker`): a role end to end, and rejection of malformed or unauthorised messages
// while it keeps serving its coordinator.
#include <catch2/catch.hpp>
#include <cstring>

#include "runtime/role.hpp"
#include "runtime/wire.hpp"
#include "tests/runtime/helpers.hpp"

using namespace edgesplit::runtime;
using namespace edgesplit::runtime::test;

namespace {

RoleSpec scale_role(float factor) {
  RoleSpec r;
  r.worker = 0;
  r.mode = PaceMode::native;
  r.tasks.push_back({1, "scale", {10}, {{20, {kCoordinator}}}, 0.0, {{"factor", factor}}, {}, {}, {}});
  return r;
}

// One frame through the scale role: returns the output tensor; checks the frame report.
Tensor run_frame(Socket& s, std::uint32_t frame, std::vector<float> in) {
  write_tensor(s, make_tensor(frame, 10, std::move(in)));
  std::optional<Tensor> out;
  std::optional<FrameReport> report;
  while (!out || !report) {
    auto m = read_message(s);
    if (!m) throw std::runtime_error("worker closed the coordinator connection");
    if (m->type == MessageType::tensor) out = decode_tensor(m->payload);
    else if (m->type == MessageType::frame_report) report = frame_report_from_json(control_body(*m));
    else throw std::runtime_error("unexpected " + type_name(m->type));
  }
  CHECK(report->frame == frame);
  REQUIRE(report->tasks.size() == 1);
  CHECK(report->tasks[0].start_s <= report->tasks[0].compute_end_s);
  CHECK(report->tasks[0].compute_end_s <= report->tasks[0].sent_s);
  return *out;
}

// The error a fresh connection gets after sending `bytes`, and that the worker then closes it.
std::string rejection(const Endpoint& e, const std::vector<std::uint8_t>& bytes) {
  Socket s = connect_tcp(e);
  s.send_all(bytes.data(), bytes.size());
  auto m = read_message(s);
  if (!m || m->type != MessageType::error) return "no error message";
  std::string text = control_body(*m)["message"];
  if (read_message(s)) return "connection left open";  // EOF expected
  return text;
}

std::vector<std::uint8_t> control_bytes(MessageType type, const nlohmann::json& body, std::uint16_t version = 1) {
  const std::string text = body.dump();
  const auto head = encode_header({version, type, static_cast<std::uint32_t>(text.size())});
  // memcpy rather than vector::insert: GCC 12 reports a false -Warray-bounds on the latter.
  std::vector<std::uint8_t> b(kHeaderBytes + text.size());
  std::memcpy(b.data(), head.data(), kHeaderBytes);
  std::memcpy(b.data() + kHeaderBytes, text.data(), text.size());
  return b;
}

}  // namespace

TEST_CASE("edgesplit::runtime::Worker: runs its role on every frame", "[runtime][worker]") {
  auto w = spawn_worker();
  Socket s = hello(w.endpoint);
  write_control(s, MessageType::role, to_json(scale_role(2.5f)));
  auto ack = read_message(s);
  REQUIRE(ack);
  REQUIRE(ack->type == MessageType::role_ack);
  CHECK(control_body(*ack)["tasks"] == 1);
  for (std::uint32_t f = 0; f < 3; ++f) {
    Tensor out = run_frame(s, f, {1.f, -2.f, 4.f * f});
    CHECK(out.frame == f);
    CHECK(out.slot == 20);
    CHECK(out.values == std::vector<float>{2.5f, -5.f, 10.f * f});  // x 2.5, exact in binary floating point
  }
  write_control(s, MessageType::shutdown, {{"exit", true}});
  REQUIRE(w.process.wait_exit(5));
  CHECK(w.process.exit_description() == "exited with status 0");
}

TEST_CASE("edgesplit::runtime::Worker: rejects bad messages and keeps serving", "[runtime][worker]") {
  auto w = spawn_worker();
  Socket s = hello(w.endpoint);
  write_control(s, MessageType::role, to_json(scale_role(-1.f)));
  REQUIRE(read_message(s)->type == MessageType::role_ack);
  CHECK(run_frame(s, 0, {3.f}).values == std::vector<float>{-3.f});

  SECTION("garbage instead of a header") {
    const std::string http = "GET / HTTP/1.1\r\n\r\n";
    CHECK(rejection(w.endpoint, {http.begin(), http.end()}) == "bad magic 0x20544547; expected 0x4c505345 ('ESPL')");
  }
  SECTION("wrong protocol version") {
    CHECK(rejection(w.endpoint, control_bytes(MessageType::hello, {{"token", kToken}, {"peer", "worker"}}, 9)) ==
          "unsupported wire version 9; this end speaks version 1");
  }
  SECTION("oversized message: rejected from its header, nothing is read or allocated") {
    const auto head = encode_header({1, MessageType::tensor, 0xFFFFFFFFu});
    std::vector<std::uint8_t> bytes(kHeaderBytes);
    std::memcpy(bytes.data(), head.data(), kHeaderBytes);
    CHECK(rejection(w.endpoint, bytes) ==
          "tensor message of 4294967295 bytes exceeds the limit of 268435456 bytes");
  }
  SECTION("bad token") {
    CHECK(rejection(w.endpoint, control_bytes(MessageType::hello, {{"token", "guess"}, {"peer", "worker"}})) ==
          "bad token");
  }
  SECTION("no hello first") {
    CHECK(rejection(w.endpoint, control_bytes(MessageType::role, to_json(scale_role(1.f)))) ==
          "expected a hello message first, got role");
  }
  SECTION("a second coordinator") {
    CHECK(rejection(w.endpoint, control_bytes(MessageType::hello, {{"token", kToken}, {"peer", "coordinator"}})) ==
          "busy: another coordinator holds this worker");
  }
  SECTION("a peer worker may not assign roles") {
    Socket p = hello(w.endpoint, "worker");
    write_control(p, MessageType::role, to_json(scale_role(1.f)));
    auto m = read_message(p);
    REQUIRE(m);
    REQUIRE(m->type == MessageType::error);
    CHECK(control_body(*m)["message"] == "unexpected role message from worker -1");
  }
  SECTION("a malformed tensor from a peer") {
    Socket p = hello(w.endpoint, "worker");
    auto bytes = encode_tensor(make_tensor(1, 10, {1.f}));
    bytes[16] = 5;  // h = 5 rows in a 1-row map
    write_message(p, MessageType::tensor, bytes);
    auto m = read_message(p);
    REQUIRE(m);
    CHECK(control_body(*m)["message"] == "tensor region rows [0, 5) x cols [0, 1) lies outside the 1x1 map");
  }
  // The coordinator's connection and role were untouched by the rejected connection.
  CHECK(run_frame(s, 1, {7.f}).values == std::vector<float>{-7.f});
  CHECK_FALSE(w.process.exited());
}

TEST_CASE("edgesplit::runtime::Worker: a role naming an unknown compute is refused", "[runtime][worker]") {
  auto w = spawn_worker();
  Socket s = hello(w.endpoint);
  RoleSpec r = scale_role(1.f);
  r.tasks[0].kind = "scael";
  write_control(s, MessageType::role, to_json(r));
  auto m = read_message(s);
  REQUIRE(m);
  REQUIRE(m->type == MessageType::error);
  CHECK(control_body(*m)["message"] ==
        "role: task 1: unknown compute 'scael'; did you mean 'scale'? known: copy, regions, scale, sum");
}
