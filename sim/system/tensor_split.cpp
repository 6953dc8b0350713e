// mapper.parallel=tensor: each matmul with a weight split over the chips, by output columns or by rows,
// and the split followed through the ops after it; collectives where an op needs a tensor whole
// (parallel_split.h). Every tensor is, on the chips, replicated (each holds all of it), split (each holds
// 1/N along one axis) or partial (each holds all of it, and the true value is the sum over the chips).
#include <algorithm>
#include <numeric>

#include "sim/base/errors.h"
#include "sim/system/parallel_split.h"
#include "sim/system/stage_traces.h"

namespace tessera::system {
namespace {

enum class Kind { replicated, split, partial };
struct Layout {
  Kind kind = Kind::replicated;
  int axis = -1;  // for split: the axis of the whole tensor's shape
  // A split whose order along the axis is the host's to choose (it follows from a weight's columns, cut
  // before the run): slices along the axis can then take 1/N of each sliced segment on every chip, as a
  // packed q|k|v projection needs.
  bool arrangeable = false;
};

int64_t product(const std::vector<int64_t>& s, size_t from, size_t to) {
  return std::accumulate(s.begin() + long(from), s.begin() + long(to), int64_t(1), std::multiplies<int64_t>());
}

int normalised_axis(const Op& op, const char* key, int64_t fallback, size_t rank) {
  int64_t a = op.attrs.contains(key) && op.attrs[key].is_number_integer() ? op.attrs[key].get<int64_t>() : fallback;
  return int(a < 0 ? a + int64_t(rank) : a);
}

class TensorSplitter {
 public:
  TensorSplitter(const SystemConfig& s, const nlohmann::json& trace, const Graph& g, const std::string& file)
      : s_(s), g_(g), file_(file), builder_(trace, g, file), n_(s.num_chips()),
        format_(s.chips[0].mapper.default_format) {
    for (size_t t = 0; t < g.tensors.size(); ++t) declare(g.tensors[t].name, int(t), g.tensors[t].shape, {}, 0);
  }

  SystemWorkload run() {
    for (size_t i = 0; i < g_.ops.size(); ++i) place(int(i));
    for (size_t t = 0; t < g_.tensors.size(); ++t)
      if (g_.tensors[t].consumers.empty() && g_.tensors[t].producer >= 0)
        replicated(g_.tensors[t].name, "the trace's output " + g_.tensors[t].name + " is needed whole");
    SystemWorkload w;
    w.mode = Parallel::tensor;
    for (size_t k = 0; k < ops_.size(); ++k) {
      Stage st;
      const std::string label = g_.name + ", stage " + std::to_string(k) + " of a " + std::to_string(n_) + "-way tensor split";
      std::shared_ptr<const Graph> share;
      if (!ops_[k].empty()) share = std::make_shared<const Graph>(builder_.build(ops_[k], tensors_, label));
      st.chips.assign(size_t(n_), share);
      if (k < collectives_.size()) st.collectives = collectives_[k];
      w.stages.push_back(std::move(st));
    }
    w.notes.push_back(std::to_string(column_splits_) + " matmuls split by output columns, " + std::to_string(row_splits_) +
                      " by rows, " + (own_rows_ ? std::to_string(own_rows_) + " on each chip's rows of a split input, " : "") +
                      std::to_string(replicated_matmuls_) + " replicated on every chip; " +
                      std::to_string(gathers_) + " all_gathers and " + std::to_string(reduces_) + " all_reduces inserted" +
                      (segment_slices_ ? "; " + std::to_string(segment_slices_) + " slices of a packed projection split with it" : ""));
    if (!unsplit_.empty()) {
      std::string list;
      for (const auto& [type, count] : unsplit_) list += (list.empty() ? "" : ", ") + std::to_string(count) + " " + type;
      w.notes.push_back("ops tensor parallel does not split, run whole on every chip: " + list);
    }
    return w;
  }

 private:
  struct Version {
    Layout layout;
    int level = 0;
  };

