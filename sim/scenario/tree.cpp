// yaml-cpp → doc::Node conversion, includes, and the typed readers every loader shares.
#include "sim/scenario/tree.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>
#include <set>
#include <sstream>

namespace edgesplit::doc {

namespace fs = std::filesystem;

const Node* Node::find(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e.value;
  return nullptr;
}

Node* Node::find(std::string_view key) {
  for (auto& e : entries)
    if (e.key == key) return &e.value;
  return nullptr;
}

std::string Node::describe() const {
  switch (kind) {
    case Kind::Null: return "nothing";
    case Kind::Scalar: return fmt::format("'{}'", text);
    case Kind::Map: return "a map";
    case Kind::Seq: return "a list";
  }
  return "?";
}

const std::string& Node::file_name() const {
  static const std::string none;
  return file ? *file : none;
}

void Diagnostics::error(const Node& at, const std::string& key, std::string message) {
  issues_.push_back({at.file_name(), at.line, at.col, key, std::move(message)});
}

void Diagnostics::error(const std::string& file, int line, int col, const std::string& key, std::string message) {
  issues_.push_back({file, line, col, key, std::move(message)});
}

void Diagnostics::throw_if_any() const {
  if (issues_.empty()) return;
  std::vector<InputIssue> unique;
  std::set<std::string> seen;
  for (const auto& i : issues_)
    if (seen.insert(i.format()).second) unique.push_back(i);
  // In file order: files in the order their first problem was found, then by line and column.
  std::map<std::string, std::size_t> rank;
  for (const auto& i : unique) rank.emplace(i.file, rank.size());
  std::stable_sort(unique.begin(), unique.end(), [&](const InputIssue& a, const InputIssue& b) {
    return std::tie(rank[a.file], a.line, a.column) < std::tie(rank[b.file], b.line, b.column);
  });
  throw InputError(std::move(unique));
}

namespace {

Node convert(const YAML::Node& y, const std::shared_ptr<const std::string>& file, const std::string& path,
             Diagnostics& diag, int fallback_line, int fallback_col) {
  Node n;
  n.file = file;
  YAML::Mark m = y.Mark();
  n.line = m.is_null() ? fallback_line : m.line + 1;
  n.col = m.is_null() ? fallback_col : m.column + 1;
  switch (y.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      n.kind = Node::Kind::Null;
      break;
    case YAML::NodeType::Scalar:
      n.kind = Node::Kind::Scalar;
      n.text = y.Scalar();
      n.quoted = y.Tag() == "!";
      // A plain `~` or `null` is YAML's null, as an absent value.
      if (!n.quoted && (n.text == "~" || n.text == "null" || n.text == "Null" || n.text == "NULL")) {
        n.kind = Node::Kind::Null;
        n.text.clear();
      }
      break;
    case YAML::NodeType::Sequence: {
      n.kind = Node::Kind::Seq;
      std::size_t i = 0;
      for (const auto& item : y) n.items.push_back(convert(item, file, index_key(path, i++), diag, n.line, n.col));
      break;
    }
    case YAML::NodeType::Map: {
      n.kind = Node::Kind::Map;
      for (const auto& kv : y) {
        Node::Entry e;
        YAML::Mark km = kv.first.Mark();
        e.line = km.is_null() ? n.line : km.line + 1;
        e.col = km.is_null() ? n.col : km.column + 1;
        if (!kv.first.IsScalar()) {
          diag.error(file ? *file : "", e.line, e.col, path, "keys must be plain names, found a complex key");
          continue;
        }
        e.key = kv.first.Scalar();
        std::string key = join_key(path, e.key);
        if (n.find(e.key)) {
          diag.error(file ? *file : "", e.line, e.col, key, "duplicate key");
          continue;
        }
        // A `key:` with no value has no mark of its own; point at the key.
        e.value = convert(kv.second, file, key, diag, e.line, e.col);
        n.entries.push_back(std::move(e));
      }
      break;
    }
  }
  return n;
}

}  // namespace

Node parse_yaml(const std::string& text, const std::string& file, Diagnostics& diag) {
  auto fp = std::make_shared<const std::string>(file);
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(text);
    if (docs.size() > 1) {
      diag.error(file, docs[1].Mark().is_null() ? 0 : docs[1].Mark().line + 1, 0, "",
                 fmt::format("expected one YAML document, found {}", docs.size()));
    }
    if (docs.empty()) {
      Node n;
      n.file = fp;
      return n;
    }
    return convert(docs[0], fp, "", diag, 1, 1);
  } catch (const YAML::Exception& e) {
    diag.error(file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1, "",
               fmt::format("YAML syntax error: {}", e.msg));
    Node n;
    n.file = fp;
    return n;
  }
}

Node load_yaml_file(const std::string& path, const std::string& what, Diagnostics& diag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diag.error(path, 0, 0, "", fmt::format("cannot read file (expected {})", what));
    Node n;
    n.file = std::make_shared<const std::string>(path);
    return n;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::size_t before = diag.size();
  Node n = parse_yaml(ss.str(), path, diag);
  if (n.is_null() && diag.size() == before) diag.error(path, 0, 0, "", fmt::format("empty file; expected {}", what));
  return n;
}

