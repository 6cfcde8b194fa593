"""``chat``: a conversation at the prompt, one session across turns."""

from __future__ import annotations

import argparse
import sys

from skill.cli import screen, targets
from skill.cli.arguments import Commands, add_command
from skill.cli.status import EXIT_OK, fail


def register(commands: Commands) -> None:
    from skill.simulator.request_builder import DEFAULT_LOCALE

    sub = add_command(commands, "chat", chat, "talk to the skill at a prompt, as to a device")
    targets.add_target_options(sub, voice=True, locale_default=DEFAULT_LOCALE)
    screen.add_screen_options(sub)


def chat(args: argparse.Namespace) -> int:
    """A conversation at the prompt: each line is what you say."""
    from skill.simulator import name_free
    from skill.simulator.request_builder import DEFAULT_LOCALE
    from skill.simulator.transports import TransportError

    args.locale = args.locale or DEFAULT_LOCALE
    try:
        device = targets.device(args)
        screen.use_screen(args, device)
    except TransportError as error:
        return fail(f"chat: {error}")
    status = EXIT_OK
    print('Say something to Alexa, for example "open leg cramp guide". Ctrl-D leaves.')
    print('"name-free: why do my legs cramp" asks without the skill\'s name, as Alexa would route it.')
    while True:
        try:
            line = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            break
        if not line:
            continue
        try:
            touched = screen.touched_item(line) if device.screen else None
            # "name-free: ..." as Alexa routes it, a number on a screen as a touch, else as said
            turn = name_free.say(device, line) if touched is None else device.touch(touched)
        except (TransportError, name_free.NamesTheSkill, ValueError) as error:  # ValueError: nothing there to touch
            print(f"chat: {error}", file=sys.stderr)
            continue
        print(turn.as_text())
        problem = screen.write_apl(args, turn)
        if problem:
            print(f"chat: {problem}", file=sys.stderr)
        unvoiced = targets.voice(args, turn.speech)
        if unvoiced:
            status = fail(f"chat: {unvoiced}")  # the exit status tells it too, at the end
            args.voice, args.wav = False, None  # said why once; carry on in text
    device.hang_up()
    return status
