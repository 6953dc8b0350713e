#include "sim/workload/op_shapes.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "sim/config/json_reader.h"
#include "sim/workload/trace_reader.h"

namespace tessera {
namespace {

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument(what); }

void allow_attrs(const Op& op, std::set<std::string> allowed) {
  for (auto it = op.attrs.begin(); it != op.attrs.end(); ++it)
    if (!allowed.count(it.key())) bad("unknown attribute \"" + it.key() + "\" for " + to_string(op.type));
}

// Window attributes (kernel, stride, padding, dilation, scale): far above any real network, low enough
// that products of two stay inside 64 bits.
constexpr int64_t kMaxWindow = int64_t(1) << 20;
// The most MACs one op may do (about 10^15: hours of simulated work) and a whole workload.
constexpr int64_t kMaxOpMacs = int64_t(1) << 50;

// The attribute as an integer in [lo, hi]: a float with a fraction, a string or a value out of range is
// refused before any conversion.
int64_t whole(const Op& op, const std::string& key, const Json& v, int64_t lo, int64_t hi) {
  int64_t out = 0;
  if (!whole_number_in(v, lo, hi, &out))
    bad("attribute \"" + key + "\" must be " + integer_expectation(lo, hi) + ", got " + describe_json(v) + " for " +
        to_string(op.type));
  return out;
}

std::vector<int64_t> int_list(const Op& op, const std::string& key, size_t n, std::vector<int64_t> fallback,
                              int64_t min_value, int64_t max_value = kMaxWindow) {
  if (!op.attrs.contains(key)) return fallback;
  const Json& v = op.attrs[key];
  std::vector<int64_t> out;
  if (v.is_number()) out.assign(n, whole(op, key, v, min_value, max_value));
  else if (v.is_array()) for (const auto& x : v) out.push_back(whole(op, key, x, min_value, max_value));
  else bad("attribute \"" + key + "\" must be a list of integers, got " + describe_json(v));
  if (out.size() != n) bad("attribute \"" + key + "\" must have " + std::to_string(n) + " values, got " + describe_json(v));
  return out;
}

int64_t int_attr(const Op& op, const std::string& key, std::optional<int64_t> fallback, int64_t lo = INT64_MIN + 1,
                 int64_t hi = INT64_MAX) {
  if (!op.attrs.contains(key)) {
    if (!fallback) bad("attribute \"" + key + "\" is required for " + std::string(to_string(op.type)));
    return *fallback;
  }
  return whole(op, key, op.attrs[key], lo, hi);
}

bool bool_attr(const Op& op, const std::string& key, bool fallback) {
  if (!op.attrs.contains(key)) return fallback;
  const Json& v = op.attrs[key];
  if (!v.is_boolean()) bad("attribute \"" + key + "\" must be true or false, got " + describe_json(v));
  return v.get<bool>();
}

// Products of shape dimensions and MACs, refused instead of wrapping.
int64_t checked_mul(int64_t a, int64_t b, const char* what) {
  int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out) || out > kMaxOpMacs)
    bad(std::string(what) + " exceeds 2^50, more than Tessera simulates");
  return out;
}

void need_inputs(const Op& op, size_t lo, size_t hi) {
  if (op.inputs.size() < lo || op.inputs.size() > hi)
    bad(std::string(to_string(op.type)) + " takes " + (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)) +
        " inputs, got " + std::to_string(op.inputs.size()));
}

void need_rank(const Shape& s, size_t rank, const char* what) {
  if (s.size() != rank) bad(std::string(what) + " must have rank " + std::to_string(rank) + ", got " + shape_text(s));
}

int64_t normalise_axis(int64_t axis, size_t rank) {
  if (axis < 0) axis += int64_t(rank);
  if (axis < 0 || axis >= int64_t(rank)) bad("axis out of range for rank " + std::to_string(rank));
  return axis;
}

