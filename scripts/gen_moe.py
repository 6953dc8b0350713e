#!/usr/bin/env python3
"""Writes one mixture-of-experts transformer block as a Tessera workload trace.

The block: RMSNorm, self-attention (q/k/v/o projections, scores, softmax, PV), residual, RMSNorm,
router (gate matmul, softmax, moe_topk), moe_dispatch, one FFN per expert, moe_combine, residual.
Which tokens go to which expert is data dependent, so the generator draws it from a named
distribution (or reads it from a file) and records the resulting rows per expert in the trace.

    gen_moe.py --model mixtral-8x7b --tokens 128 --routing balanced -o traces/mixtral_moe_128.json
    gen_moe.py --model switch-base-8 --tokens 64 --routing zipf --seed 1 -o traces/switch_moe_64.json
"""

import argparse
import json
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracelib  # noqa: E402

# Published configurations (HF config.json of each model; see docs/workloads.md for sources).
PRESETS = {
    "mixtral-8x7b": {
        "label": "Mixtral-8x7B", "d_model": 4096, "d_ff": 14336, "experts": 8, "top_k": 2, "heads": 32,
        "kv_heads": 8, "head_dim": 128, "eps": 1e-5, "ffn": "swiglu", "expert_capacity": None,
        "style": "mixtral",
    },
    "switch-base-8": {
        "label": "Switch-Base-8", "d_model": 768, "d_ff": 3072, "experts": 8, "top_k": 1, "heads": 12,
        "kv_heads": 12, "head_dim": 64, "eps": 1e-6, "ffn": "relu", "expert_capacity": None,
        "style": "switch",
    },
}

# Module names of each family, so trace ops read like the model's own parameter names.
NAMES = {
    "mixtral": {
        "norm1": "input_layernorm", "attn": "self_attn", "q": "self_attn.q_proj", "k": "self_attn.k_proj",
        "v": "self_attn.v_proj", "o": "self_attn.o_proj", "norm2": "post_attention_layernorm",
        "moe": "block_sparse_moe", "gate": "block_sparse_moe.gate", "expert": "block_sparse_moe.experts.%d",
    },
    "switch": {
        "norm1": "layer.0.layer_norm", "attn": "layer.0.SelfAttention", "q": "layer.0.SelfAttention.q",
        "k": "layer.0.SelfAttention.k", "v": "layer.0.SelfAttention.v", "o": "layer.0.SelfAttention.o",
        "norm2": "layer.1.layer_norm", "moe": "layer.1.mlp", "gate": "layer.1.mlp.router.classifier",
        "expert": "layer.1.mlp.experts.expert_%d",
    },
}

ROUTINGS = ("balanced", "uniform", "zipf", "list")


class UsageError(Exception):
    pass


# --------------------------------------------------------------------------------------------------
# Routing: which k experts each token goes to. Only rng.random() is used, whose sequence Python keeps
# stable across versions, so a seed gives the same trace everywhere.


def route_balanced(tokens, experts, k):
    # Round robin over (token, choice) pairs: every expert gets tokens*k/experts rows when that divides.
    return [[(t * k + j) % experts for j in range(k)] for t in range(tokens)]


def _draw_without_replacement(rng, weights, k):
    pool = list(range(len(weights)))
    chosen = []
    for _ in range(k):
        total = sum(weights[e] for e in pool)
        point = rng.random() * total
        pick = pool[-1]
        for e in pool:
            point -= weights[e]
            if point < 0:
                pick = e
                break
        chosen.append(pick)
        pool.remove(pick)
    return chosen


def route_random(tokens, experts, k, seed, skew=0.0):
    """uniform: skew 0; zipf: expert e is picked with weight 1/(e+1)^skew (expert 0 most popular)."""
    rng = random.Random(seed)
    weights = [1.0 / (e + 1) ** skew for e in range(experts)]
    return [_draw_without_replacement(rng, weights, k) for _ in range(tokens)]


