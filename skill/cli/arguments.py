"""Argument parsing the commands share: argparse types.

Standard library only: ``benchmarks/options.py`` imports ``positive_int``.
"""

from __future__ import annotations

import argparse

__all__ = ["positive_int"]


def positive_int(text: str) -> int:
    """An argparse type for counts (workers, rounds...)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value
