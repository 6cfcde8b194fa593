"""``ask``: one turn of conversation; with ``--session FILE`` the session lives on in FILE."""

from __future__ import annotations

import argparse

from skill.cli import screen, targets
from skill.cli.arguments import Commands, add_command
from skill.cli.status import EXIT_BAD_INPUT, EXIT_OK, fail


def register(commands: Commands) -> None:
    from skill.simulator.request_builder import DEFAULT_LOCALE

    sub = add_command(commands, "ask", ask, "say one thing to the skill and print what Alexa answers")
    sub.add_argument("utterance", help='what you would say, e.g. "ask leg cramp guide why do my legs cramp"')
    sub.add_argument("--session", metavar="FILE", help="keep the session in FILE across calls")
    sub.add_argument("--json", action="store_true", help='print {"request": ..., "response": ...}')
    sub.add_argument("--name-free", action="store_true",
                     help="say it without the skill's name: show Alexa's CanFulfillIntentRequest, the verdict, "
                     "and the answer if the verdict is YES")
    targets.add_target_options(sub, voice=True, locale_default=f"the --session file's, else {DEFAULT_LOCALE}")
    screen.add_screen_options(sub)


def ask(args: argparse.Namespace) -> int:
    """One turn of conversation; with --session FILE the session lives on in FILE."""
    from pathlib import Path

    from skill.simulator import name_free
    from skill.simulator.device import check_session_path
    from skill.simulator.request_builder import DEFAULT_LOCALE
    from skill.simulator.transports import TransportError

    session = Path(args.session) if args.session else None
    explicit_locale = args.locale is not None
    args.locale = args.locale or DEFAULT_LOCALE
    try:
        if session is not None:
            check_session_path(session)  # before the turn is sent, so nothing is lost
        device = targets.device(args)
        screen.use_screen(args, device)
        if session is not None:
            # The locale: --locale if given, else the session's, else the default.
            device.load_session(session, restore_locale=not explicit_locale)
            args.locale = device.locale
        turn = name_free.ask(device, args.utterance) if args.name_free else device.say(args.utterance)
    except (TransportError, ValueError) as error:
        return fail(f"ask: {error}")
    problems: list[str | None] = []
    if session is not None:
        try:
            device.save_session(session)
        except OSError as error:  # checked above, so rare: permissions, a full disk
            problems.append(f"{session}: cannot save the session ({error.strerror or error})")
    print(turn.as_json() if args.json else turn.as_text())
    # Each of these is tried whatever became of the others, and each problem said on its own line.
    problems += [screen.write_apl(args, turn), targets.voice(args, turn.speech)]
    for problem in filter(None, problems):
        fail(f"ask: {problem}")
    return EXIT_BAD_INPUT if any(problems) else EXIT_OK
