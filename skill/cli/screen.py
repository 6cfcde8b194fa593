"""What ``ask`` and ``chat`` share for screens: ``--screen`` (a device with APL)
and ``--apl FILE`` (the screen sent, as the APL authoring tool imports it)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from skill.simulator.screen import DEFAULT_SCREEN, SCREEN_DEVICES

if TYPE_CHECKING:
    from skill.simulator.device import VirtualDevice


class Turn(Protocol):
    """A turn that may have brought a screen: an exchange, or a name-free turn."""

    @property
    def screen(self) -> dict[str, Any] | None: ...


# In chat on a screen device, "2", "#2" or "touch 2" presses the second item on screen.
_TOUCH = re.compile(r"(?:touch\s+|#)?(\d{1,3})", re.IGNORECASE)


def add_screen_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--screen", nargs="?", const=DEFAULT_SCREEN, choices=tuple(SCREEN_DEVICES), metavar="DEVICE",
                     help=f"a device with a screen (APL): {', '.join(SCREEN_DEVICES)} (default {DEFAULT_SCREEN})")
    sub.add_argument("--apl", metavar="FILE",
                     help="write each screen sent to FILE, as the developer console's APL authoring tool "
                          "imports it (implies --screen)")


def use_screen(args: argparse.Namespace, device: VirtualDevice) -> None:
    """Make ``device`` the screen device asked for, if any (``--apl`` alone: the default one)."""
    name = args.screen or (DEFAULT_SCREEN if args.apl else None)
    if name:
        device.use_screen(name)


def write_apl(args: argparse.Namespace, exchange: Turn) -> str | None:
    """With ``--apl FILE``: write the turn's screen to FILE. Returns a problem to report, or None."""
    if not args.apl:
        return None
    screen = exchange.screen
    if screen is None:
        print(f"(no screen in this answer; {args.apl} not written)", file=sys.stderr)
        return None
    # The authoring tool's import format: the document and its data sources, side by side.
    exported = {"document": screen.get("document"), "datasources": screen.get("datasources", {})}
    try:
        Path(args.apl).write_text(json.dumps(exported, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        return f"{args.apl}: cannot write the screen ({error.strerror or error})"
    print(f"(screen {screen.get('token')} written to {args.apl})", file=sys.stderr)
    return None


def touched_item(line: str) -> int | None:
    """The item number a chat line touches ("2", "#2", "touch 2"), or None for speech."""
    match = _TOUCH.fullmatch(line.strip())
    return int(match.group(1)) if match else None
