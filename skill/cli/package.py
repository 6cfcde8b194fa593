"""``package``: validate, then build the Lambda bundle (``skill.packaging``)."""

from __future__ import annotations

import argparse
import sys

from skill.cli.arguments import Commands, add_command
from skill.cli.status import EXIT_OK, EXIT_PROBLEMS

DEFAULT_BUNDLE = "dist/skill-lambda.zip"


def register(commands: Commands) -> None:
    sub = add_command(commands, "package", package, "validate, then build the Lambda bundle (zip)")
    sub.add_argument("--output", default=DEFAULT_BUNDLE, help=f"the zip to write (default {DEFAULT_BUNDLE})")
    sub.add_argument(
        "--bytecode", nargs="?", const="", metavar="PYTHON",
        help="also ship compiled modules, made by PYTHON (default: python3.N of the template's runtime, on PATH)",
    )  # fmt: skip


def package(args: argparse.Namespace) -> int:
    """Validate, then build the Lambda bundle; print its path, size and file count."""
    from pathlib import Path

    from skill.packaging import PackagingError, build_bundle, runtime_version, validate_everything

    problems = validate_everything()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"package: {len(problems)} problem(s), no bundle built", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        python = None
        if args.bytecode is not None:
            python = Path(args.bytecode or f"python{runtime_version()}")
        bundle = build_bundle(Path(args.output), bytecode=python)
    except PackagingError as error:
        print(f"package: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{bundle.path}: {bundle.size / 1024:.0f} KiB, {bundle.file_count} files")
    return EXIT_OK