  void declare(const std::string& name, int origin, std::vector<int64_t> shape, Layout layout, int level) {
    if (layout.kind == Kind::split) shape[size_t(layout.axis)] /= n_;
    tensors_[name] = ChipTensor{origin, shape};
    versions_[name] = Version{layout, level};
  }
  const Tensor& whole(const std::string& name) const { return g_.tensors[size_t(tensors_.at(name).origin)]; }
  const std::vector<int64_t>& full_shape(const std::string& name) const { return whole(name).shape; }
  Layout layout(const std::string& name) const { return versions_.at(name).layout; }

  // The name of a version of `name` every chip holds whole: itself, or the result of an all_gather (split)
  // or all_reduce (partial) after the stage that computes it.
  std::string replicated(const std::string& name, const std::string& reason) {
    const Version v = versions_.at(name);
    if (v.layout.kind == Kind::replicated) return name;
    if (auto it = whole_of_.find(name); it != whole_of_.end()) return it->second;
    const bool gather = v.layout.kind == Kind::split;
    const std::string out = name + (gather ? ".gathered" : ".reduced");
    const Tensor& t = whole(name);
    const uint64_t bytes = tensor_bytes(t, tensors_.at(name).shape, format_);
    if (collectives_.size() <= size_t(v.level)) collectives_.resize(size_t(v.level) + 1);
    const std::string where = file_ + ": tensor " + t.name;
    collectives_[size_t(v.level)].push_back(
        {system_collective(s_, gather ? CollectiveOp::all_gather : CollectiveOp::all_reduce, bytes,
                           t.format.value_or(format_), where), name, reason});
    (gather ? gathers_ : reduces_)++;
    declare(out, tensors_.at(name).origin, t.shape, {}, v.level + 1);
    whole_of_[name] = out;
    return out;
  }

  // A weight or constant at the shape it has on each chip: split along `axis` or whole.
  std::string weight(const std::string& name, int axis) {
    if (axis < 0) return name;
    const std::string out = name + ".split" + std::to_string(axis);
    if (!tensors_.count(out)) declare(out, tensors_.at(name).origin, full_shape(name), {Kind::split, axis}, 0);
    return out;
  }

  // Weights, constants and the trace's inputs (a KV cache, say) are put in each chip's DRAM before the
  // run, so each chip can hold just its share of one: no collective makes it.
  bool placed_before(const std::string& name) const { return whole(name).producer < 0 && versions_.at(name).level == 0; }

  void emit(int op, std::vector<std::string> inputs, const std::vector<Layout>& outputs, nlohmann::json attrs = nullptr) {
    int level = 0;
    for (const auto& x : inputs) level = std::max(level, versions_.at(x).level);
    StageOp so{op, inputs, {}, std::move(attrs)};
    for (size_t i = 0; i < g_.ops[size_t(op)].outputs.size(); ++i) {
      const Tensor& t = g_.tensors[size_t(g_.ops[size_t(op)].outputs[i])];
      declare(t.name, g_.ops[size_t(op)].outputs[i], t.shape, outputs[i], level);
      so.outputs.push_back(t.name);
    }
    if (ops_.size() <= size_t(level)) ops_.resize(size_t(level) + 1);
    ops_[size_t(level)].push_back(so);
  }

  std::vector<std::string> names_of(const Op& op) const {
    std::vector<std::string> out;
    for (int t : op.inputs) out.push_back(g_.tensors[size_t(t)].name);
    return out;
  }

  // Every input whole, every output whole.
  void replicate(int i, std::vector<std::string> in, const std::string& why) {
    for (auto& x : in) x = replicated(x, why);
    emit(i, in, std::vector<Layout>(g_.ops[size_t(i)].outputs.size()));
  }

