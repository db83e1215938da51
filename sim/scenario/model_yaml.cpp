// Model YAML reader: one map per layer; `inputs` by name; shapes inferred by sim/model, errors mapped to lines.
#include "sim/scenario/model_yaml.hpp"

#include <fmt/format.h>

#include <map>

#include "sim/scenario/readers.hpp"

namespace edgesplit {
namespace doc {
namespace {

const std::vector<std::pair<std::string, Op>>& op_table() {
  static const std::vector<std::pair<std::string, Op>> t = {
      {"conv", Op::Conv},           {"maxpool", Op::MaxPool},       {"avgpool", Op::AvgPool},
      {"global_avgpool", Op::GlobalAvgPool}, {"fc", Op::FullyConnected}, {"add", Op::Add},
      {"concat", Op::Concat},       {"batchnorm", Op::BatchNorm},   {"activation", Op::Activation},
      {"reorg", Op::Reorg},         {"upsample", Op::Upsample},     {"softmax", Op::Softmax}};
  return t;
}

const std::vector<std::pair<std::string, Act>>& act_table() {
  static const std::vector<std::pair<std::string, Act>> t = {
      {"none", Act::None}, {"relu", Act::ReLU}, {"relu6", Act::ReLU6}, {"leaky", Act::Leaky}, {"sigmoid", Act::Sigmoid}};
  return t;
}

template <class T>
std::vector<std::string> names_of(const std::vector<std::pair<std::string, T>>& t) {
  std::vector<std::string> out;
  for (const auto& [n, v] : t) out.push_back(n);
  return out;
}

// `3` or `[3, 5]` (height, width); each positive (or >= 0 when allow_zero).
bool read_pair(const Node& n, const std::string& key, int& h, int& w, Diagnostics& diag, bool allow_zero = false) {
  auto one = [&](const Node& x, const std::string& k, int& out) {
    auto v = read_int(x, k, diag);
    if (!v) return false;
    if (*v < (allow_zero ? 0 : 1) || *v > 1'000'000) {
      diag.error(x, k, fmt::format("must be {}, found {}", allow_zero ? "zero or more" : "positive", x.describe()));
      return false;
    }
    out = static_cast<int>(*v);
    return true;
  };
  if (n.is_seq()) {
    if (n.items.size() != 2) {
      diag.error(n, key, fmt::format("expected an integer or [height, width], found a list of {}", n.items.size()));
      return false;
    }
    return one(n.items[0], index_key(key, 0), h) & one(n.items[1], index_key(key, 1), w);
  }
  if (!one(n, key, h)) return false;
  w = h;
  return true;
}

// pad: N | [h, w] | [top, bottom, left, right] | same.
void read_pad(const Node& n, const std::string& key, Layer& l, Diagnostics& diag) {
  if (n.is_scalar() && n.text == "same") {
    l.pad_top = l.pad_bottom = (l.kernel_h - 1) / 2 * l.dilation_h;
    l.pad_left = l.pad_right = (l.kernel_w - 1) / 2 * l.dilation_w;
    return;
  }
  if (n.is_seq() && n.items.size() == 4) {
    int* dst[4] = {&l.pad_top, &l.pad_bottom, &l.pad_left, &l.pad_right};
    for (std::size_t i = 0; i < 4; ++i) {
      std::string k = index_key(key, i);
      if (auto v = read_int(n.items[i], k, diag)) {
        if (*v < 0)
          diag.error(n.items[i], k, fmt::format("must be zero or more, found {}", n.items[i].describe()));
        else
          *dst[i] = static_cast<int>(*v);
      }
    }
    return;
  }
  if (n.is_scalar() && !n.text.empty() && !std::isdigit(static_cast<unsigned char>(n.text[0]))) {
    diag.error(n, key, fmt::format("expected an integer, [h, w], [top, bottom, left, right] or 'same', found {}",
                                   n.describe()));
    return;
  }
  int h = 0, w = 0;
  if (read_pair(n, key, h, w, diag, true)) {
    l.pad_top = l.pad_bottom = h;
    l.pad_left = l.pad_right = w;
  }
}

}  // namespace

std::optional<Model> read_model(const Node& root, Diagnostics& diag) {
  std::size_t before = diag.size();
  MapReader r(root, "", diag, "a model map {model, input, layers}");
  if (!r.ok()) return std::nullopt;
  Model m;
  if (const Node* n = r.need("model"))
    if (auto s = read_string(*n, "model", diag)) m.name = *s;
  if (const Node* n = r.get("top1"))
    if (auto v = read_number(*n, "top1", diag)) m.facts.top1 = *v;
  if (const Node* n = r.get("accuracy_source"))
    if (auto s = read_string(*n, "accuracy_source", diag)) m.facts.accuracy_source = *s;

  Layer input;
  input.name = "input";
  input.op = Op::Input;
  input.bias = false;
  if (const Node* n = r.need("input")) {
    if (!n->is_seq() || n->items.size() != 3) {
      diag.error(*n, "input", fmt::format("expected [channels, height, width], found {}", n->describe()));
    } else {
      int* dst[3] = {&input.out.c, &input.out.h, &input.out.w};
      for (std::size_t i = 0; i < 3; ++i) {
        std::string k = index_key("input", i);
        if (auto v = read_int(n->items[i], k, diag)) {
          if (*v <= 0)
            diag.error(n->items[i], k, fmt::format("must be positive, found {}", n->items[i].describe()));
          else
            *dst[i] = static_cast<int>(*v);
        }
      }
    }
  }
  m.layers.push_back(input);

  std::map<std::string, int> index{{"input", 0}};
  std::vector<std::string> names{"input"};
  std::vector<const Node*> layer_nodes{nullptr};
  const Node* layers = r.need("layers");
  if (layers && (!layers->is_seq() || layers->items.empty())) {
    diag.error(*layers, "layers", fmt::format("expected a non-empty list of layers, found {}", layers->describe()));
    layers = nullptr;
  }
  r.finish();
  bool structure_ok = true;
  if (layers) {
    for (std::size_t i = 0; i < layers->items.size(); ++i) {
      const Node& ln = layers->items[i];
      std::string path = index_key("layers", i);
      MapReader lr(ln, path, diag, "a layer map {name, op, ...}");
      if (!lr.ok()) {
        structure_ok = false;
        continue;
      }
      Layer l;
      l.bias = false;
      bool named = false;
      if (const Node* n = lr.need("name"))
        if (auto s = read_string(*n, lr.key("name"), diag)) {
          l.name = *s;
          named = true;
          if (index.count(l.name)) {
            diag.error(*n, lr.key("name"), fmt::format("duplicate layer name '{}'", l.name));
            named = false;
          }
        }
      std::optional<Op> op;
      if (const Node* n = lr.need("op"))
        if (auto s = read_choice(*n, lr.key("op"), "op", names_of(op_table()), diag))
          for (const auto& [name, o] : op_table())
            if (name == *s) op = o;
      // Inputs by name; default: the previous layer.
      if (const Node* n = lr.get("inputs")) {
        std::vector<const Node*> refs;
        if (n->is_seq())
          for (const auto& x : n->items) refs.push_back(&x);
        else
          refs.push_back(n);
        for (std::size_t j = 0; j < refs.size(); ++j) {
          std::string k = n->is_seq() ? index_key(lr.key("inputs"), j) : lr.key("inputs");
          auto s = read_string(*refs[j], k, diag);
          if (!s) continue;
          auto it = index.find(*s);
          if (it == index.end()) {
            diag.error(*refs[j], k, unknown_name_message("layer", *s, names) + " (inputs name earlier layers)");
            structure_ok = false;
          } else {
            l.inputs.push_back(it->second);
          }
        }
        if (l.inputs.empty()) structure_ok = false;
      } else {
        l.inputs.push_back(static_cast<int>(m.layers.size()) - 1);
      }
      if (!op) {
        for (const auto& e : ln.entries) lr.allow(e.key);  // unknown op: its keys cannot be judged
        structure_ok = false;
      } else {
        l.op = *op;
      }
      auto act = [&](bool required) {
        const Node* n = required ? lr.need("act") : lr.get("act");
        if (!n) return;
        if (auto s = read_choice(*n, lr.key("act"), "activation", names_of(act_table()), diag))
          for (const auto& [name, a] : act_table())
            if (name == *s) l.activation = a;
      };
      auto positive_int = [&](const char* key, int& out, bool required) {
        const Node* n = required ? lr.need(key) : lr.get(key);
        if (!n) return;
        if (auto v = read_int(*n, lr.key(key), diag)) {
          if (*v <= 0)
            diag.error(*n, lr.key(key), fmt::format("must be positive, found {}", n->describe()));
          else
            out = static_cast<int>(*v);
        }
      };
      auto flag = [&](const char* key, bool& out) {
        if (const Node* n = lr.get(key))
          if (auto b = read_bool(*n, lr.key(key), diag)) out = *b;
      };
      switch (op ? l.op : Op::Input) {
        case Op::Conv: {
          l.bias = true;
          positive_int("out", l.out_channels, true);
          if (const Node* n = lr.need("kernel")) read_pair(*n, lr.key("kernel"), l.kernel_h, l.kernel_w, diag);
          if (const Node* n = lr.get("stride")) read_pair(*n, lr.key("stride"), l.stride_h, l.stride_w, diag);
          if (const Node* n = lr.get("dilation")) read_pair(*n, lr.key("dilation"), l.dilation_h, l.dilation_w, diag);
          if (const Node* n = lr.get("pad")) read_pad(*n, lr.key("pad"), l, diag);
          positive_int("groups", l.groups, false);
          flag("bias", l.bias);
          flag("batch_norm", l.batch_norm);
          act(false);
          break;
        }
        case Op::MaxPool:
        case Op::AvgPool: {
          if (const Node* n = lr.need("kernel")) read_pair(*n, lr.key("kernel"), l.kernel_h, l.kernel_w, diag);
          l.stride_h = l.kernel_h;
          l.stride_w = l.kernel_w;
          if (const Node* n = lr.get("stride")) read_pair(*n, lr.key("stride"), l.stride_h, l.stride_w, diag);
          if (const Node* n = lr.get("pad")) read_pad(*n, lr.key("pad"), l, diag);
          flag("ceil_mode", l.ceil_mode);
          break;
        }
        case Op::FullyConnected:
          l.bias = true;
          positive_int("out", l.out_channels, true);
          flag("bias", l.bias);
          act(false);
          break;
        case Op::Add: act(false); break;
        case Op::Activation: act(true); break;
        case Op::Reorg:
        case Op::Upsample: positive_int("factor", l.factor, true); break;
        default: break;
      }
      lr.finish();
      if (named) {
        index[l.name] = static_cast<int>(m.layers.size());
        names.push_back(l.name);
      } else {
        structure_ok = false;
      }
      layer_nodes.push_back(&ln);
      m.layers.push_back(std::move(l));
    }
  }
  if (diag.size() != before || !structure_ok) return std::nullopt;
  try {
    infer_shapes(m);
    validate(m);
  } catch (const ModelError& e) {
    // infer_shapes names the layer: "layer 'NAME' (op): what". Point at that layer's map in the file.
    std::string msg = e.what();
    const Node* at = &root;
    std::string key = "layers";
    if (auto b = msg.find("layer '"); b != std::string::npos) {
      auto end = msg.find('\'', b + 7);
      std::string name = msg.substr(b + 7, end - b - 7);
      if (auto it = index.find(name); it != index.end() && it->second > 0) {
        at = layer_nodes[static_cast<std::size_t>(it->second)];
        key = index_key("layers", static_cast<std::size_t>(it->second - 1));
      } else if (name == "input") {
        if (const Node* n = root.find("input")) at = n;
        key = "input";
      }
    }
    diag.error(*at, key, msg);
    return std::nullopt;
  }
  return m;
}

}  // namespace doc

Model parse_model_yaml(const std::string& yaml_text, const std::string& file) {
  doc::Diagnostics diag;
  doc::Node root = doc::parse_yaml(yaml_text, file, diag);
  if (root.is_null() && diag.empty()) diag.error(file, 0, 0, "", "empty file; expected a model");
  std::optional<Model> m;
  if (!root.is_null()) m = doc::read_model(root, diag);
  diag.throw_if_any();
  return *m;
}

Model load_model_yaml(const std::string& path) {
  doc::Diagnostics diag;
  doc::Node root = doc::load_yaml_file(path, "a model", diag);
  std::optional<Model> m;
  if (!root.is_null()) m = doc::read_model(root, diag);
  diag.throw_if_any();
  return *m;
}

}  // namespace edgesplit
