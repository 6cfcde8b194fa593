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
    # usage_error: what reports a command's rule across its options (its ``check``), under its own usage line.
    sub.set_defaults(run=run, usage_error=sub.error)
    return sub


def port_number(text: str) -> int:
    """An argparse type for a TCP port to listen on."""
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 1 to 65535: {text}")
    return value


def skill_locale(text: str) -> str:
    """An argparse type for a locale the skill has content and a model for."""
    from skill.content import SUPPORTED_LOCALES

    # Locale tags are case-insensitive (BCP 47): "en-gb" is en-GB.
    spelled = {locale.lower(): locale for locale in SUPPORTED_LOCALES}.get(text.strip().lower())
    if spelled is None:
        raise argparse.ArgumentTypeError(f"the skill speaks {', '.join(SUPPORTED_LOCALES)}; not {text}")
    return spelled


def positive_int(text: str) -> int:
    """An argparse type for counts (workers, rounds...)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value