int64_t elements(const Shape& s) {
  int64_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

Shape broadcast(const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()));
  for (size_t i = 0; i < out.size(); ++i) {
    int64_t x = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
    int64_t y = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
    if (x != y && x != 1 && y != 1) bad("operands " + shape_text(a) + " and " + shape_text(b) + " do not broadcast");
    out[i] = x == 1 ? y : x;
  }
  return out;
}

std::vector<Shape> conv_outputs(const Graph& g, const Op& op) {
  ConvGeometry c = conv_geometry(g, op);
  if (op.inputs.size() == 3) {
    const Shape& bias = g.input(op, 2).shape;
    if (bias != Shape{c.k}) bad("bias must be [" + std::to_string(c.k) + "], got " + shape_text(bias));
  }
  return {{c.n, c.k, c.ho, c.wo}};
}

std::vector<Shape> matmul_outputs(const Graph& g, const Op& op) {
  allow_attrs(op, {"transpose_b"});
  need_inputs(op, 2, 3);
  Shape a = g.input(op, 0).shape, b = g.input(op, 1).shape;
  if (a.size() < 2 || b.size() < 2) bad("matmul operands must have rank >= 2, got " + shape_text(a) + " and " + shape_text(b));
  bool tb = bool_attr(op, "transpose_b", false);
  int64_t m = a[a.size() - 2], k = a.back();
  int64_t kb = tb ? b.back() : b[b.size() - 2], n = tb ? b[b.size() - 2] : b.back();
  if (k != kb) bad("matmul inner dimensions differ: " + shape_text(a) + " x " + shape_text(b));
  // A sum over nothing: the output would be defined but no engine has work to cut it into.
  if (k == 0) bad("matmul inner dimension must be at least 1, got " + shape_text(a) + " x " + shape_text(b));
  Shape batch = broadcast(Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
  batch.push_back(m);
  batch.push_back(n);
  if (op.inputs.size() == 3 && g.input(op, 2).shape != Shape{n})
    bad("bias must be [" + std::to_string(n) + "], got " + shape_text(g.input(op, 2).shape));
  return {batch};
}

std::vector<Shape> pool_outputs(const Graph& g, const Op& op) {
  allow_attrs(op, {"kernel", "stride", "padding", "ceil_mode"});
  need_inputs(op, 1, 1);
  const Shape& x = g.input(op, 0).shape;
  need_rank(x, 4, "pool input");
  auto k = int_list(op, "kernel", 2, {}, 1);
  if (k.empty()) bad("attribute \"kernel\" is required for " + std::string(to_string(op.type)));
  auto s = int_list(op, "stride", 2, k, 1);
  auto p = int_list(op, "padding", 2, {0, 0}, 0);
  bool ceil_mode = bool_attr(op, "ceil_mode", false);
  auto out = [&](int64_t in, int i) {
    int64_t span = in + 2 * p[i] - k[i];
    if (span < 0)
      bad("pool kernel " + shape_text(k) + " is larger than the padded input " + shape_text(x));
    return (ceil_mode ? (span + s[i] - 1) / s[i] : span / s[i]) + 1;
  };
  if (x[1] == 0 || x[2] == 0 || x[3] == 0) bad("pool input must have channels, rows and columns, got " + shape_text(x));
  return {{x[0], x[1], out(x[2], 0), out(x[3], 1)}};
}

std::vector<Shape> concat_outputs(const Graph& g, const Op& op) {
  allow_attrs(op, {"axis"});
  if (op.inputs.empty()) bad("concat needs at least one input");
  Shape out = g.input(op, 0).shape;
  int64_t axis = normalise_axis(int_attr(op, "axis", std::nullopt, -64, 64), out.size());
  for (size_t i = 1; i < op.inputs.size(); ++i) {
    const Shape& s = g.input(op, i).shape;
    if (s.size() != out.size()) bad("concat inputs differ in rank");
    for (size_t d = 0; d < s.size(); ++d)
      if (int64_t(d) != axis && s[d] != out[d])
        bad("concat inputs differ outside axis " + std::to_string(axis) + ": " + shape_text(out) + " vs " + shape_text(s));
    out[axis] += s[axis];
  }
  return {out};
}

void number_attr(const Op& op, const std::string& key) {
  if (op.attrs.contains(key) && !(op.attrs[key].is_number() && std::isfinite(op.attrs[key].get<double>())))
    bad("attribute \"" + key + "\" must be a finite number, got " + describe_json(op.attrs[key]));
}

// tt-metal's movement and normalisation ops of trace version 2.
std::vector<Shape> movement_outputs(const Graph& g, const Op& op) {
  const auto in = [&](size_t i) -> const Shape& { return g.input(op, i).shape; };
  switch (op.type) {
    case OpType::halo: {
      // The rows each shard needs from its neighbours, padded: a conv or pool on the result pads nothing.
      allow_attrs(op, {"kernel", "stride", "padding", "dilation"});
      need_inputs(op, 1, 1);
      need_rank(in(0), 4, "halo input");
      int_list(op, "stride", 2, {1, 1}, 1);
      const HaloGeometry h = halo_geometry(op);
      return {{in(0)[0], in(0)[1], in(0)[2] + h.pad_top + h.pad_bottom, in(0)[3] + h.pad_left + h.pad_right}};
    }
    case OpType::pad: {
      allow_attrs(op, {"padding", "value"});
      need_inputs(op, 1, 1);
      number_attr(op, "value");
      const Json& v = op.attrs.contains("padding") ? op.attrs["padding"] : Json();
      if (!v.is_array() || v.size() != in(0).size())
        bad("attribute \"padding\" must hold one [before, after] pair per dimension, got " + describe_json(v));
      Shape out = in(0);
      for (size_t d = 0; d < out.size(); ++d) {
        if (!v[d].is_array() || v[d].size() != 2) bad("attribute \"padding\" must hold [before, after] pairs, got " + describe_json(v));
        out[d] += whole(op, "padding", v[d][0], 0, kMaxWindow) + whole(op, "padding", v[d][1], 0, kMaxWindow);
      }
      return {out};
    }
    case OpType::groupnorm: {
      // x, then optional scale, bias and tt-metal's input mask.
      allow_attrs(op, {"groups", "epsilon", "axis"});
      need_inputs(op, 1, 4);
      if (in(0).size() < 2) bad("groupnorm input must have rank >= 2, got " + shape_text(in(0)));
      const int64_t axis = normalise_axis(int_attr(op, "axis", 1, -64, 64), in(0).size());
      const int64_t groups = int_attr(op, "groups", std::nullopt, 1, kMaxWindow);
      if (in(0)[axis] % groups != 0)
        bad("groups " + std::to_string(groups) + " must divide the channels " + std::to_string(in(0)[axis]));
      if (op.attrs.contains("epsilon")) {
        const Json& eps = op.attrs["epsilon"];
        if (!eps.is_number() || !(eps.get<double>() >= 0) || eps.get<double>() > 1)
          bad("attribute \"epsilon\" must be a number in [0, 1], got " + describe_json(eps));
      }
      return {in(0)};
    }
    case OpType::embedding: {
      allow_attrs(op, {});
      need_inputs(op, 2, 2);
      need_rank(in(1), 2, "embedding table");
      if (in(0).size() + 1 > kMaxRank) bad("embedding indices must have rank < " + std::to_string(kMaxRank));
      Shape out = in(0);
      out.push_back(in(1)[1]);
      return {out};
    }
    case OpType::grid_sample: {
      allow_attrs(op, {"mode"});
      need_inputs(op, 2, 2);
      need_rank(in(0), 4, "grid_sample input");
      need_rank(in(1), 4, "grid_sample grid");
      // A grid holds (x, y) per output point, or 6 values when tt-metal precomputed the corner weights.
      if ((in(1)[3] != 2 && in(1)[3] != 6) || in(1)[0] != in(0)[0])
        bad("grid must be [N,Ho,Wo,2] (or [N,Ho,Wo,6], precomputed) for input " + shape_text(in(0)) + ", got " + shape_text(in(1)));
      const Json mode = op.attrs.value("mode", Json("bilinear"));
      if (!mode.is_string() || (mode != "bilinear" && mode != "nearest"))
        bad("mode must be \"bilinear\" or \"nearest\", got " + describe_json(mode));
      return {{in(0)[0], in(0)[1], in(1)[1], in(1)[2]}};
    }
    case OpType::cumsum:
      allow_attrs(op, {"axis"});
      need_inputs(op, 1, 1);
      normalise_axis(int_attr(op, "axis", std::nullopt, -64, 64), in(0).size());
      return {in(0)};
    case OpType::data_movement: {
      // An op the importer does not know: its tensors as the profile gave them.
      allow_attrs(op, {});
      if (op.inputs.empty()) bad("data_movement needs at least one input");
      std::vector<Shape> outs;
      for (int t : op.outputs) outs.push_back(g.tensors[t].shape);
      return outs;
    }
    default: bad("unhandled op type");
  }
}

}  // namespace