  void place(int i) {
    const Op& op = g_.ops[size_t(i)];
    const std::vector<std::string> in = names_of(op);
    const std::string why = op.name + " (" + to_string(op.type) + ") needs it whole";
    switch (op.type) {
      case OpType::matmul: return matmul(i, in, why);
      case OpType::add: case OpType::sub: case OpType::mul: case OpType::div: return elementwise(i, in, why);
      case OpType::relu: case OpType::relu6: case OpType::silu: case OpType::sigmoid: case OpType::gelu:
      case OpType::hardsigmoid: case OpType::hardswish: case OpType::exp: case OpType::tanh: case OpType::erf:
      case OpType::softmax: case OpType::layernorm: case OpType::rmsnorm: return per_row(i, in, why);
      case OpType::reshape: case OpType::flatten: case OpType::squeeze: case OpType::unsqueeze: return reshape(i, in, why);
      case OpType::transpose: return transpose(i, in, why);
      case OpType::slice: case OpType::concat: return along_axis(i, in, why);
      case OpType::moe_combine: return combine(i, in, why);
      default:
        ++unsplit_[to_string(op.type)];
        return replicate(i, in, why);
    }
  }

  void matmul(int i, std::vector<std::string> in, const std::string& why) {
    const Op& op = g_.ops[size_t(i)];
    const bool tb = op.attrs.value("transpose_b", false);
    const auto& a_shape = full_shape(in[0]);
    const size_t rank = a_shape.size();
    if (placed_before(in[1]) && whole(in[1]).kind != TensorKind::input && full_shape(in[1]).size() == 2) {
      const int n_dim = tb ? 0 : 1, k_dim = tb ? 1 : 0;
      const int64_t cols = full_shape(in[1])[size_t(n_dim)];
      Layout a = layout(in[0]);
      if (a.kind == Kind::partial) in[0] = replicated(in[0], why), a = {};
      if (a.kind == Kind::split && a.axis == int(rank) - 1) {  // rows: K split, partial sums out
        ++row_splits_;
        // A bias stays whole on every chip: its add costs the same there (the model times the sum, it does
        // not compute it).
        in[1] = weight(in[1], k_dim);
        return emit(i, in, {{Kind::partial, -1}});
      }
      if (a.kind == Kind::split) {  // split along M or a batch axis: each chip its rows, the whole weight
        ++own_rows_;
        return emit(i, in, {a});
      }
      if (cols % (32 * int64_t(n_)) == 0) {  // columns: whole tiles of output columns per chip
        ++column_splits_;
        in[1] = weight(in[1], n_dim);
        if (in.size() > 2) in[2] = weight(in[2], int(full_shape(in[2]).size()) - 1);  // the bias, cut with the columns
        return emit(i, in, {{Kind::split, int(rank) - 1, true}});
      }
      ++replicated_matmuls_;
      return emit(i, in, {Layout{}});
    }
    // Two activations (attention): split along the same batch axis (heads), each chip its own.
    const Layout a = layout(in[0]), b = layout(in[1]);
    if (a.kind == Kind::split && b.kind == Kind::split && a.axis == b.axis && a.axis < int(rank) - 2 &&
        full_shape(in[1]).size() == rank)
      return emit(i, in, {a});
    if (a.kind == Kind::split && a.axis == int(rank) - 2 && b.kind == Kind::replicated) return emit(i, in, {a});
    return replicate(i, in, why);
  }