def load_assignment(path, tokens, experts, k):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise UsageError("cannot read assignment file %s: %s" % (path, e))
    if isinstance(data, dict):
        data = data.get("assignment")
    if not isinstance(data, list):
        raise UsageError("%s: expected a JSON list of per-token expert lists (or {\"assignment\": [...]})" % path)
    if len(data) != tokens:
        raise UsageError("%s: %d token rows, expected %d (tokens x batch)" % (path, len(data), tokens))
    rows = []
    for t, row in enumerate(data):
        row = [row] if isinstance(row, int) and not isinstance(row, bool) else row
        if (not isinstance(row, list) or len(row) != k
                or any(not isinstance(e, int) or isinstance(e, bool) or not 0 <= e < experts for e in row)
                or len(set(row)) != k):
            raise UsageError("%s: row %d must hold %d distinct expert ids in 0..%d, got %r"
                             % (path, t, k, experts - 1, row))
        rows.append(row)
    return rows


def apply_capacity(assignment, experts, seq_len, capacity):
    """Counts rows per expert, dropping (token, expert) pairs beyond `capacity` slots per expert in each
    sequence (the routing group). First choices are served before second choices, earlier tokens first."""
    counts = [0] * experts
    dropped = 0
    k = len(assignment[0]) if assignment else 0
    for start in range(0, len(assignment), seq_len):
        used = [0] * experts
        for j in range(k):
            for row in assignment[start:start + seq_len]:
                e = row[j]
                if capacity is not None and used[e] >= capacity:
                    dropped += 1
                else:
                    used[e] += 1
        counts = [c + u for c, u in zip(counts, used)]
    return counts, dropped


# --------------------------------------------------------------------------------------------------
# The block


