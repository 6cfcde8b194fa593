"""``python -m skill``: the commands put together, parsed and run."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from skill.cli import ask, chat, invoke, package, replay, serve, validate
from skill.cli.status import EXIT_OK

# In the order ``--help`` lists them; each module registers its own subparser and handler.
COMMANDS = (invoke, validate, serve, ask, chat, replay, package)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m skill", description="Leg Cramp Guide, an Alexa skill.")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    # Logs go to stderr so stdout carries only what a script reads.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    cli = parser()
    args = cli.parse_args(argv)
    check = getattr(args, "check", None)  # a command's rule across its options, if it has one
    if check is not None and (problem := check(args)):
        args.usage_error(problem)  # as argparse says the command's other usage errors: "python -m skill ask: ..."
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader left early ("| head"): no traceback, and nothing more for Python to flush there.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
