"""``python -m benchmarks``: the benchmark suite (``benchmarks/run.py``), one markdown table."""

from __future__ import annotations

import sys

from benchmarks.run import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m benchmarks"))