  // add/sub/mul/div with broadcasting: one split axis (counted from the right) shared by every split input,
  // the others of size 1 there or split the same way (weights and constants are cut to each chip's share).
  void elementwise(int i, std::vector<std::string> in, const std::string& why) {
    const Op& op = g_.ops[size_t(i)];
    const size_t out_rank = g_.tensors[size_t(op.outputs[0])].shape.size();
    bool all_partial = true;
    for (const auto& x : in) all_partial = all_partial && layout(x).kind == Kind::partial;
    if (all_partial && (op.type == OpType::add || op.type == OpType::sub))
      return emit(i, in, {{Kind::partial, -1}});  // sums of partial sums are partial sums
    int from_right = -1, splits = 0;
    bool arrangeable = true;
    for (auto& x : in) {
      if (layout(x).kind == Kind::partial) x = replicated(x, why);
      const Layout l = layout(x);
      if (l.kind != Kind::split) continue;
      const int r = int(full_shape(x).size()) - l.axis;
      if (from_right >= 0 && r != from_right) return replicate(i, in, why);
      from_right = r;
      ++splits;
      arrangeable = arrangeable && l.arrangeable && whole(x).consumers.size() == 1;
    }
    if (from_right < 0) return emit(i, in, {Layout{}});
    for (auto& x : in) {
      if (layout(x).kind == Kind::split) continue;
      const auto& shape = full_shape(x);
      const int axis = int(shape.size()) - from_right;
      if (axis < 0 || shape[size_t(axis)] == 1) continue;  // broadcast along the split axis
      if (!placed_before(x)) return replicate(i, in, why);
      x = weight(x, axis);
    }
    // One arrangeable split and weights or constants (a bias add) stay arrangeable: the host cuts those the
    // same way.
    emit(i, in, {{Kind::split, int(out_rank) - from_right, arrangeable && splits == 1}});
  }

  // One-input ops that work along rows (unary functions, softmax, norms): a split along the axis they
  // reduce over, or partial sums, must be made whole first.
  void per_row(int i, std::vector<std::string> in, const std::string& why) {
    const Op& op = g_.ops[size_t(i)];
    const bool reduces = op.type == OpType::softmax || op.type == OpType::layernorm || op.type == OpType::rmsnorm;
    Layout l = layout(in[0]);
    if (l.kind == Kind::partial || (reduces && l.kind == Kind::split && l.axis == normalised_axis(op, "axis", -1, full_shape(in[0]).size())))
      in[0] = replicated(in[0], why), l = {};
    for (size_t k = 1; k < in.size(); ++k) in[k] = replicated(in[k], why);  // a norm's scale and bias, whole
    l.arrangeable = l.arrangeable && whole(in[0]).consumers.size() == 1;  // no other reader fixes its order
    emit(i, in, {l});
  }

  // A reshape keeps a split when the split axis maps onto an output axis with the same elements before
  // it, whose size the chips divide: [.., H*D] split <-> [.., H, D] split along H.
  void reshape(int i, std::vector<std::string> in, const std::string& why) {
    const Op& op = g_.ops[size_t(i)];
    const Layout l = layout(in[0]);
    for (size_t k = 1; k < in.size(); ++k) in[k] = replicated(in[k], why);
    if (l.kind != Kind::split) return emit(i, in, {l});
    const auto& from = full_shape(in[0]);
    const auto& to = g_.tensors[size_t(op.outputs[0])].shape;
    const int64_t before = product(from, 0, size_t(l.axis));
    for (size_t b = 0; b < to.size(); ++b)
      if (product(to, 0, b) == before && to[b] % n_ == 0 && product(to, b, to.size()) == product(from, size_t(l.axis), from.size()))
        return emit(i, in, {{Kind::split, int(b)}});
    replicate(i, in, why);
  }

  void transpose(int i, std::vector<std::string> in, const std::string& why) {
    const Op& op = g_.ops[size_t(i)];
    Layout l = layout(in[0]);
    if (l.kind == Kind::split) {
      const auto perm = op.attrs.value("perm", std::vector<int64_t>{});
      const auto it = std::find(perm.begin(), perm.end(), int64_t(l.axis));
      if (it == perm.end()) return replicate(i, in, why);
      l.axis = int(it - perm.begin());
      l.arrangeable = l.arrangeable && whole(in[0]).consumers.size() == 1;
    }
    emit(i, in, {l});
  }

