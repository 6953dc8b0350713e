"""The importer's errors and its one-line failure message (exit status 2)."""

import sys

PROG = "onnx2trace"


def fail(message):
    """Prints `onnx2trace: error: MESSAGE` and exits with status 2 (nothing is written)."""
    print("%s: error: %s" % (PROG, message), file=sys.stderr)
    sys.exit(2)


class ImportFailure(Exception):
    """The model cannot be turned into a trace; the message says why."""


class Unsupported(Exception):
    """This node cannot be mapped; detail says which variant of the op type is missing."""

    def __init__(self, detail=None):
        super().__init__(detail)
        self.detail = detail


class Downstream(Exception):
    """This node reads the output of an unsupported node: skipped, not reported on its own."""
