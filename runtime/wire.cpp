// Encoding, decoding and validation of the emulator's wire messages (see wire.hpp).
#include "runtime/wire.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace edgesplit::runtime {
namespace {

void put_u16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
}
void put_u32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint16_t get_u16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
std::uint32_t get_u32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

bool known_type(std::uint16_t t) { return t >= 1 && t <= 9; }

}  // namespace

std::string type_name(MessageType t) {
  switch (t) {
    case MessageType::hello: return "hello";
    case MessageType::hello_ack: return "hello_ack";
    case MessageType::error: return "error";
    case MessageType::role: return "role";
    case MessageType::role_ack: return "role_ack";
    case MessageType::tensor: return "tensor";
    case MessageType::frame_report: return "frame_report";
    case MessageType::shutdown: return "shutdown";
    case MessageType::credit: return "credit";
  }
  return fmt::format("type {}", static_cast<int>(t));
}

std::uint32_t max_payload_bytes(MessageType t) {
  return t == MessageType::tensor ? kMaxTensorBytes : kMaxControlBytes;
}

std::array<std::uint8_t, kHeaderBytes> encode_header(const Header& h) {
  std::array<std::uint8_t, kHeaderBytes> b{};
  put_u32(b.data(), kWireMagic);
  put_u16(b.data() + 4, h.version);
  put_u16(b.data() + 6, static_cast<std::uint16_t>(h.type));
  put_u32(b.data() + 8, h.payload_bytes);
  return b;
}

Header decode_header(std::span<const std::uint8_t, kHeaderBytes> b) {
  const std::uint32_t magic = get_u32(b.data());
  if (magic != kWireMagic)
    throw WireError(fmt::format("bad magic 0x{:08x}; expected 0x{:08x} ('ESPL')", magic, kWireMagic));
  Header h;
  h.version = get_u16(b.data() + 4);
  if (h.version != kWireVersion)
    throw WireError(fmt::format("unsupported wire version {}; this end speaks version {}", h.version, kWireVersion));
  const std::uint16_t type = get_u16(b.data() + 6);
  if (!known_type(type)) throw WireError(fmt::format("unknown message type {}", type));
  h.type = static_cast<MessageType>(type);
  h.payload_bytes = get_u32(b.data() + 8);
  if (h.payload_bytes > max_payload_bytes(h.type))
    throw WireError(fmt::format("{} message of {} bytes exceeds the limit of {} bytes", type_name(h.type),
                                h.payload_bytes, max_payload_bytes(h.type)));
  return h;
}

std::size_t write_message(Socket& s, MessageType type, std::span<const std::uint8_t> payload, LinkPacer* pacer) {
  if (payload.size() > max_payload_bytes(type))
    throw WireError(fmt::format("refusing to send a {} message of {} bytes (limit {})", type_name(type),
                                payload.size(), max_payload_bytes(type)));
  Header h;
  h.type = type;
  h.payload_bytes = static_cast<std::uint32_t>(payload.size());
  const auto head = encode_header(h);
  if (pacer != nullptr) pacer->begin_message();
  // One buffer, so a small message is one segment and the pacer sees the bytes the link carries.
  std::vector<std::uint8_t> all(head.begin(), head.end());
  all.insert(all.end(), payload.begin(), payload.end());
  s.send_all(all.data(), all.size(), pacer);
  return all.size();
}

std::size_t write_control(Socket& s, MessageType type, const nlohmann::json& body, LinkPacer* pacer) {
  const std::string text = body.dump();
  return write_message(s, type, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, pacer);
}

std::optional<Message> read_message(Socket& s) {
  std::array<std::uint8_t, kHeaderBytes> head{};
  if (!s.recv_exact(head.data(), head.size(), true)) return std::nullopt;
  const Header h = decode_header(head);
  Message m;
  m.type = h.type;
  m.payload.resize(h.payload_bytes);
  if (h.payload_bytes > 0) s.recv_exact(m.payload.data(), m.payload.size());
  return m;
}