  // slice and concat: fine along any axis but the split one; a whole operand placed before the run (a KV
  // cache appended to) is cut to each chip's share.
  void along_axis(int i, std::vector<std::string> in, const std::string& why) {
    const Op& op = g_.ops[size_t(i)];
    const size_t rank = g_.tensors[size_t(op.outputs[0])].shape.size();
    const int axis = normalised_axis(op, "axis", op.type == OpType::concat ? 0 : -1, rank);
    Layout common;
    for (const auto& x : in)
      if (layout(x).kind != Kind::replicated) common = layout(x);
    if (op.type == OpType::slice && common.kind == Kind::split && common.axis == axis) return slice_segment(i, in, why);
    if (common.kind == Kind::replicated || (common.kind == Kind::split && common.axis == axis)) return replicate(i, in, why);
    for (auto& x : in) {
      const Layout l = layout(x);
      if (l.kind == common.kind && l.axis == common.axis) continue;
      const bool cut = common.kind == Kind::split && l.kind == Kind::replicated && placed_before(x) &&
                       full_shape(x).size() == rank && full_shape(x)[size_t(common.axis)] % n_ == 0;
      if (!cut) return replicate(i, in, why);
      x = weight(x, common.axis);
    }
    emit(i, in, {common});
  }

  // A slice along the split axis of an arrangeable tensor that only such slices read, each segment's bounds
  // dividing by N: every chip holds 1/N of every segment, so each slice is split too, at bounds / N.
  void slice_segment(int i, std::vector<std::string> in, const std::string& why) {
    const Op& op = g_.ops[size_t(i)];
    const Layout l = layout(in[0]);
    const auto bounds_divide = [&](const Op& o) {
      const int64_t start = o.attrs.value("start", int64_t(-1)), end = o.attrs.value("end", int64_t(-1));
      const int64_t size = full_shape(in[0])[size_t(l.axis)];
      return o.type == OpType::slice && o.attrs.value("step", int64_t(1)) == 1 && start >= 0 && end > start &&
             end <= size && start % n_ == 0 && end % n_ == 0 &&
             normalised_axis(o, "axis", -1, full_shape(in[0]).size()) == l.axis;
    };
    bool ok = l.arrangeable;
    for (int c : whole(in[0]).consumers) ok = ok && bounds_divide(g_.ops[size_t(c)]);
    if (!ok) return replicate(i, in, why);
    nlohmann::json attrs = op.attrs;
    attrs["start"] = op.attrs["start"].get<int64_t>() / n_;
    attrs["end"] = op.attrs["end"].get<int64_t>() / n_;
    ++segment_slices_;
    emit(i, in, {{Kind::split, l.axis}}, attrs);
  }

  // The combine weighs each expert's output by its routing weight and sums: linear in the experts'
  // outputs, so partial sums stay partial (one all_reduce after it rather than one per expert).
  void combine(int i, std::vector<std::string> in, const std::string& why) {
    bool partial = true;
    for (size_t k = 0; k + 1 < in.size(); ++k) partial = partial && layout(in[k]).kind == Kind::partial;
    if (!partial) return replicate(i, in, why);
    in.back() = replicated(in.back(), why);
    emit(i, in, {{Kind::partial, -1}});
  }

  const SystemConfig& s_;
  const Graph& g_;
  std::string file_;
  StageTraceBuilder builder_;
  int n_;
  DataFormat format_;
  std::map<std::string, ChipTensor> tensors_;
  std::map<std::string, Version> versions_;
  std::map<std::string, std::string> whole_of_;  // a split or partial tensor -> its whole version
  std::vector<std::vector<StageOp>> ops_;        // by stage
  std::vector<std::vector<StageCollective>> collectives_;  // after each stage
  std::map<std::string, int> unsplit_;  // op types run whole on every chip because no rule splits them
  int segment_slices_ = 0;
  int column_splits_ = 0, row_splits_ = 0, own_rows_ = 0, replicated_matmuls_ = 0, gathers_ = 0, reduces_ = 0;
};

}  // namespace

SystemWorkload split_tensor(const SystemConfig& s, const nlohmann::json& trace, const Graph& graph, const std::string& file) {
  return TensorSplitter(s, trace, graph, file).run();
}

}  // namespace tessera::system
