"""What ``ask``, ``chat`` and ``replay`` share: the target options (in process,
``--lambda``, ``--url`` with ``--sign``), the locale and skill id sent, the voice."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from skill.cli.arguments import skill_locale

if TYPE_CHECKING:
    from skill.simulator.device import VirtualDevice
    from skill.simulator.session import Transport


def add_target_options(sub: argparse.ArgumentParser, voice: bool, locale_default: str) -> None:
    from skill.simulator.request_builder import DEFAULT_SKILL_ID

    # No default here: each command resolves it, so a locale given explicitly can win.
    sub.add_argument("--locale", type=skill_locale, help=f"request locale (default: {locale_default})")
    sub.add_argument("--skill-id", default=DEFAULT_SKILL_ID, help="application id the requests carry")
    target = sub.add_mutually_exclusive_group()
    target.add_argument("--url", help="POST to a running web service instead of the skill in process")
    target.add_argument("--lambda", dest="use_lambda", action="store_true", help="go through lambda/lambda_function.py")
    sub.add_argument("--sign", metavar="DIR",
                     help="with --url: sign requests with the test chain in DIR (made on first use)")
    if voice:
        sub.add_argument("--voice", action="store_true", help="also speak answers with espeak-ng")
        sub.add_argument("--wav", metavar="FILE",
                         help="write the spoken answer to FILE instead of speaking it (espeak-ng)")
    sub.set_defaults(check=usage_problem)


def usage_problem(args: argparse.Namespace) -> str | None:
    """What argparse cannot say alone: ``--sign`` without ``--url``."""
    return "--sign goes with --url" if args.sign and not args.url else None


def transport(args: argparse.Namespace) -> Transport:
    from pathlib import Path

    from skill.simulator import transports

    if args.url:
        return transports.over_http(args.url, Path(args.sign) if args.sign else None)
    if args.use_lambda:
        return transports.through_lambda()
    return transports.in_process()


def device(args: argparse.Namespace) -> VirtualDevice:
    from skill.simulator.device import VirtualDevice

    return VirtualDevice(transport(args), locale=args.locale, skill_id=args.skill_id)


def voice(args: argparse.Namespace, speech: str) -> str | None:
    """Speak the answer, or write it to ``--wav FILE``, when asked to. Returns a problem to report, or None."""
    from pathlib import Path

    from skill.simulator.voice import VoiceUnavailable, speak, voice_for

    if not (args.voice or args.wav) or not speech:
        return None
    try:
        speak(speech, Path(args.wav) if args.wav else None, voice_for(args.locale))
    except VoiceUnavailable as error:
        return f"{args.wav}: cannot write the spoken answer ({error})" if args.wav else str(error)
    return None