nlohmann::json control_body(const Message& m) {
  nlohmann::json j = nlohmann::json::parse(m.payload.begin(), m.payload.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw WireError(fmt::format("{} message payload is not a JSON object", type_name(m.type)));
  return j;
}

std::string precision_name(Precision p) { return p == Precision::f32 ? "f32" : "int8"; }

Precision parse_precision(const std::string& name) {
  if (name == "f32") return Precision::f32;
  if (name == "int8") return Precision::int8;
  throw std::invalid_argument(fmt::format("unknown precision '{}'; known: f32, int8", name));
}

std::size_t precision_bytes(Precision p) { return p == Precision::f32 ? 4 : 1; }

std::size_t tensor_payload_bytes(const Tensor& t) {
  return kTensorHeaderBytes + t.elements() * precision_bytes(t.precision);
}

std::vector<std::uint8_t> encode_tensor(const Tensor& t) {
  if (t.values.size() != t.elements())
    throw WireError(fmt::format("tensor slot {} holds {} values for shape {}x{}x{}", t.slot, t.values.size(), t.c,
                                t.h, t.w));
  std::vector<std::uint8_t> b(tensor_payload_bytes(t));
  std::uint8_t* p = b.data();
  float scale = 1.0f;
  if (t.precision == Precision::int8) {
    float max_abs = 0;
    for (float v : t.values) max_abs = std::max(max_abs, std::fabs(v));
    scale = max_abs > 0 ? max_abs / 127.0f : 1.0f;
  }
  put_u32(p + 0, t.frame);
  put_u32(p + 4, static_cast<std::uint32_t>(t.slot));
  p[8] = static_cast<std::uint8_t>(t.precision);
  put_u32(p + 12, static_cast<std::uint32_t>(t.c));
  put_u32(p + 16, static_cast<std::uint32_t>(t.h));
  put_u32(p + 20, static_cast<std::uint32_t>(t.w));
  put_u32(p + 24, static_cast<std::uint32_t>(t.row0));
  put_u32(p + 28, static_cast<std::uint32_t>(t.col0));
  put_u32(p + 32, static_cast<std::uint32_t>(t.full_h));
  put_u32(p + 36, static_cast<std::uint32_t>(t.full_w));
  std::memcpy(p + 40, &scale, 4);
  std::uint8_t* data = p + kTensorHeaderBytes;
  if (t.precision == Precision::f32) {
    std::memcpy(data, t.values.data(), t.values.size() * 4);
  } else {
    for (std::size_t i = 0; i < t.values.size(); ++i) {
      const float q = std::clamp(std::nearbyint(t.values[i] / scale), -127.0f, 127.0f);
      data[i] = static_cast<std::uint8_t>(static_cast<std::int8_t>(q));
    }
  }
  return b;
}

Tensor decode_tensor(std::span<const std::uint8_t> b) {
  if (b.size() < kTensorHeaderBytes)
    throw WireError(fmt::format("tensor message of {} bytes is shorter than its {}-byte header", b.size(),
                                kTensorHeaderBytes));
  const std::uint8_t* p = b.data();
  Tensor t;
  t.frame = get_u32(p + 0);
  t.slot = static_cast<std::int32_t>(get_u32(p + 4));
  if (p[8] > 1) throw WireError(fmt::format("tensor precision code {} unknown (0 = f32, 1 = int8)", p[8]));
  t.precision = static_cast<Precision>(p[8]);
  const std::uint32_t dims[7] = {get_u32(p + 12), get_u32(p + 16), get_u32(p + 20), get_u32(p + 24),
                                 get_u32(p + 28), get_u32(p + 32), get_u32(p + 36)};
  const char* names[7] = {"c", "h", "w", "row0", "col0", "full_h", "full_w"};
  for (int i = 0; i < 7; ++i)
    if (dims[i] > static_cast<std::uint32_t>(kMaxTensorDim))
      throw WireError(fmt::format("tensor field {} = {} exceeds {}", names[i], dims[i], kMaxTensorDim));
  t.c = static_cast<int>(dims[0]);
  t.h = static_cast<int>(dims[1]);
  t.w = static_cast<int>(dims[2]);
  t.row0 = static_cast<int>(dims[3]);
  t.col0 = static_cast<int>(dims[4]);
  t.full_h = static_cast<int>(dims[5]);
  t.full_w = static_cast<int>(dims[6]);
  if (t.row0 + t.h > t.full_h || t.col0 + t.w > t.full_w)
    throw WireError(fmt::format("tensor region rows [{}, {}) x cols [{}, {}) lies outside the {}x{} map", t.row0,
                                t.row0 + t.h, t.col0, t.col0 + t.w, t.full_h, t.full_w));
  const std::size_t want = tensor_payload_bytes(t);
  if (b.size() != want)
    throw WireError(fmt::format("tensor {}x{}x{} {} needs {} payload bytes, message has {}", t.c, t.h, t.w,
                                precision_name(t.precision), want, b.size()));
  float scale = 1.0f;
  std::memcpy(&scale, p + 40, 4);
  t.values.resize(t.elements());
  const std::uint8_t* data = p + kTensorHeaderBytes;
  if (t.precision == Precision::f32) {
    std::memcpy(t.values.data(), data, t.values.size() * 4);
  } else {
    if (!(scale > 0) || !std::isfinite(scale)) throw WireError(fmt::format("int8 tensor scale {} is not positive", scale));
    for (std::size_t i = 0; i < t.values.size(); ++i) t.values[i] = static_cast<std::int8_t>(data[i]) * scale;
  }
  return t;
}

std::size_t write_tensor(Socket& s, const Tensor& t, LinkPacer* pacer) {
  const auto payload = encode_tensor(t);
  return write_message(s, MessageType::tensor, payload, pacer);
}

}  // namespace edgesplit::runtime
