"""``python -m skill``: the commands put together, parsed and run."""

from __future__ import annotations

import argparse
import logging

from skill.cli import ask, chat, invoke, package, replay, serve, validate

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
        cli.error(problem)
    return args.run(args)