namespace {
Node load_includes_rec(const std::string& path, const std::string& what, Diagnostics& diag,
                       std::vector<std::string>& stack) {
  std::string canon = fs::weakly_canonical(fs::path(path)).string();
  Node self = load_yaml_file(path, what, diag);
  stack.push_back(canon);
  Node result;
  if (self.is_map()) {
    if (const Node* inc = self.find("include")) {
      std::vector<const Node*> files;
      if (inc->is_seq())
        for (const auto& i : inc->items) files.push_back(&i);
      else
        files.push_back(inc);
      bool first = true;
      for (std::size_t i = 0; i < files.size(); ++i) {
        const Node* f = files[i];
        std::string key = inc->is_seq() ? index_key("include", i) : "include";
        if (!f->is_scalar()) {
          diag.error(*f, key, fmt::format("expected a file path, found {}", f->describe()));
          continue;
        }
        std::string target = resolve_path(path, f->text);
        std::string tcanon = fs::weakly_canonical(fs::path(target)).string();
        if (std::find(stack.begin(), stack.end(), tcanon) != stack.end()) {
          std::string chain;
          for (const auto& s : stack) chain += fs::path(s).filename().string() + " -> ";
          diag.error(*f, key, fmt::format("include cycle: {}{}", chain, fs::path(tcanon).filename().string()));
          continue;
        }
        Node sub = load_includes_rec(target, what, diag, stack);
        if (sub.is_null()) continue;
        if (!sub.is_map()) {
          diag.error(sub, "", fmt::format("an included file must be a map, found {}", sub.describe()));
          continue;
        }
        if (first) {
          result = std::move(sub);
          first = false;
        } else {
          merge_into(result, sub);
        }
      }
      // The including file's own keys, without `include`, override what it included.
      Node own = self;
      own.entries.erase(std::remove_if(own.entries.begin(), own.entries.end(),
                                       [](const Node::Entry& e) { return e.key == "include"; }),
                        own.entries.end());
      if (first) {
        result = std::move(own);
      } else {
        merge_into(result, own);
        result.file = own.file;
        result.line = own.line;
        result.col = own.col;
      }
      stack.pop_back();
      return result;
    }
  }
  stack.pop_back();
  return self;
}
}  // namespace

Node load_with_includes(const std::string& path, const std::string& what, Diagnostics& diag) {
  std::vector<std::string> stack;
  return load_includes_rec(path, what, diag, stack);
}

void merge_into(Node& base, const Node& over) {
  if (base.is_map() && over.is_map()) {
    for (const auto& e : over.entries) {
      if (Node* b = base.find(e.key))
        merge_into(*b, e.value);
      else
        base.entries.push_back(e);
    }
    return;
  }
  base = over;
}

namespace {
// Words a plain YAML scalar reads as null or a bool rather than as a string.
bool reserved_word(const std::string& t) {
  static const char* reserved[] = {"~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"};
  for (const char* r : reserved)
    if (t == r) return true;
  return false;
}

// Plain when YAML would read the text back as the same string in a flow context; else double-quoted.
bool plain_safe(const std::string& t) {
  if (t.empty() || std::isspace(static_cast<unsigned char>(t.front())) ||
      std::isspace(static_cast<unsigned char>(t.back())))
    return false;
  static const std::string bad_first = "?:,[]{}#&*!|>'\"%@`";
  if (bad_first.find(t.front()) != std::string::npos) return false;
  if (t.front() == '-' && (t.size() == 1 || !std::isdigit(static_cast<unsigned char>(t[1])))) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    if (c < 0x20 || c == 0x7f || t[i] == ',' || t[i] == '[' || t[i] == ']' || t[i] == '{' || t[i] == '}') return false;
    if (t[i] == ':' && (i + 1 == t.size() || t[i + 1] == ' ')) return false;
    if (t[i] == '#' && i > 0 && t[i - 1] == ' ') return false;
  }
  return !reserved_word(t);
}
}  // namespace

std::string flow_scalar(const std::string& text, bool force_quotes) {
  if (!force_quotes && plain_safe(text)) return text;
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        else
          out += c;
    }
  }
  return out + "\"";
}

std::string to_flow(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Null: return "~";
    // An unquoted `false` or `~` was written plain and reads back the same way plain; only a string needs quotes.
    case Node::Kind::Scalar: return !n.quoted && reserved_word(n.text) ? n.text : flow_scalar(n.text, n.quoted);
    case Node::Kind::Seq: {
      std::string out = "[";
      for (std::size_t i = 0; i < n.items.size(); ++i) out += (i ? ", " : "") + to_flow(n.items[i]);
      return out + "]";
    }
    case Node::Kind::Map: {
      std::string out = "{";
      for (std::size_t i = 0; i < n.entries.size(); ++i)
        out += (i ? ", " : "") + n.entries[i].key + ": " + to_flow(n.entries[i].value);
      return out + "}";
    }
  }
  return "";
}