class MoEBlock:
    def __init__(self, builder, cfg, kv_cache=0):
        self.b = builder
        self.cfg = cfg
        self.kv_cache = kv_cache  # decode: tokens already in the KV cache, which the new tokens also attend to
        self.n = NAMES[cfg["style"]]

    def linear(self, name, x, out_features, group=None):
        """y = x W^T with W stored [out, in] as in the checkpoints."""
        w = self.b.weight(name + ".weight", [out_features, self.b.shape(x)[-1]])
        return self.b.op("matmul", name, [x, w], {"transpose_b": True}, group=group)

    def rmsnorm(self, name, x):
        w = self.b.weight(name + ".weight", [self.b.shape(x)[-1]])
        return self.b.op("rmsnorm", name, [x, w], {"axis": -1, "epsilon": self.cfg["eps"]})

    def reshape(self, name, x, shape):
        return self.b.op("reshape", name, [x], out_shapes=[shape])

    def heads(self, name, x, n_heads):
        """[B, T, n*hd] -> [B, n, T, hd]."""
        bsz, t, _ = self.b.shape(x)
        x = self.reshape(name + ".split_heads", x, [bsz, t, n_heads, self.cfg["head_dim"]])
        return self.b.op("transpose", name + ".heads_first", [x], {"perm": [0, 2, 1, 3]})

    def rope(self, name, x, cos, sin_signed):
        """x*cos + rotate_half(x)*sin. rotate_half(x) = [-x2, x1]; the minus is folded into the sin table
        (its first half is negated), so the rotation is a swap of halves."""
        half = self.cfg["head_dim"] // 2
        x1 = self.b.op("slice", name + ".first_half", [x], {"axis": -1, "start": 0, "end": half})
        x2 = self.b.op("slice", name + ".second_half", [x], {"axis": -1, "start": half, "end": 2 * half})
        rotated = self.b.op("concat", name + ".rotate_half", [x2, x1], {"axis": -1})
        a = self.b.op("mul", name + ".mul_cos", [x, cos])
        s = self.b.op("mul", name + ".mul_sin", [rotated, sin_signed])
        return self.b.op("add", name, [a, s])

    def attention(self, x):
        c, n, b = self.cfg, self.n, self.b
        bsz, t, _ = b.shape(x)
        h, kvh, hd = c["heads"], c["kv_heads"], c["head_dim"]
        rep = h // kvh
        a = n["attn"]
        q = self.heads(n["q"], self.linear(n["q"], x, h * hd), h)
        k = self.heads(n["k"], self.linear(n["k"], x, kvh * hd), kvh)
        v = self.heads(n["v"], self.linear(n["v"], x, kvh * hd), kvh)
        if c["style"] == "mixtral":
            # Rotary tables: fixed for these positions, not trained.
            cos = b.constant("rope.cos", [bsz, 1, t, hd])
            sin = b.constant("rope.sin_signed", [bsz, 1, t, hd])
            q = self.rope(a + ".q_rope", q, cos, sin)
            k = self.rope(a + ".k_rope", k, cos, sin)
        # Decode: the new tokens' keys and values appended to the cache, which the step reads from DRAM.
        span = t
        if self.kv_cache:
            span = t + self.kv_cache
            k_cache = b.input(a + ".k_cache", [bsz, kvh, self.kv_cache, hd])
            v_cache = b.input(a + ".v_cache", [bsz, kvh, self.kv_cache, hd])
            k = b.op("concat", a + ".k_append", [k_cache, k], {"axis": 2})
            v = b.op("concat", a + ".v_append", [v_cache, v], {"axis": 2})
        # Grouped-query attention without copying K/V: the rep query heads that share a KV head are
        # stacked as rows, so QK^T and PV stay plain batched matmuls over the KV heads.
        if rep > 1:
            q = self.reshape(a + ".q_grouped", q, [bsz, kvh, rep * t, hd])
        kt = b.op("transpose", a + ".k_transpose", [k], {"perm": [0, 1, 3, 2]})
        s = b.op("matmul", a + ".scores", [q, kt])
        if rep > 1:
            s = self.reshape(a + ".scores_heads", s, [bsz, h, t, span])
        if c["style"] == "mixtral":
            s = b.op("mul", a + ".scale", [s, b.constant(a + ".scaling", [1])])
            s = b.op("add", a + ".causal_mask", [s, b.constant("attention_mask", [bsz, 1, t, span])])
        else:
            # T5: no 1/sqrt(d) scaling; the relative position bias comes in from block 0.
            s = b.op("add", a + ".position_bias", [s, b.input("position_bias", [1, h, t, span])])
        p = b.op("softmax", a + ".softmax", [s], {"axis": -1})
        if rep > 1:
            p = self.reshape(a + ".probs_grouped", p, [bsz, kvh, rep * t, span])
        ctx = b.op("matmul", a + ".pv", [p, v])
        if rep > 1:
            ctx = self.reshape(a + ".pv_heads", ctx, [bsz, h, t, hd])
        ctx = b.op("transpose", a + ".context_transpose", [ctx], {"perm": [0, 2, 1, 3]})
        ctx = self.reshape(a + ".context", ctx, [bsz, t, h * hd])
        return self.linear(n["o"], ctx, c["d_model"])

    def router(self, tokens):
        c, n, b = self.cfg, self.n, self.b
        moe = n["moe"]
        logits = self.linear(n["gate"], tokens, c["experts"])
        outs = [moe + ".topk.values", moe + ".topk.indices"]
        if c["style"] == "mixtral":
            # top-k of the logits, then softmax over the k picks: the same weights as softmax, top-k and
            # renormalise (HF), in the form of the original Mixtral code.
            values, indices = b.op("moe_topk", moe + ".topk", [logits], {"k": c["top_k"]}, outputs=outs)
            weights = b.op("softmax", moe + ".routing_weights", [values], {"axis": -1})
        else:
            probs = b.op("softmax", moe + ".router.softmax", [logits], {"axis": -1})
            weights, indices = b.op("moe_topk", moe + ".topk", [probs], {"k": c["top_k"]}, outputs=outs)
        return weights, indices

    def expert(self, e, x):
        c, b = self.cfg, self.b
        name = self.n["expert"] % e
        group = "expert.%d" % e
        if c["ffn"] == "swiglu":
            gate = self.linear(name + ".w1", x, c["d_ff"], group)
            up = self.linear(name + ".w3", x, c["d_ff"], group)
            act = b.op("silu", name + ".act_fn", [gate], group=group)
            hidden = b.op("mul", name + ".gate_mul_up", [act, up], group=group)
            return self.linear(name + ".w2", hidden, c["d_model"], group)
        hidden = self.linear(name + ".wi", x, c["d_ff"], group)
        hidden = b.op("relu", name + ".act", [hidden], group=group)
        return self.linear(name + ".wo", hidden, c["d_model"], group)

    def build(self, batch, seq_len, tokens_per_expert, dropped):
        c, n, b = self.cfg, self.n, self.b
        d = c["d_model"]
        x = b.input("hidden_states", [batch, seq_len, d])
        attn = self.attention(self.rmsnorm(n["norm1"], x))
        h = b.op("add", "residual_attention", [x, attn])
        moe = n["moe"]
        tokens = self.reshape(moe + ".tokens", self.rmsnorm(n["norm2"], h), [batch * seq_len, d])
        weights, indices = self.router(tokens)
        per_expert = b.op("moe_dispatch", moe + ".dispatch", [tokens, indices],
                          {"tokens_per_expert": tokens_per_expert, "dropped_tokens": dropped},
                          outputs=["%s.dispatch.%d" % (moe, e) for e in range(c["experts"])])
        if c["experts"] == 1:
            per_expert = [per_expert]
        outs = [self.expert(e, xe) for e, xe in enumerate(per_expert)]
        y = b.op("moe_combine", moe + ".combine", outs + [weights], {"tokens_per_expert": tokens_per_expert})
        y = self.reshape(moe + ".output", y, [batch, seq_len, d])
        b.op("add", "residual_moe", [h, y])


