"""``replay``: play dialog files; stop at the first answer that differs."""

from __future__ import annotations

import argparse

from skill.cli import targets
from skill.cli.arguments import Commands, add_command
from skill.cli.status import EXIT_OK, EXIT_PROBLEMS, fail


def register(commands: Commands) -> None:
    from skill.simulator.request_builder import DEFAULT_LOCALE

    sub = add_command(commands, "replay", replay, "play dialog test files (YAML) and check every answer")
    sub.add_argument("dialogs", nargs="+", metavar="DIALOG.yaml",
                     help="dialog files, or the JSON replay files that `ask dialog` records")
    targets.add_target_options(sub, voice=False, locale_default=f"each dialog's own, else {DEFAULT_LOCALE}")


def replay(args: argparse.Namespace) -> int:
    """Play dialog files; stop at the first answer that differs (exit 1)."""
    from pathlib import Path

    from skill.simulator.replay import DialogError, load_dialog
    from skill.simulator.replay import replay as play
    from skill.simulator.transports import TransportError

    try:
        transport = targets.transport(args)  # once: each target is costly to set up (skill, Lambda module)
    except TransportError as error:
        return fail(f"replay: {error}")
    for name in args.dialogs:
        try:
            dialog = load_dialog(Path(name))
            # A recording of `ask dialog` expects nothing: its turns are shown as chat shows them.
            shown = (lambda said, turn: print(f"you> {said}\n{turn.as_text()}")) if dialog.recorded else None
            mismatch = play(dialog, transport, skill_id=args.skill_id, locale=args.locale, on_turn=shown)
        except (DialogError, TransportError) as error:
            return fail(f"replay: {error}")
        if mismatch is not None:
            print(f"{name}: {mismatch}")
            return EXIT_PROBLEMS
        print(f"ok: {name}: {len(dialog.steps)} steps")
    return EXIT_OK
