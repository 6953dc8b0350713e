#!/usr/bin/python3
"""Hostile inputs for tessera: mutations of the shipped presets and traces, each with what tessera must do
with it. Used by tests/python/test_fuzz_short.py (a few hundred inputs in CI) and scripts/fuzz_inputs.py
(as many as you like).

A mutation is one of: a deleted key, a value of the wrong type, a boundary integer (0, -1, 2^31, 2^32,
2^63, 2^64), a huge or tiny float (1e308, 1e-308, 1e400), nesting 200 deep, an unknown key, a zero or
huge tensor dimension, a cycle (an op reading its own output, two configs extending each other), a cut
file. `must_refuse` marks the ones for which exit 0 is wrong: the value is of a type or size no field
accepts. The others may be accepted or refused, but must never crash, hang or exit 1.

A case fails when tessera exits 1, dies of a signal, times out, exits 2 without a message or with
output on stdout, or exits 0 on an input it must refuse."""

import copy
import json
import os
import random
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIGS = ["configs/toy_4x4.json", "configs/wormhole_n150.json", "configs/grayskull_e150.json",
           "configs/blackhole_p150.json"]
TRACES = ["traces/gemm_1024.json", "traces/switch_moe_64.json", "traces/mixtral_moe_128.json",
          "traces/yolov6_tiny_640.json", "traces/yolov6n_640.json"]
BOUNDARY_INTS = [0, -1, 2**31, 2**32, 2**63, 2**64]
# Keys whose values no reader interprets, or that take any integer (ONNX ends slices at INT64_MAX).
FREE_FORM = {"metadata"}
ANY_INTEGER = {"end", "start"}


class Case:
    def __init__(self, kind, label, text, must_refuse, extra_files=None):
        self.kind = kind              # "config" or "trace"
        self.label = label            # what was mutated, for the failure message
        self.text = text              # the mutated file
        self.must_refuse = must_refuse
        self.extra_files = extra_files or {}  # other files the case needs (name -> text)


