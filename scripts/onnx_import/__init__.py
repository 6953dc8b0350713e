"""ONNX import for Tessera: turns an ONNX model into a workload trace (docs/trace-format.md).

The command line is scripts/onnx2trace.py. The package, one job per module:

    errors.py           ImportFailure, Unsupported, Downstream; the one-line failure message (exit 2)
    onnx_util.py        attribute and padding helpers
    loading.py          reading the file, fixing input dims, ONNX shape inference, the Graph view
    folding.py          constant folding of shape arithmetic (numpy versions of the ops)
    patterns.py         fusion of decompositions: SiLU/HardSwish, GELU, layer norm, RMS norm
    emitter.py          trace tensors and ops for ONNX values; which constants are weights
    ops_conv.py         Conv, ConvTranspose, BatchNormalization, pooling
    ops_matmul.py       Gemm, MatMul
    ops_elementwise.py  binary ops, activations, Clip, Softmax, LayerNormalization
    ops_layout.py       Resize, Concat, Reshape & co., Transpose, Slice, Split
    ops_indexing.py     Gather (slice, embedding or data_movement), Pad, Expand, Tile
    importer.py         the walk over the graph (with Conv+BN and Pad+Conv folding) and import_model()

Needs Debian's python3-onnx and python3-numpy (run with /usr/bin/python3), and scripts/ on sys.path for
tracelib.
"""

from .errors import PROG, Downstream, ImportFailure, Unsupported, fail

try:
    import numpy  # noqa: F401
    import onnx  # noqa: F401
except ImportError as e:  # pragma: no cover - depends on the machine
    fail("%s; install Debian's python3-onnx and python3-numpy and run with /usr/bin/python3" % e)

from .importer import Importer, import_model  # noqa: E402
from .loading import load_model  # noqa: E402

__all__ = ["PROG", "Downstream", "ImportFailure", "Importer", "Unsupported", "fail", "import_model", "load_model"]
