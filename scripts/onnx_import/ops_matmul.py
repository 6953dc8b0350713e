"""Op mappers for Gemm and MatMul: both become `matmul`; B (and Gemm's C) are parameters."""

import numpy as np

import tracelib


class MatmulOps:
    """Mixin of the Importer: converters of the matmul family."""

    def convert_Gemm(self, i, node, a):
        base = self.name(i)
        x = self.tensor(node.input[0])
        if a.get("transA", 0):
            x = self.emit("transpose", base + ".transpose_a", [x], self.fresh(node.output[0] + ".a_t"),
                          {"perm": [1, 0]})
        bs = self.shape(node.input[1])
        trans_b = bool(a.get("transB", 0))
        n = bs[0] if trans_b else bs[1]
        ins = [x, self.weight(node.input[1])]
        attrs = {"transpose_b": True} if trans_b else {}
        c = node.input[2] if len(node.input) > 2 and node.input[2] else None
        fused_bias = c is not None and self.is_const(c) and self.real(c) not in self.b.tensors and \
            int(np.prod(self.shape(c))) == n and len(self.g.consumers.get(c, [])) == 1
        if fused_bias:
            ins.append(self.weight(c, [n]))
        if c is None or fused_bias:
            return self.finish_node(node, self.emit("matmul", base, ins, node.output[0], attrs))
        y = self.emit("matmul", base, ins, self.fresh(node.output[0] + ".matmul"), attrs)
        self.finish_node(node, self.emit("add", base + ".bias", [y, self.weight(c)], node.output[0]))

    def convert_MatMul(self, i, node, a):
        base = self.name(i)
        a_s, b_s = self.shape(node.input[0]), self.shape(node.input[1])
        x, w = self.tensor(node.input[0]), self.weight(node.input[1])
        if len(a_s) == 1:  # numpy rules: a vector is a row, dropped again from the result
            x = self.emit("reshape", base + ".a_row", [x], self.fresh(node.output[0] + ".a_row"), out_shape=[1, a_s[0]])
        if len(b_s) == 1:
            w = self.emit("reshape", base + ".b_col", [w], self.fresh(node.output[0] + ".b_col"), out_shape=[b_s[0], 1])
        if len(a_s) > 1 and len(b_s) > 1:
            return self.finish_node(node, self.emit("matmul", base, [x, w], node.output[0]))
        y = self.emit("matmul", base, [x, w], self.fresh(node.output[0] + ".2d"))
        self.finish_node(node, self.emit("reshape", base + ".squeeze", [y], node.output[0],
                                         out_shape=self.shapes.get(node.output[0]) or self.squeezed(a_s, b_s)))

    @staticmethod
    def squeezed(a_s, b_s):
        lead = tracelib.broadcast(a_s[:-2], b_s[:-2])
        return lead + ([a_s[-2]] if len(a_s) > 1 else []) + ([b_s[-1]] if len(b_s) > 1 else [])