# --------------------------------------------------------------------------------------------------
# Command line


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Write one MoE transformer block as a workload trace.")
    ap.add_argument("--model", required=True, choices=sorted(PRESETS), help="dimension preset")
    for flag, what in (("--d-model", "hidden size"), ("--d-ff", "expert FFN size"), ("--experts", "number of experts"),
                       ("--top-k", "experts per token"), ("--heads", "query heads"), ("--kv-heads", "key/value heads"),
                       ("--head-dim", "size of one head")):
        ap.add_argument(flag, type=int, help=what + " (default from the preset)")
    ap.add_argument("--tokens", type=int, required=True, help="tokens per sequence")
    ap.add_argument("--batch", type=int, default=1, help="sequences (default 1)")
    ap.add_argument("--kv-cache", type=int, default=0,
                    help="decode: tokens already in each sequence's KV cache, read from DRAM and attended to with "
                         "the --tokens new ones (default 0: prefill)")
    ap.add_argument("--routing", choices=ROUTINGS, default="balanced")
    ap.add_argument("--skew", type=float, help="zipf exponent (default 1.0; --routing zipf only)")
    ap.add_argument("--assignment", help="JSON file with each token's experts (--routing list only)")
    ap.add_argument("--capacity-factor", type=float,
                    help="expert capacity = ceil(F * tokens * top_k / experts) per sequence; extra tokens are dropped")
    ap.add_argument("--expert-capacity", type=int,
                    help="expert capacity in tokens per sequence (switch-base-8's config says 64; "
                         "default: unlimited)")
    ap.add_argument("--seed", type=int, default=0, help="seed for uniform and zipf routing (default 0)")
    ap.add_argument("--name", help="trace name (default derived from model and tokens)")
    ap.add_argument("-o", "--output", required=True, help="trace file to write")
    args = ap.parse_args(argv)
    try:
        cfg = make_config(args)
    except UsageError as e:
        ap.error(str(e))
    return args, cfg