std::string join_key(const std::string& prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return prefix + "." + std::string(key);
}

std::string index_key(const std::string& prefix, std::size_t i) { return fmt::format("{}[{}]", prefix, i); }

std::string dir_of(const std::string& path) { return fs::path(path).parent_path().string(); }

std::string resolve_path(const std::string& base_file, const std::string& rel) {
  fs::path p(rel);
  if (p.is_absolute() || base_file.empty()) return p.lexically_normal().string();
  return (fs::path(base_file).parent_path() / p).lexically_normal().string();
}

MapReader::MapReader(const Node& node, std::string path, Diagnostics& diag, std::string_view what)
    : node_(node), path_(std::move(path)), diag_(diag) {
  ok_ = node.is_map();
  if (!ok_) diag_.error(node, path_, fmt::format("expected {}, found {}", what, node.describe()));
}

const Node* MapReader::get(std::string_view key) {
  if (known_.emplace(key).second) known_order_.emplace_back(key);
  // `key: ~` (or `key:` with nothing) means unset, as if the key were absent: sweeps use it to leave a key out.
  const Node* n = ok_ ? node_.find(key) : nullptr;
  return n && !n->is_null() ? n : nullptr;
}

const Node* MapReader::need(std::string_view key) {
  const Node* n = get(key);
  if (!n && ok_) {
    const Node* null_value = node_.find(key);
    if (null_value)
      diag_.error(*null_value, join_key(path_, key), "expected a value, found nothing");
    else
      diag_.error(node_, join_key(path_, key), "missing key");
  }
  return n;
}

void MapReader::finish() {
  if (!ok_) return;
  for (const auto& e : node_.entries) {
    if (known_.count(e.key)) continue;
    std::vector<std::string> valid(known_order_.begin(), known_order_.end());
    std::string msg = fmt::format("unknown key '{}'", e.key);
    std::string near = nearest_name(e.key, valid);
    if (!near.empty()) msg += fmt::format("; did you mean '{}'?", near);
    std::string list;
    for (const auto& v : valid) list += (list.empty() ? "" : ", ") + v;
    msg += fmt::format("{} valid keys: {}", near.empty() ? ";" : "", list);
    diag_.error(node_.file_name(), e.line, e.col, join_key(path_, e.key), msg);
  }
}

std::optional<std::string> read_string(const Node& n, const std::string& key, Diagnostics& diag) {
  if (n.is_scalar()) return n.text;
  diag.error(n, key, fmt::format("expected a string, found {}", n.describe()));
  return std::nullopt;
}

std::optional<long long> read_int(const Node& n, const std::string& key, Diagnostics& diag) {
  if (n.is_scalar() && !n.quoted) {
    const std::string& s = n.text;
    long long v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && ptr == s.data() + s.size()) return v;
  }
  diag.error(n, key, fmt::format("expected an integer, found {}", n.describe()));
  return std::nullopt;
}

std::optional<double> read_number(const Node& n, const std::string& key, Diagnostics& diag) {
  if (n.is_scalar() && !n.quoted) {
    try {
      return parse_number(n.text);
    } catch (const UnitError&) {
    }
  }
  diag.error(n, key, fmt::format("expected a number, found {}", n.describe()));
  return std::nullopt;
}

std::optional<bool> read_bool(const Node& n, const std::string& key, Diagnostics& diag) {
  if (n.is_scalar() && !n.quoted) {
    if (n.text == "true") return true;
    if (n.text == "false") return false;
  }
  diag.error(n, key, fmt::format("expected true or false, found {}", n.describe()));
  return std::nullopt;
}

std::optional<double> read_quantity(const Node& n, const std::string& key, Quantity q, Diagnostics& diag) {
  if (!n.is_scalar()) {
    diag.error(n, key, fmt::format("expected a {} such as '{}', found {}", quantity_name(q),
                                   format_quantity(q == Quantity::Time ? 2e-3 : 1, q), n.describe()));
    return std::nullopt;
  }
  try {
    return parse_quantity(n.text, q);
  } catch (const UnitError& e) {
    diag.error(n, key, e.what());
    return std::nullopt;
  }
}

std::optional<std::string> read_choice(const Node& n, const std::string& key, const std::string& what,
                                       const std::vector<std::string>& choices, Diagnostics& diag,
                                       const std::string& suffix) {
  auto s = read_string(n, key, diag);
  if (!s) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *s) != choices.end()) return s;
  diag.error(n, key, unknown_name_message(what, *s, choices) + suffix);
  return std::nullopt;
}

bool check_positive(const Node& n, const std::string& key, double v, Diagnostics& diag, bool allow_zero) {
  if (v > 0 || (allow_zero && v == 0)) return true;
  diag.error(n, key, fmt::format("must be {}, found {}", allow_zero ? "zero or more" : "positive", n.describe()));
  return false;
}

}  // namespace edgesplit::doc
