"""Exit statuses of every command, and the one-line refusal."""

from __future__ import annotations

import sys

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_PROBLEMS", "fail"]

EXIT_OK = 0  # done
EXIT_PROBLEMS = 1  # a check failed: the problems were printed
EXIT_BAD_INPUT = 2  # bad input or usage


def fail(message: str) -> int:
    """One line on standard error; the bad-input status."""
    print(message.replace("\n", " "), file=sys.stderr)
    return EXIT_BAD_INPUT