def make_config(args):
    cfg = dict(PRESETS[args.model])
    for key in ("d_model", "d_ff", "experts", "top_k", "heads", "kv_heads", "head_dim"):
        value = getattr(args, key)
        if value is not None:
            if value <= 0:
                raise UsageError("--%s must be positive" % key.replace("_", "-"))
            cfg[key] = value
    if args.head_dim is None and (args.d_model is not None or args.heads is not None):
        if cfg["d_model"] % cfg["heads"]:
            raise UsageError("--d-model must be a multiple of --heads (or give --head-dim)")
        cfg["head_dim"] = cfg["d_model"] // cfg["heads"]
    if args.kv_heads is None and args.heads is not None and cfg["style"] == "switch":
        cfg["kv_heads"] = cfg["heads"]
    if cfg["heads"] % cfg["kv_heads"]:
        raise UsageError("--heads must be a multiple of --kv-heads")
    if cfg["style"] == "mixtral" and cfg["head_dim"] % 2:
        raise UsageError("rotary embeddings need an even --head-dim")
    if cfg["top_k"] > cfg["experts"]:
        raise UsageError("--top-k must not exceed --experts")
    if args.tokens <= 0 or args.batch <= 0:
        raise UsageError("--tokens and --batch must be positive")
    if args.kv_cache < 0:
        raise UsageError("--kv-cache must be >= 0")
    if args.skew is not None and args.routing != "zipf":
        raise UsageError("--skew applies to --routing zipf only")
    if args.skew is not None and (args.skew < 0 or not math.isfinite(args.skew)):
        raise UsageError("--skew must be a finite number >= 0")
    if (args.assignment is None) != (args.routing != "list"):
        raise UsageError("--routing list needs --assignment FILE, and --assignment needs --routing list")
    if args.capacity_factor is not None and args.expert_capacity is not None:
        raise UsageError("give --capacity-factor or --expert-capacity, not both")
    if args.capacity_factor is not None:
        if not args.capacity_factor > 0 or not math.isfinite(args.capacity_factor):
            raise UsageError("--capacity-factor must be a positive number")
        cfg["expert_capacity"] = math.ceil(args.capacity_factor * args.tokens * cfg["top_k"] / cfg["experts"])
    elif args.expert_capacity is not None:
        if args.expert_capacity < 0:
            raise UsageError("--expert-capacity must be >= 0")
        cfg["expert_capacity"] = args.expert_capacity or None  # 0 means no limit
    return cfg


def default_name(args):
    return "%s_moe_%d%s%s" % (args.model.split("-")[0], args.tokens, "_b%d" % args.batch if args.batch > 1 else "",
                              "_kv%d" % args.kv_cache if args.kv_cache else "")


def build_trace(args, cfg):
    total = args.tokens * args.batch
    skew = None
    if args.routing == "balanced":
        assignment = route_balanced(total, cfg["experts"], cfg["top_k"])
    elif args.routing == "uniform":
        assignment = route_random(total, cfg["experts"], cfg["top_k"], args.seed)
    elif args.routing == "zipf":
        skew = 1.0 if args.skew is None else args.skew
        assignment = route_random(total, cfg["experts"], cfg["top_k"], args.seed, skew)
    else:
        assignment = load_assignment(args.assignment, total, cfg["experts"], cfg["top_k"])
    counts, dropped = apply_capacity(assignment, cfg["experts"], args.tokens, cfg["expert_capacity"])

    routing = args.routing + ("" if args.routing in ("balanced", "list") else ", seed %d" % args.seed)
    description = "%s MoE block, %d tokens x batch %d, %s routing" % (cfg["label"], args.tokens, args.batch, routing)
    if args.kv_cache:
        description += ", decode after %d cached tokens" % args.kv_cache
    b = tracelib.TraceBuilder(args.name or default_name(args), description)
    MoEBlock(b, cfg, args.kv_cache).build(args.batch, args.tokens, counts, dropped)
    trace = b.to_dict()
    macs, per_type = tracelib.trace_macs(trace)
    b.metadata = {
        "generator": "scripts/gen_moe.py",
        "model": args.model,
        "config": {k: cfg[k] for k in ("d_model", "d_ff", "experts", "top_k", "heads", "kv_heads", "head_dim", "ffn")},
        "tokens": args.tokens, "batch": args.batch,
        "routing": args.routing, "seed": args.seed if args.routing in ("uniform", "zipf") else None,
        "skew": skew, "expert_capacity": cfg["expert_capacity"],
        "tokens_per_expert": counts, "dropped_tokens": dropped,
        "macs": macs,
        "params": tracelib.trace_params(trace),
    }
    if args.kv_cache:
        b.metadata["kv_cache"] = args.kv_cache
    return b


def main(argv=None):
    args, cfg = parse_args(argv)
    try:
        b = build_trace(args, cfg)
    except UsageError as e:
        print("gen_moe.py: error: %s" % e, file=sys.stderr)
        return 2
    b.write(args.output, "gen_moe.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
