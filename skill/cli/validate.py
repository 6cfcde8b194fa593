"""``validate``: check the content files and the skill package (interaction models, manifest)."""

from __future__ import annotations

import argparse

from skill.cli.arguments import Commands, add_command
from skill.cli.status import EXIT_OK, EXIT_PROBLEMS


def register(commands: Commands) -> None:
    sub = add_command(commands, "validate", validate, "check the content files and the interaction models")
    sub.add_argument("--package", metavar="DIR", help="the skill package folder (default: interaction_model)")


def validate(args: argparse.Namespace) -> int:
    """Check the content and the skill package; print each problem, or a one-line summary."""
    from pathlib import Path

    from skill.model import PACKAGE_DIR
    from skill.model.build import stale_problems
    from skill.model.validation import package_summary, validate_package

    package_dir = Path(args.package) if args.package else PACKAGE_DIR
    from skill.handlers import INTENT_ANSWERS

    problems: list[object] = list(validate_package(package_dir, handled_intents=INTENT_ANSWERS.keys()))
    if not args.package:  # generated from this tree's sources, so only checkable here
        problems += stale_problems(package_dir)
    for problem in problems:
        print(problem)
    if problems:
        return EXIT_PROBLEMS
    print(f"ok: {package_summary(package_dir)}, content valid")
    return EXIT_OK
