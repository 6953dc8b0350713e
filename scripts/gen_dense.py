#!/usr/bin/python3
"""Writes one dense Llama-style decoder layer as a Tessera workload trace: RMSNorm, grouped-query
self-attention with rotary embeddings (the same ops as gen_moe.py's Mixtral block), residual, RMSNorm, a
SwiGLU MLP (gate_proj, up_proj, SiLU, mul, down_proj), residual. Op names follow the HF Llama modules.

    gen_dense.py --model llama-3-70b --tokens 1 --batch 32 --kv-cache 128 -o llama70b_decode.json
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_moe  # noqa: E402
import tracelib  # noqa: E402

# HF config.json of meta-llama/Meta-Llama-3-8B and Meta-Llama-3-70B (docs/workloads.md).
PRESETS = {
    "llama-3-8b": {"label": "Llama-3-8B", "d_model": 4096, "d_ff": 14336, "heads": 32, "kv_heads": 8, "head_dim": 128,
                   "eps": 1e-5},
    "llama-3-70b": {"label": "Llama-3-70B", "d_model": 8192, "d_ff": 28672, "heads": 64, "kv_heads": 8,
                    "head_dim": 128, "eps": 1e-5},
}


class DenseLayer(gen_moe.MoEBlock):
    """gen_moe's attention (Mixtral's is Llama's), a dense SwiGLU MLP in place of the experts."""

    def build(self, batch, seq_len):
        c, b = self.cfg, self.b
        x = b.input("hidden_states", [batch, seq_len, c["d_model"]])
        h = b.op("add", "residual_attention", [x, self.attention(self.rmsnorm("input_layernorm", x))])
        y = self.rmsnorm("post_attention_layernorm", h)
        gate = b.op("silu", "mlp.act_fn", [self.linear("mlp.gate_proj", y, c["d_ff"])])
        up = self.linear("mlp.up_proj", y, c["d_ff"])
        y = self.linear("mlp.down_proj", b.op("mul", "mlp.gate_mul_up", [gate, up]), c["d_model"])
        b.op("add", "residual_mlp", [h, y])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=sorted(PRESETS), required=True)
    ap.add_argument("--tokens", type=int, required=True, help="new tokens per sequence")
    ap.add_argument("--batch", type=int, default=1, help="sequences (default 1)")
    ap.add_argument("--kv-cache", type=int, default=0, help="decode: tokens already in each sequence's KV cache")
    ap.add_argument("--name", help="trace name (default derived from model, tokens, batch and cache)")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args(argv)
    if args.tokens <= 0 or args.batch <= 0 or args.kv_cache < 0:
        ap.error("--tokens and --batch must be positive, --kv-cache at least 0")
    cfg = dict(PRESETS[args.model], style="mixtral")
    name = args.name or "%s_%d%s%s" % (args.model.replace("-", "_").replace(".", ""), args.tokens,
                                       "_b%d" % args.batch if args.batch > 1 else "",
                                       "_kv%d" % args.kv_cache if args.kv_cache else "")
    description = "%s decoder layer, %d tokens x batch %d" % (cfg["label"], args.tokens, args.batch)
    if args.kv_cache:
        description += ", decode after %d cached tokens" % args.kv_cache
    b = tracelib.TraceBuilder(name, description)
    DenseLayer(b, cfg, args.kv_cache).build(args.batch, args.tokens)
    trace = b.to_dict()
    b.metadata = {"generator": "scripts/gen_dense.py", "model": args.model,
                  "config": {k: cfg[k] for k in ("d_model", "d_ff", "heads", "kv_heads", "head_dim")},
                  "tokens": args.tokens, "batch": args.batch, "kv_cache": args.kv_cache,
                  "macs": tracelib.trace_macs(trace)[0], "params": tracelib.trace_params(trace)}
    b.write(args.output, "gen_dense.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
