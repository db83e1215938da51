// A parsed YAML document as a plain tree whose every node remembers its file, line and column. The loaders read
// this, not yaml-cpp nodes, so sweep overrides can splice nodes from one file into another and errors still point
// at the file the value came from. yaml-cpp itself stays in tree.cpp.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/common/error.hpp"
#include "sim/common/units.hpp"

namespace edgesplit::doc {

struct Node {
  enum class Kind { Null, Scalar, Map, Seq };
  struct Entry;

  Kind kind = Kind::Null;
  std::string text;            // Scalar
  bool quoted = false;         // Scalar written in quotes (then never null or boolean)
  std::vector<Entry> entries;  // Map, in file order
  std::vector<Node> items;     // Seq
  std::shared_ptr<const std::string> file;
  int line = 0, col = 0;       // 1-based; 0 = unknown

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_map() const { return kind == Kind::Map; }
  bool is_seq() const { return kind == Kind::Seq; }
  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
  // "'54 Mbps'", "a map", "a list", "nothing": what an error says it found.
  std::string describe() const;
  const std::string& file_name() const;
};

struct Node::Entry {
  std::string key;
  int line = 0, col = 0;
  Node value;
};

// Collects every problem of a load so that all are reported together.
class Diagnostics {
 public:
  void error(const Node& at, const std::string& key, std::string message);
  void error(const std::string& file, int line, int col, const std::string& key, std::string message);
  bool empty() const { return issues_.empty(); }
  std::size_t size() const { return issues_.size(); }
  const std::vector<InputIssue>& issues() const { return issues_; }
  // Throws InputError with every issue (duplicates dropped, order kept) when there is any.
  void throw_if_any() const;

 private:
  std::vector<InputIssue> issues_;
};

// Parses YAML text. Syntax errors are reported with their position and yield a Null node.
Node parse_yaml(const std::string& text, const std::string& file, Diagnostics& diag);
// Reads and parses a file ("cannot read file" reported when absent). An empty document is reported as
// "empty file; expected <what>".
Node load_yaml_file(const std::string& path, const std::string& what, Diagnostics& diag);
// As load_yaml_file, then resolves a top-level `include:` (a path or list of paths, relative to the including file):
// the included documents are merged first, in order, and this file's keys override them (maps merge recursively,
// anything else is replaced). Include cycles are reported with the chain.
Node load_with_includes(const std::string& path, const std::string& what, Diagnostics& diag);

// Deep merge: `over` wins; maps merge key by key.
void merge_into(Node& base, const Node& over);
// The node as JSON-like YAML flow text (for provenance details that are structured).
std::string to_flow(const Node& n);
// One string as a flow YAML scalar: plain when that reads back the same, else double-quoted with escapes.
std::string flow_scalar(const std::string& text, bool force_quotes = false);

// Path helpers.
std::string join_key(const std::string& prefix, std::string_view key);      // "a" + "b" → "a.b"
std::string index_key(const std::string& prefix, std::size_t i);            // "a" + 2 → "a[2]"
std::string dir_of(const std::string& path);                                 // "" for a bare name
std::string resolve_path(const std::string& base_file, const std::string& rel);  // relative to base_file's dir

// Reads one map, remembering which keys were asked for so that finish() can report the others as unknown with
// the nearest valid key.
class MapReader {
 public:
  MapReader(const Node& node, std::string path, Diagnostics& diag, std::string_view what = "a map");
  bool ok() const { return ok_; }
  const Node* get(std::string_view key);   // optional key
  const Node* need(std::string_view key);  // required key: reports "missing key" at the map
  // A key that is valid but read elsewhere (so finish() does not call it unknown).
  void allow(std::string_view key) { known_.emplace(key); }
  std::string key(std::string_view k) const { return join_key(path_, k); }
  const std::string& path() const { return path_; }
  const Node& node() const { return node_; }
  void finish();

 private:
  const Node& node_;
  std::string path_;
  Diagnostics& diag_;
  bool ok_ = false;
  std::set<std::string, std::less<>> known_;
  std::vector<std::string> known_order_;
};

// Typed scalar readers: report "expected X, found Y" at the node and return nullopt when wrong.
std::optional<std::string> read_string(const Node& n, const std::string& key, Diagnostics& diag);
std::optional<long long> read_int(const Node& n, const std::string& key, Diagnostics& diag);
std::optional<double> read_number(const Node& n, const std::string& key, Diagnostics& diag);
std::optional<bool> read_bool(const Node& n, const std::string& key, Diagnostics& diag);
std::optional<double> read_quantity(const Node& n, const std::string& key, Quantity q, Diagnostics& diag);
// A choice among names: reports unknown_name_message(what, ...).
std::optional<std::string> read_choice(const Node& n, const std::string& key, const std::string& what,
                                       const std::vector<std::string>& choices, Diagnostics& diag,
                                       const std::string& suffix = "");
// Require a value > 0 (or >= 0 when allow_zero); reports "must be positive, found '…'".
bool check_positive(const Node& n, const std::string& key, double v, Diagnostics& diag, bool allow_zero = false);

}  // namespace edgesplit::doc
