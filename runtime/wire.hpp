// The emulator's wire protocol: length-prefixed binary messages between coordinator and workers.
// Frame: 12-byte header (magic "ESPL", version, type, payload length; little-endian) + payload. Control payloads are
// JSON objects; tensor payloads are a fixed 44-byte header (frame, slot, precision, shape, region, scale) + raw
// little-endian float32 or int8 values. Every limit is explicit; docs/formats.md ("Emulator wire protocol").
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/socket.hpp"

namespace edgesplit::runtime {

static_assert(std::endian::native == std::endian::little, "tensor values are sent as the host's float32 bytes");

inline constexpr std::uint32_t kWireMagic = 0x4C505345;  // bytes 'E' 'S' 'P' 'L' read as a little-endian u32
inline constexpr std::uint16_t kWireVersion = 1;
inline constexpr std::size_t kHeaderBytes = 12;
inline constexpr std::size_t kTensorHeaderBytes = 44;
inline constexpr std::uint32_t kMaxControlBytes = 1u << 20;   // JSON messages: 1 MiB
inline constexpr std::uint32_t kMaxTensorBytes = 256u << 20;  // one tensor piece: 256 MiB
inline constexpr int kMaxTensorDim = 1 << 16;

enum class MessageType : std::uint16_t {
  hello = 1,         // coordinator or peer worker -> worker, JSON {token, peer: "coordinator"|"worker", from}
  hello_ack = 2,     // worker -> connector, JSON {pid, version}
  error = 3,         // either way, JSON {message}; the sender closes the connection afterwards
  role = 4,          // coordinator -> worker, JSON RoleSpec (worker.hpp)
  role_ack = 5,      // worker -> coordinator, JSON {worker, tasks}
  tensor = 6,        // anyone -> worker, worker -> coordinator: a tensor piece (binary)
  frame_report = 7,  // worker -> coordinator, JSON: per-task timestamps of one frame
  shutdown = 8,      // coordinator -> worker, JSON {exit: bool}
  credit = 9,        // worker -> peer worker, JSON {frame, slots}: the receiver has begun that frame (pipelined roles)
};

std::string type_name(MessageType t);
std::uint32_t max_payload_bytes(MessageType t);

// A message that breaks the protocol (bad magic, version, type, size, content). The receiver answers with an
// `error` message carrying what(), closes that connection, and keeps serving the others.
class WireError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Header {
  std::uint16_t version = kWireVersion;
  MessageType type = MessageType::hello;
  std::uint32_t payload_bytes = 0;
};

std::array<std::uint8_t, kHeaderBytes> encode_header(const Header& h);
// Validates magic, version, type and the size limit for the type; throws WireError with the exact reason.
Header decode_header(std::span<const std::uint8_t, kHeaderBytes> bytes);

struct Message {
  MessageType type = MessageType::hello;
  std::vector<std::uint8_t> payload;
};

// Sends header + payload (paced when `pacer` is given). Returns the bytes put on the wire.
std::size_t write_message(Socket& s, MessageType type, std::span<const std::uint8_t> payload,
                          LinkPacer* pacer = nullptr);
std::size_t write_control(Socket& s, MessageType type, const nlohmann::json& body, LinkPacer* pacer = nullptr);
// nullopt on a clean EOF between messages. Throws WireError for a malformed header (before reading any payload, so
// an oversized length never allocates) and NetError when the connection fails.
std::optional<Message> read_message(Socket& s);
// The JSON object in a control message; WireError when it is not one.
nlohmann::json control_body(const Message& m);

enum class Precision : std::uint8_t { f32 = 0, int8 = 1 };
std::string precision_name(Precision p);
Precision parse_precision(const std::string& name);  // "f32" | "int8"; throws std::invalid_argument
std::size_t precision_bytes(Precision p);

// A piece of a feature map: channels c, rows [row0, row0+h), columns [col0, col0+w) of a full map full_h x full_w.
// Values are held as float in memory; `precision` says how they travel (int8: symmetric, value = q * scale).
struct Tensor {
  std::uint32_t frame = 0;
  std::int32_t slot = 0;  // which data item of the task graph this is (the plan's transfer id)
  Precision precision = Precision::f32;
  int c = 0, h = 0, w = 0;
  int row0 = 0, col0 = 0;
  int full_h = 0, full_w = 0;
  std::vector<float> values;  // c*h*w, channel-major (CHW)

  std::size_t elements() const { return static_cast<std::size_t>(c) * h * w; }
  float& at(int ch, int y, int x) { return values[(static_cast<std::size_t>(ch) * h + y) * w + x]; }
  float at(int ch, int y, int x) const { return values[(static_cast<std::size_t>(ch) * h + y) * w + x]; }
};

// Bytes of the tensor message payload (header + values at its precision); the wire adds kHeaderBytes.
std::size_t tensor_payload_bytes(const Tensor& t);
std::vector<std::uint8_t> encode_tensor(const Tensor& t);
// Validates shape, region and length; throws WireError naming the field.
Tensor decode_tensor(std::span<const std::uint8_t> payload);
std::size_t write_tensor(Socket& s, const Tensor& t, LinkPacer* pacer = nullptr);

}  // namespace edgesplit::runtime
