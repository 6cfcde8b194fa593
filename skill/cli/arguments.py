"""Argument parsing every command shares: adding a command, argparse types.

Standard library only: ``benchmarks/options.py`` imports ``positive_int``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeAlias

__all__ = ["Commands", "Handler", "add_command", "positive_int"]

Handler: TypeAlias = Callable[[argparse.Namespace], int]  # a command: its parsed arguments in, its exit status out
# What ``add_subparsers`` returns (generic only to type checkers, hence the quotes).
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_command(commands: Commands, name: str, run: Handler, help: str) -> argparse.ArgumentParser:
    """The subparser of command ``name``, whose handler is ``run``; ``help`` also describes it."""
    sub = commands.add_parser(name, help=help, description=help)
    sub.set_defaults(run=run)
    return sub


def positive_int(text: str) -> int:
    """An argparse type for counts (workers, rounds...)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value
