"""Command line: ``python -m skill <command>``.

Each command is a small function; scripts rely on their arguments, output and
exit statuses (0 success, 1 a check failed, 2 bad input or usage).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Callable

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_BUNDLE = "dist/skill-lambda.zip"


def invoke(args: argparse.Namespace) -> int:
    """One request envelope on stdin, its response envelope on stdout."""
    from ask_sdk_core.exceptions import AskSdkException

    from skill import build_skill, handle_envelope
    from skill.envelope import InvalidEnvelope

    try:
        envelope = json.loads(sys.stdin.read())
        response = handle_envelope(build_skill(args.skill_id), envelope)
    except json.JSONDecodeError as error:
        return _fail(f"invoke: standard input is not JSON: {error}")
    except InvalidEnvelope as error:
        return _fail(f"invoke: not an Alexa request envelope: {error}")
    except AskSdkException as error:  # for example a request for another skill id
        return _fail(f"invoke: refused: {error}")
    json.dump(response, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return EXIT_OK


def validate(args: argparse.Namespace) -> int:
    """Check the content files; print each problem, or a one-line summary."""
    from skill.content import SUPPORTED_LOCALES
    from skill.content.validation import validate_content

    problems = validate_content()
    for problem in problems:
        print(f"skill/content/{problem}")
    if problems:
        return EXIT_PROBLEMS
    print(f"ok: content valid for {len(SUPPORTED_LOCALES)} locales")
    return EXIT_OK


def package(args: argparse.Namespace) -> int:
    """Validate, then build the Lambda bundle; print its path, size and file count."""
    from pathlib import Path

    from skill.packaging import PackagingError, build_bundle, validate_everything

    problems = validate_everything()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"package: {len(problems)} problem(s), no bundle built", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        bundle = build_bundle(Path(args.output))
    except PackagingError as error:
        print(f"package: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{bundle.path}: {bundle.size / 1024:.0f} KiB, {bundle.file_count} files")
    return EXIT_OK

def _fail(message: str) -> int:
    print(message.replace("\n", " "), file=sys.stderr)
    return EXIT_BAD_INPUT


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m skill", description="Leg Cramp Guide, an Alexa skill.")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(run=run)
        return sub

    invoke_cmd = command("invoke", invoke, "run one request envelope (JSON on stdin) through the skill")
    invoke_cmd.add_argument("--skill-id", help="refuse requests for any other skill id")
    command("validate", validate, "check the content files and the interaction models")
    package_cmd = command("package", package, "validate, then build the Lambda bundle (zip)")
    package_cmd.add_argument("--output", default=DEFAULT_BUNDLE, help=f"the zip to write (default {DEFAULT_BUNDLE})")
    return root


def main(argv: list[str] | None = None) -> int:
    # Logs go to stderr so stdout carries only what a script reads.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
