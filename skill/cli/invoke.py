"""``invoke``: one request envelope on standard input, its response envelope on standard output."""

from __future__ import annotations

import argparse
import json
import sys

from skill.cli.arguments import Commands, add_command
from skill.cli.status import EXIT_OK, fail


def register(commands: Commands) -> None:
    sub = add_command(commands, "invoke", invoke, "run one request envelope (JSON on stdin) through the skill")
    sub.add_argument("--skill-id", help="refuse requests for any other skill id")


def invoke(args: argparse.Namespace) -> int:
    """One request envelope on stdin, its response envelope on stdout."""
    from ask_sdk_core.exceptions import AskSdkException

    from skill import build_skill, handle_envelope
    from skill.envelope import InvalidEnvelope

    try:
        envelope = json.loads(sys.stdin.read())
    except json.JSONDecodeError as error:
        return fail(f"invoke: standard input is not JSON: {error}")
    except RecursionError:  # json gives up on deep nesting ("[[[[..."), like on any bad JSON
        return fail("invoke: standard input is not JSON that can be read: nested too deeply")
    try:
        response = handle_envelope(build_skill(args.skill_id), envelope)
    except InvalidEnvelope as error:
        return fail(f"invoke: not an Alexa request envelope: {error}")
    except AskSdkException as error:  # for example a request for another skill id
        return fail(f"invoke: refused: {error}")
    json.dump(response, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return EXIT_OK