std::string shape_text(const Shape& s) {
  std::string t = "[";
  for (size_t i = 0; i < s.size(); ++i) t += (i ? "," : "") + std::to_string(s[i]);
  return t + "]";
}

HaloGeometry halo_geometry(const Op& op) {
  HaloGeometry h;
  const auto k = int_list(op, "kernel", 2, {1, 1}, 1);
  const auto d = int_list(op, "dilation", 2, {1, 1}, 1);
  h.kh = k[0], h.kw = k[1], h.dh = d[0], h.dw = d[1];
  if (op.attrs.contains("padding")) {  // [ph, pw], [top, left, bottom, right] or one number
    const size_t n = op.attrs["padding"].is_array() ? op.attrs["padding"].size() : 2;
    auto p = int_list(op, "padding", n == 4 ? 4 : 2, {}, 0);
    if (p.size() == 2) p = {p[0], p[1], p[0], p[1]};
    h.pad_top = p[0], h.pad_left = p[1], h.pad_bottom = p[2], h.pad_right = p[3];
  }
  return h;
}

ConvGeometry conv_geometry(const Graph& g, const Op& op) {
  const bool transposed = op.type == OpType::conv_transpose2d;
  allow_attrs(op, transposed ? std::set<std::string>{"kernel", "stride", "padding", "output_padding", "dilation", "groups"}
                             : std::set<std::string>{"kernel", "stride", "padding", "dilation", "groups"});
  need_inputs(op, 2, 3);
  const Shape& x = g.input(op, 0).shape;
  const Shape& w = g.input(op, 1).shape;
  need_rank(x, 4, "conv input");
  need_rank(w, 4, "conv weight");
  ConvGeometry c;
  c.transposed = transposed;
  c.n = x[0]; c.c = x[1]; c.h = x[2]; c.w = x[3];
  if (c.c == 0 || w[0] == 0 || w[1] == 0)
    bad("conv input and weight must have channels, got " + shape_text(x) + " and " + shape_text(w));
  c.groups = int_attr(op, "groups", 1, 1, kMaxWindow);
  if (c.groups < 1 || c.c % c.groups != 0) bad("groups must divide the input channels " + std::to_string(c.c));
  auto k = int_list(op, "kernel", 2, {w[2], w[3]}, 1);
  if (k[0] != w[2] || k[1] != w[3]) bad("kernel " + shape_text(k) + " does not match weight " + shape_text(w));
  c.kh = k[0]; c.kw = k[1];
  auto s = int_list(op, "stride", 2, {1, 1}, 1);
  auto d = int_list(op, "dilation", 2, {1, 1}, 1);
  c.sh = s[0]; c.sw = s[1]; c.dh = d[0]; c.dw = d[1];
  std::vector<int64_t> p = {0, 0, 0, 0};
  if (op.attrs.contains("padding")) {
    size_t n = op.attrs["padding"].is_array() ? op.attrs["padding"].size() : 2;
    auto raw = int_list(op, "padding", n == 4 ? 4 : 2, {}, 0);
    p = raw.size() == 4 ? raw : std::vector<int64_t>{raw[0], raw[1], raw[0], raw[1]};
  }
  c.pad_top = p[0]; c.pad_left = p[1]; c.pad_bottom = p[2]; c.pad_right = p[3];
  if (!transposed) {
    if (w[1] * c.groups != c.c) bad("weight " + shape_text(w) + " expects " + std::to_string(w[1] * c.groups) + " input channels, input has " + std::to_string(c.c));
    c.k = w[0];
    if (c.k % c.groups != 0) bad("groups must divide the output channels " + std::to_string(c.k));
    c.ho = (c.h + c.pad_top + c.pad_bottom - c.dh * (c.kh - 1) - 1) / c.sh + 1;
    c.wo = (c.w + c.pad_left + c.pad_right - c.dw * (c.kw - 1) - 1) / c.sw + 1;
  } else {
    if (w[0] != c.c) bad("transposed-conv weight " + shape_text(w) + " expects " + std::to_string(w[0]) + " input channels, input has " + std::to_string(c.c));
    c.k = w[1] * c.groups;
    auto op_pad = int_list(op, "output_padding", 2, {0, 0}, 0);
    c.ho = (c.h - 1) * c.sh - c.pad_top - c.pad_bottom + c.dh * (c.kh - 1) + op_pad[0] + 1;
    c.wo = (c.w - 1) * c.sw - c.pad_left - c.pad_right + c.dw * (c.kw - 1) + op_pad[1] + 1;
  }
  if (c.ho < 1 || c.wo < 1) bad("conv output would be empty");
  return c;
}