def _paths(doc, prefix=()):
    """Every (path, value) below doc, skipping free-form subtrees."""
    out = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k in FREE_FORM or k == "extends":
                continue
            out.append((prefix + (k,), v))
            out.extend(_paths(v, prefix + (k,)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.append((prefix + (i,), v))
            out.extend(_paths(v, prefix + (i,)))
    return out


def _set(doc, path, value):
    node = doc
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value


def _delete(doc, path):
    node = doc
    for p in path[:-1]:
        node = node[p]
    del node[path[-1]]


def _wrong_type(value):
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, (int, float)):
        return "x"
    if isinstance(value, str):
        return 12345
    if isinstance(value, list):
        return {"not": "a list"}
    return ["not", "an object"]


def _load(path):
    with open(os.path.join(ROOT, path)) as f:
        doc = json.load(f)
    # A config's parent is named relative to the preset; point it at the preset's directory.
    if isinstance(doc.get("extends"), str):
        doc["extends"] = os.path.join(ROOT, os.path.dirname(path), doc["extends"])
    return doc


def mutate(rng, kind, source):
    """One mutated input of `source` (a preset or shipped trace)."""
    doc = _load(source)
    paths = _paths(doc)
    leaves = [(p, v) for p, v in paths if not isinstance(v, (dict, list))]
    choice = rng.choice(["delete", "wrong_type", "boundary_int", "float", "deep", "unknown_key", "shape",
                         "cycle", "truncate", "bad_utf8"])
    label = source + ": " + choice
    must_refuse = False
    text = None
    extra = {}
    if choice == "delete":
        path, _ = rng.choice(paths)
        _delete(doc, path)
        label += " " + "/".join(map(str, path))
    elif choice == "wrong_type":
        path, value = rng.choice(paths)
        _set(doc, path, _wrong_type(value))
        label += " " + "/".join(map(str, path))
        must_refuse = True
    elif choice == "boundary_int":
        numeric = [(p, v) for p, v in leaves if isinstance(v, (int, float)) and not isinstance(v, bool)]
        path, _ = rng.choice(numeric)
        value = rng.choice(BOUNDARY_INTS)
        _set(doc, path, value)
        label += " " + "/".join(map(str, path)) + "=" + str(value)
        must_refuse = value >= 2**32 and path[-1] not in ANY_INTEGER
        if value >= 2**63 and path[-1] in ANY_INTEGER:
            must_refuse = True  # beyond int64
    elif choice == "float":
        numeric = [(p, v) for p, v in leaves if isinstance(v, (int, float)) and not isinstance(v, bool)]
        path, _ = rng.choice(numeric)
        value = rng.choice(["1e308", "1e-308", "1e400", "-1e400"])
        marker = "__FUZZ_FLOAT__"
        _set(doc, path, marker)
        text = json.dumps(doc).replace('"' + marker + '"', value)
        label += " " + "/".join(map(str, path)) + "=" + value
        must_refuse = value != "1e-308"
    elif choice == "deep":
        containers = [(p, v) for p, v in paths if isinstance(v, (dict, list))] or [((), doc)]
        path, _ = rng.choice(containers)
        marker = "__FUZZ_DEEP__"
        _set(doc, path, marker) if path else doc.update({"deep": marker})
        text = json.dumps(doc).replace('"' + marker + '"', "[" * 200 + "]" * 200)
        label += " " + "/".join(map(str, path))
        must_refuse = True
    elif choice == "unknown_key":
        objects = [(p, v) for p, v in paths if isinstance(v, dict)] + [((), doc)]
        path, obj = rng.choice(objects)
        obj["fuzz_unknown_key"] = 1
        label += " " + "/".join(map(str, path))
        must_refuse = True
    elif choice == "shape" and kind == "trace":
        tensor = rng.choice(doc["tensors"])
        if tensor["shape"]:
            i = rng.randrange(len(tensor["shape"]))
            value = rng.choice([0, 10**12, 2**40])
            tensor["shape"][i] = value
            label += " %s[%d]=%d" % (tensor["name"], i, value)
            must_refuse = value > 2**32
    elif choice == "cycle" and kind == "trace":
        op = rng.choice(doc["ops"])
        op["inputs"] = op["inputs"] + [op["outputs"][0]]
        label += " " + op["name"] + " reads its own output"
        must_refuse = True
    elif choice == "cycle" and kind == "config":
        # The case's file extends a sibling that extends the case's file again.
        doc["extends"] = "sibling.json"
        extra["sibling.json"] = json.dumps({"extends": "case.json"})
        label += " through sibling.json"
        must_refuse = True
    elif choice == "truncate":
        full = json.dumps(doc, indent=1)
        text = full[: rng.randrange(1, len(full) - 1)]
        must_refuse = True
    elif choice == "bad_utf8":
        strings = [(p, v) for p, v in leaves if isinstance(v, str)]
        if strings:
            path, _ = rng.choice(strings)
            marker = "__FUZZ_UTF8__"
            _set(doc, path, marker)
            text = json.dumps(doc).replace(marker, "\udcff", 1)
            label += " " + "/".join(map(str, path))
            must_refuse = True
    if text is None:
        text = json.dumps(doc, indent=1)
    return Case(kind, label, text, must_refuse, extra)


def generate(seed, count, config_share=0.5):
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        if rng.random() < config_share:
            cases.append(mutate(rng, "config", rng.choice(CONFIGS)))
        else:
            cases.append(mutate(rng, "trace", rng.choice(TRACES)))
    return cases


def run_case(binary, case, directory, simulate=False, timeout=60):
    """Runs one case; returns None when tessera behaved, else a one-line description of what went wrong."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "case.json")
    with open(path, "wb") as f:
        f.write(case.text.encode("utf-8", "surrogateescape"))
    for name, text in case.extra_files.items():
        with open(os.path.join(directory, name), "w") as f:
            f.write(text)
    if case.kind == "config":
        args = ["--config", path]
        if simulate:
            args += ["--trace", os.path.join(ROOT, "traces", "gemm_1024.json")]
    else:
        args = ["--trace", path]
        if simulate:
            args += ["--config", os.path.join(ROOT, "configs", "toy_4x4.json")]
    command = [binary, "run", "--quiet"] + args if simulate else [binary, "validate"] + args
    try:
        r = subprocess.run(command, capture_output=True, cwd=directory, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timed out after %d s: %s" % (timeout, " ".join(command))
    err = r.stderr.decode(errors="replace").strip()
    if r.returncode < 0:
        return "killed by signal %d: %s" % (-r.returncode, err[-200:])
    if r.returncode not in (0, 2):
        return "exit %d: %s" % (r.returncode, err[-300:])
    if r.returncode == 2 and (not err or r.stdout):
        return "exit 2 without a message, or with output on stdout"
    if r.returncode == 0 and case.must_refuse:
        return "exit 0 on an input that must be refused"
    return None


def may_simulate(case):
    """Cases that are cheap to run end to end: the toy chip with one GEMM."""
    return (case.kind == "config" and case.label.startswith("configs/toy_4x4.json")) or \
           (case.kind == "trace" and case.label.startswith("traces/gemm_1024.json"))
