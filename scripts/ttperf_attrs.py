"""Parsers for the text tt-metal's ops-perf CSVs hold: the `ATTRIBUTES` column (a C++-ish dump of each op's
attributes), the `X_PAD[LOGICAL]` size columns and the `INPUT_n_MEMORY` strings. Used by ttperf2trace.py.

Standard library only.
"""

import re


class ProfileError(ValueError):
    """The profile does not say what the importer needs (reported with the row and column)."""


def split_attributes(text):
    """`{'key': 'value'; 'key2': 'value2'}` -> dict. Values never contain a quote, so a regex is exact."""
    text = text.strip()
    if not text:
        return {}
    if not (text.startswith("{") and text.endswith("}")):
        raise ProfileError("ATTRIBUTES is not a {'key': 'value'; ...} list: %r" % text[:80])
    return dict(re.findall(r"'([^']*)': '([^']*)'", text))


def pad_logical(text):
    """`32[19]` -> (padded 32, logical 19)."""
    m = re.fullmatch(r"\s*(\d+)\[(\d+)\]\s*", text)
    if not m:
        raise ProfileError("expected a size like 32[19] (padded[logical]), got %r" % text)
    return int(m.group(1)), int(m.group(2))


def ints(text):
    """All integers in a fragment like `(384;1280)` or `Shape([1; 32; 768])`."""
    return [int(v) for v in re.findall(r"-?\d+", text)]


def field(text, key):
    """The value of `key=...` inside a struct dump, up to the next `;` or `)` at the same depth."""
    m = re.search(r"(?:^|[(;{ ])" + re.escape(key) + r"\s*=\s*", text)
    if not m:
        return None
    depth, out = 0, []
    for ch in text[m.end():]:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif ch == ";" and depth == 0:
            break
        out.append(ch)
    return "".join(out).strip()


def core_ranges(text):
    """`{[(x=0;y=0) - (x=4;y=3)]; [(x=0;y=4) - (x=1;y=4)]}` -> [[0, 0, 4, 3], [0, 4, 1, 4]] (inclusive)."""
    return [[int(a), int(b), int(c), int(d)]
            for a, b, c, d in re.findall(r"\(x=(\d+);y=(\d+)\)\s*-\s*\(x=(\d+);y=(\d+)\)", text or "")]


_BUFFERS = {"DRAM": "dram", "L1": "l1"}
_LAYOUTS = {"INTERLEAVED": "interleaved", "HEIGHT_SHARDED": "height_sharded", "WIDTH_SHARDED": "width_sharded",
            "BLOCK_SHARDED": "block_sharded"}


def memory_column(text):
    """`DEV_1_L1_HEIGHT_SHARDED` -> {"buffer": "l1", "layout": "height_sharded"}."""
    m = re.fullmatch(r"DEV_\d+_(DRAM|L1)_(INTERLEAVED|HEIGHT_SHARDED|WIDTH_SHARDED|BLOCK_SHARDED)", text.strip())
    if not m:
        raise ProfileError("expected a memory like DEV_0_DRAM_INTERLEAVED or DEV_1_L1_HEIGHT_SHARDED, got %r" % text)
    return {"buffer": _BUFFERS[m.group(1)], "layout": _LAYOUTS[m.group(2)]}


def memory_config(text):
    """A `MemoryConfig(memory_layout=...;buffer_type=...;shard_spec=ShardSpec(grid=...;shape={r; c};
    orientation=...))` attribute -> the trace's memory object, or None when the text is not one."""
    if not text or not text.startswith("MemoryConfig("):
        return None
    layout = (field(text, "memory_layout") or "").replace("TensorMemoryLayout::", "")
    buffer = (field(text, "buffer_type") or "").replace("BufferType::", "")
    if layout not in _LAYOUTS or buffer not in _BUFFERS:
        raise ProfileError("unknown memory config %r" % text[:120])
    out = {"buffer": _BUFFERS[buffer], "layout": _LAYOUTS[layout]}
    spec = field(text, "shard_spec")
    if layout != "INTERLEAVED" and spec and spec.startswith("ShardSpec("):
        out["shard_grid"] = core_ranges(field(spec, "grid"))
        out["shard_shape"] = ints(field(spec, "shape"))
        orientation = (field(spec, "orientation") or "ShardOrientation::ROW_MAJOR").replace("ShardOrientation::", "")
        out["orientation"] = orientation.lower()
    return out


def sliding_window(text):
    """`SlidingWindowConfig(batch_size=1; input_hw=(384;1280); window_hw=(7;7); stride_hw=(2;2);
    padding=((3; 3); (3; 3)); ...; dilation_hw=(1;1); ...)` -> dict of lists. padding is [top, bottom,
    left, right] as tt-metal lists it ((top, bottom), (left, right))."""
    if not text or not text.startswith("SlidingWindowConfig("):
        raise ProfileError("expected a SlidingWindowConfig(...), got %r" % (text or "")[:80])
    # The padding field holds nested parentheses; take its integers directly.
    m = re.search(r"padding=\(\((\d+);\s*(\d+)\);\s*\((\d+);\s*(\d+)\)\)", text)
    if not m:
        raise ProfileError("SlidingWindowConfig without padding=((t; b); (l; r)): %r" % text[:120])
    out = {"batch": ints(field(text, "batch_size"))[0], "input_hw": ints(field(text, "input_hw")),
           "kernel": ints(field(text, "window_hw")), "stride": ints(field(text, "stride_hw")),
           "dilation": ints(field(text, "dilation_hw")), "padding": [int(v) for v in m.groups()],
           "cores": core_ranges(text[text.find("core_range_set_"):]) if "core_range_set_" in text else []}
    for key in ("input_hw", "kernel", "stride", "dilation"):
        if len(out[key]) != 2:
            raise ProfileError("SlidingWindowConfig %s must have two values: %r" % (key, text[:120]))
    return out


def struct_ints(text):
    """`Name(a=1;b=2;grid=(x=5;y=4))` -> {"a": 1, "b": 2, "grid": [5, 4]} for every integer field."""
    out = {}
    body = text[text.find("(") + 1:-1] if "(" in text else ""
    for m in re.finditer(r"(\w+)=(\(x=(\d+);y=(\d+)\)|-?\d+)(?=[;)]|$)", body):
        out[m.group(1)] = [int(m.group(3)), int(m.group(4))] if m.group(3) else int(m.group(2))
    return out


_UNARY = {"RELU": "relu", "RELU6": "relu6", "SILU": "silu", "SIGMOID": "sigmoid", "GELU": "gelu", "EXP": "exp",
          "TANH": "tanh", "HARDSIGMOID": "hardsigmoid", "HARDSWISH": "hardswish", "ERF": "erf"}
# tt-metal's unfused sigmoid: 1 / (1 + exp(-x)).
_SIGMOID_CHAIN = ["NEG", "EXP", "ADD_UNARY_SFPU", "RECIP"]


def unary_function(op_chain):
    """The Tessera unary type of a UnaryDeviceOperation's op_chain, and the chain's tt-metal names. None
    when the chain is no single function Tessera knows."""
    chain = re.findall(r"op_type=UnaryOpType::(\w+)", op_chain or "")
    if len(chain) == 1 and chain[0] in _UNARY:
        return _UNARY[chain[0]], chain
    if chain == _SIGMOID_CHAIN:
        return "sigmoid", chain
    return None, chain