std::vector<Shape> infer_output_shapes(const Graph& g, const Op& op) {
  const auto in = [&](size_t i) -> const Shape& { return g.input(op, i).shape; };
  switch (op.type) {
    case OpType::conv2d: case OpType::conv_transpose2d: return conv_outputs(g, op);
    case OpType::matmul: return matmul_outputs(g, op);
    case OpType::add: case OpType::sub: case OpType::mul: case OpType::div:
      allow_attrs(op, {});
      need_inputs(op, 2, 2);
      return {broadcast(in(0), in(1))};
    case OpType::relu: case OpType::relu6: case OpType::silu: case OpType::sigmoid: case OpType::gelu:
    case OpType::hardsigmoid: case OpType::hardswish: case OpType::exp: case OpType::tanh: case OpType::erf:
    case OpType::untilize: case OpType::reshard: case OpType::move: case OpType::typecast:
      allow_attrs(op, {});
      need_inputs(op, 1, 1);
      return {in(0)};
    case OpType::tilize:
      allow_attrs(op, {"pad_value"});
      need_inputs(op, 1, 1);
      number_attr(op, "pad_value");
      return {in(0)};
    case OpType::halo: case OpType::pad: case OpType::groupnorm: case OpType::embedding: case OpType::grid_sample:
    case OpType::cumsum: case OpType::data_movement:
      return movement_outputs(g, op);
    case OpType::maxpool2d: case OpType::avgpool2d: return pool_outputs(g, op);
    case OpType::global_avgpool:
      allow_attrs(op, {});
      need_inputs(op, 1, 1);
      need_rank(in(0), 4, "pool input");
      return {{in(0)[0], in(0)[1], 1, 1}};
    case OpType::concat: return concat_outputs(g, op);
    case OpType::reshape: case OpType::flatten: case OpType::squeeze: case OpType::unsqueeze: {
      allow_attrs(op, {"axis", "axes", "shape"});
      need_inputs(op, 1, 2);
      // Informational (the output tensor's shape is what counts) but still checked for type.
      int_attr(op, "axis", 0, -64, 64);
      for (const char* key : {"axes", "shape"})
        if (op.attrs.contains(key)) {
          const Json& v = op.attrs[key];
          if (!v.is_array()) bad("attribute \"" + std::string(key) + "\" must be a list of integers, got " + describe_json(v));
          for (const Json& x : v) whole(op, key, x, -1, kMaxTensorElements);
        }
      const Shape& out = g.output(op).shape;
      if (elements(out) != elements(in(0)))
        bad("output " + shape_text(out) + " must hold as many elements as input " + shape_text(in(0)));
      return {out};
    }
    case OpType::transpose: {
      allow_attrs(op, {"perm"});
      need_inputs(op, 1, 1);
      auto perm = int_list(op, "perm", in(0).size(), {}, 0, 64);
      if (perm.empty()) bad("attribute \"perm\" is required for transpose");
      Shape out(perm.size());
      std::vector<bool> seen(perm.size());
      for (size_t i = 0; i < perm.size(); ++i) {
        if (perm[i] >= int64_t(perm.size()) || seen[perm[i]]) bad("perm must be a permutation of the axes");
        seen[perm[i]] = true;
        out[i] = in(0)[perm[i]];
      }
      return {out};
    }
    case OpType::slice: {
      allow_attrs(op, {"axis", "start", "end", "step"});
      need_inputs(op, 1, 1);
      Shape out = in(0);
      int64_t axis = normalise_axis(int_attr(op, "axis", std::nullopt, -64, 64), out.size());
      int64_t start = int_attr(op, "start", std::nullopt), end = int_attr(op, "end", std::nullopt);
      int64_t step = int_attr(op, "step", 1, 1, INT64_MAX);
      if (start < 0) start += out[axis];
      if (end < 0) end += out[axis];
      end = std::min(end, out[axis]);
      if (start < 0 || start > end || step < 1) bad("slice bounds out of range for axis size " + std::to_string(out[axis]));
      out[axis] = (end - start + step - 1) / step;
      return {out};
    }
    case OpType::upsample: {
      allow_attrs(op, {"scale", "mode"});
      need_inputs(op, 1, 1);
      need_rank(in(0), 4, "upsample input");
      auto s = int_list(op, "scale", 2, {}, 1);
      if (s.empty()) bad("attribute \"scale\" is required for upsample");
      const Json mode_value = op.attrs.value("mode", Json("nearest"));
      if (!mode_value.is_string()) bad("mode must be \"nearest\" or \"bilinear\", got " + describe_json(mode_value));
      const std::string mode = mode_value.get<std::string>();
      if (mode != "nearest" && mode != "bilinear") bad("mode must be \"nearest\" or \"bilinear\", got \"" + mode + "\"");
      return {{in(0)[0], in(0)[1], checked_mul(in(0)[2], s[0], "upsampled rows"), checked_mul(in(0)[3], s[1], "upsampled columns")}};
    }
    case OpType::softmax:
      allow_attrs(op, {"axis"});
      need_inputs(op, 1, 1);
      normalise_axis(int_attr(op, "axis", -1, -64, 64), in(0).size());
      return {in(0)};
    case OpType::layernorm: case OpType::rmsnorm:
      allow_attrs(op, {"axis", "epsilon"});
      need_inputs(op, 1, 3);
      normalise_axis(int_attr(op, "axis", -1, -64, 64), in(0).size());
      if (op.attrs.contains("epsilon")) {
        const Json& eps = op.attrs["epsilon"];
        if (!eps.is_number() || !(eps.get<double>() >= 0) || eps.get<double>() > 1)
          bad("attribute \"epsilon\" must be a number in [0, 1], got " + describe_json(eps));
      }
      return {in(0)};
    case OpType::moe_topk: {
      allow_attrs(op, {"k"});
      need_inputs(op, 1, 1);
      need_rank(in(0), 2, "router logits");
      int64_t k = int_attr(op, "k", std::nullopt);
      if (k < 1 || k > in(0)[1]) bad("k must be in [1, experts]");
      return {{in(0)[0], k}, {in(0)[0], k}};
    }
    case OpType::moe_dispatch: case OpType::moe_combine: {
      allow_attrs(op, {"tokens_per_expert", "dropped_tokens"});
      const Json& counts = op.attrs.contains("tokens_per_expert") ? op.attrs["tokens_per_expert"] : Json();
      if (!counts.is_array() || counts.empty()) bad("attribute \"tokens_per_expert\" (a list) is required");
      const size_t experts = counts.size();
      // Each token goes to k experts: the experts' rows and the dropped assignments add up to tokens x k.
      const int64_t dropped = int_attr(op, "dropped_tokens", 0, 0, kMaxTensorElements);
      const bool dispatch = op.type == OpType::moe_dispatch;
      need_inputs(op, dispatch ? 2 : experts + 1, dispatch ? 2 : experts + 1);
      const Shape& picks = dispatch ? in(1) : in(experts);
      need_rank(picks, 2, dispatch ? "expert indices" : "combine weights");
      const int64_t assignments = checked_mul(picks[0], picks[1], "tokens x k");
      std::vector<int64_t> n(experts);
      int64_t total = dropped;
      for (size_t e = 0; e < experts; ++e) {
        n[e] = whole(op, "tokens_per_expert", counts[e], 0, assignments);
        total += n[e];
      }
      if (total != assignments)
        bad("tokens_per_expert (" + std::to_string(total - dropped) + " in all) plus dropped_tokens (" +
            std::to_string(dropped) + ") must equal tokens x k = " + std::to_string(picks[0]) + " x " +
            std::to_string(picks[1]) + " = " + std::to_string(assignments));
      if (dispatch) {
        need_rank(in(0), 2, "dispatched tokens");
        if (picks[0] != in(0)[0]) bad("expert indices " + shape_text(picks) + " must have a row per token of " + shape_text(in(0)));
        std::vector<Shape> outs;
        for (int64_t rows : n) outs.push_back({rows, in(0)[1]});
        return outs;
      }
      need_rank(in(0), 2, "expert output");
      for (size_t e = 0; e < experts; ++e)
        if (in(e) != Shape{n[e], in(0)[1]})
          bad("expert " + std::to_string(e) + " output must be [" + std::to_string(n[e]) + "," + std::to_string(in(0)[1]) + "]");
      return {{in(experts)[0], in(0)[1]}};
    }
  }
  bad("unhandled op type");
}

int64_t op_macs(const Graph& g, const Op& op) {
  switch (op.type) {
    case OpType::conv2d: {
      ConvGeometry c = conv_geometry(g, op);
      int64_t macs = 1;
      for (int64_t f : {c.n, c.k, c.ho, c.wo, c.c / c.groups, c.kh, c.kw}) macs = checked_mul(macs, f, "conv MACs");
      return macs;
    }
    case OpType::conv_transpose2d: {
      ConvGeometry c = conv_geometry(g, op);
      int64_t macs = 1;
      for (int64_t f : {c.n, c.c, c.h, c.w, c.k / c.groups, c.kh, c.kw}) macs = checked_mul(macs, f, "conv MACs");
      return macs;
    }
    case OpType::matmul: {
      const Shape& a = g.input(op, 0).shape;
      const Shape& y = g.output(op).shape;
      return checked_mul(elements(y), a.back(), "matmul MACs");
    }
    default: return 0;
  }
}

int64_t op_params(const Graph& g, const Op& op) {
  int64_t n = 0;
  for (int t : op.inputs)
    if (g.tensors[t].kind == TensorKind::weight) n += g.tensors[t].elements();
  return n;
}

}  // namespace tessera
