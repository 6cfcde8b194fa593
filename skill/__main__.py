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

from skill.cli.arguments import positive_int

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_BUNDLE = "dist/skill-lambda.zip"


def invoke(args: argparse.Namespace) -> int:
    """One request envelope on stdin, its response envelope on stdout."""
    from ask_sdk_core.exceptions import AskSdkException

    from skill import build_skill, handle_envelope
    from skill.envelope import InvalidEnvelope

    try:
        envelope = json.loads(sys.stdin.read())
    except json.JSONDecodeError as error:
        return _fail(f"invoke: standard input is not JSON: {error}")
    except RecursionError:  # json gives up on deep nesting ("[[[[..."), like on any bad JSON
        return _fail("invoke: standard input is not JSON that can be read: nested too deeply")
    try:
        response = handle_envelope(build_skill(args.skill_id), envelope)
    except InvalidEnvelope as error:
        return _fail(f"invoke: not an Alexa request envelope: {error}")
    except AskSdkException as error:  # for example a request for another skill id
        return _fail(f"invoke: refused: {error}")
    json.dump(response, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return EXIT_OK


def validate(args: argparse.Namespace) -> int:
    """Check the content and the skill package; print each problem, or a one-line summary."""
    from pathlib import Path

    from skill.model import PACKAGE_DIR
    from skill.model.build import stale_problems
    from skill.model.validation import package_summary, validate_package

    package_dir = Path(args.package) if args.package else PACKAGE_DIR
    problems: list[object] = list(validate_package(package_dir))
    if not args.package:  # generated from this tree's sources, so only checkable here
        problems += stale_problems(package_dir)
    for problem in problems:
        print(problem)
    if problems:
        return EXIT_PROBLEMS
    print(f"ok: {package_summary(package_dir)}, content valid")
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


def serve(args: argparse.Namespace) -> int:
    """Run the web service on gunicorn until SIGTERM (exit 0)."""
    from skill.content.validation import ContentError
    from skill.web.app import ConfigError, config_from_env, create_app
    from skill.web.server import serve as run_server

    config = config_from_env()
    if args.dev:
        config["ALEXA_VERIFY"] = "0"
        print(
            "WARNING: --dev turns Alexa request verification off. For local testing only; "
            "never expose this server to the internet.",
            file=sys.stderr,
        )
    try:
        app = create_app(config)
    except ConfigError as error:
        return _fail(f"serve: {error}")
    except ContentError as error:
        print(f"serve: the content is invalid:\n{error}", file=sys.stderr)
        return EXIT_PROBLEMS
    run_server(app, host=args.host, port=args.port, workers=args.workers)
    return EXIT_OK


def ask(args: argparse.Namespace) -> int:
    """One turn of conversation; with --session FILE the session lives on in FILE."""
    from pathlib import Path

    from skill.simulator.device import check_session_path
    from skill.simulator.envelopes import DEFAULT_LOCALE
    from skill.simulator.transports import TransportError

    session = Path(args.session) if args.session else None
    explicit_locale = args.locale is not None
    args.locale = args.locale or DEFAULT_LOCALE
    try:
        if session is not None:
            check_session_path(session)  # before the turn is sent, so nothing is lost
        device = _device(args)
        if session is not None:
            # The locale: --locale if given, else the session's, else the default.
            device.load_session(session, restore_locale=not explicit_locale)
            args.locale = device.locale
        turn = device.say(args.utterance)
    except (TransportError, ValueError) as error:
        return _fail(f"ask: {error}")
    unsaved = None
    if session is not None:
        try:
            device.save_session(session)
        except OSError as error:  # checked above, so rare: permissions, a full disk
            unsaved = f"ask: {session}: cannot save the session ({error.strerror or error})"
    print(turn.as_json() if args.json else turn.as_text())
    if unsaved:
        return _fail(unsaved)
    return _voice(args, turn.speech)


def chat(args: argparse.Namespace) -> int:
    """A conversation at the prompt: each line is what you say."""
    from skill.simulator.envelopes import DEFAULT_LOCALE
    from skill.simulator.transports import TransportError

    args.locale = args.locale or DEFAULT_LOCALE
    try:
        device = _device(args)
    except TransportError as error:
        return _fail(f"chat: {error}")
    print('Say something to Alexa, for example "open leg cramp guide". Ctrl-D leaves.')
    while True:
        try:
            line = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            break
        if not line:
            continue
        try:
            turn = device.say(line)
        except TransportError as error:
            print(f"chat: {error}", file=sys.stderr)
            continue
        print(turn.as_text())
        if _voice(args, turn.speech) != EXIT_OK:
            args.voice, args.wav = False, None  # said why once; carry on in text
    device.hang_up()
    return EXIT_OK


def replay(args: argparse.Namespace) -> int:
    """Play dialog files; stop at the first answer that differs (exit 1)."""
    from pathlib import Path

    from skill.simulator.replay import DialogError, load_dialog, replay as play
    from skill.simulator.transports import TransportError

    try:
        transport = _transport(args)  # once: each target is costly to set up (skill, Lambda module)
    except TransportError as error:
        return _fail(f"replay: {error}")
    for name in args.dialogs:
        try:
            dialog = load_dialog(Path(name))
            mismatch = play(dialog, transport, skill_id=args.skill_id, locale=args.locale)
        except (DialogError, TransportError) as error:
            return _fail(f"replay: {error}")
        if mismatch is not None:
            print(f"{name}: {mismatch}")
            return EXIT_PROBLEMS
        print(f"ok: {name}: {len(dialog.steps)} steps")
    return EXIT_OK


def _transport(args: argparse.Namespace):
    from pathlib import Path

    from skill.simulator import transports

    if args.url:
        return transports.over_http(args.url, Path(args.sign) if args.sign else None)
    if args.use_lambda:
        return transports.through_lambda()
    return transports.in_process()


def _device(args: argparse.Namespace):
    from skill.simulator.device import VirtualDevice

    return VirtualDevice(_transport(args), locale=args.locale, skill_id=args.skill_id)


def _voice(args: argparse.Namespace, speech: str) -> int:
    """Speak the answer when asked to; a missing espeak-ng is said once, clearly."""
    from pathlib import Path

    from skill.simulator.voice import VoiceUnavailable, speak, voice_for

    if not (args.voice or args.wav) or not speech:
        return EXIT_OK
    try:
        speak(speech, Path(args.wav) if args.wav else None, voice_for(args.locale))
    except VoiceUnavailable as error:
        return _fail(f"voice: {error}")
    return EXIT_OK


def _fail(message: str) -> int:
    print(message.replace("\n", " "), file=sys.stderr)
    return EXIT_BAD_INPUT


def parser() -> argparse.ArgumentParser:
    from skill.simulator.envelopes import DEFAULT_LOCALE

    root = argparse.ArgumentParser(prog="python -m skill", description="Leg Cramp Guide, an Alexa skill.")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(run=run)
        return sub

    invoke_cmd = command("invoke", invoke, "run one request envelope (JSON on stdin) through the skill")
    invoke_cmd.add_argument("--skill-id", help="refuse requests for any other skill id")
    validate_cmd = command("validate", validate, "check the content files and the interaction models")
    validate_cmd.add_argument("--package", metavar="DIR", help="the skill package folder (default: interaction_model)")
    serve_cmd = command("serve", serve, "run the web service for Alexa on gunicorn")
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, default=8080, help="port to bind (default 8080)")
    serve_cmd.add_argument("--workers", type=positive_int, default=2, help="worker processes (default 2)")
    serve_cmd.add_argument("--dev", action="store_true", help="verification off, for local testing only")
    for name, run, help in (
        ("ask", ask, "say one thing to the skill and print what Alexa answers"),
        ("chat", chat, "talk to the skill at a prompt, as to a device"),
        ("replay", replay, "play dialog test files (YAML) and check every answer"),
    ):
        sub = command(name, run, help)
        if name == "ask":
            sub.add_argument("utterance", help='what you would say, e.g. "ask leg cramp guide why do my legs cramp"')
            sub.add_argument("--session", metavar="FILE", help="keep the session in FILE across calls")
            sub.add_argument("--json", action="store_true", help='print {"request": ..., "response": ...}')
        if name == "replay":
            sub.add_argument("dialogs", nargs="+", metavar="DIALOG.yaml")
        _add_target_options(sub, voice=name != "replay", locale_default={
            "ask": f"the --session file's, else {DEFAULT_LOCALE}",
            "chat": DEFAULT_LOCALE,
            "replay": f"each dialog's own, else {DEFAULT_LOCALE}",
        }[name])
    package_cmd = command("package", package, "validate, then build the Lambda bundle (zip)")
    package_cmd.add_argument("--output", default=DEFAULT_BUNDLE, help=f"the zip to write (default {DEFAULT_BUNDLE})")
    return root


def _add_target_options(sub: argparse.ArgumentParser, voice: bool, locale_default: str) -> None:
    from skill.simulator.envelopes import DEFAULT_SKILL_ID

    # No default here: each command resolves it, so a locale given explicitly can win.
    sub.add_argument("--locale", help=f"request locale (default: {locale_default})")
    sub.add_argument("--skill-id", default=DEFAULT_SKILL_ID, help="application id the requests carry")
    target = sub.add_mutually_exclusive_group()
    target.add_argument("--url", help="POST to a running web service instead of the skill in process")
    target.add_argument("--lambda", dest="use_lambda", action="store_true", help="go through lambda/lambda_function.py")
    sub.add_argument("--sign", metavar="DIR", help="with --url: sign requests with the test chain in DIR (made on first use)")
    if voice:
        sub.add_argument("--voice", action="store_true", help="also speak answers with espeak-ng")
        sub.add_argument("--wav", metavar="FILE", help="write the spoken answer to FILE instead of speaking it (espeak-ng)")


def main(argv: list[str] | None = None) -> int:
    # Logs go to stderr so stdout carries only what a script reads.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    cli = parser()
    args = cli.parse_args(argv)
    if getattr(args, "sign", None) and not args.url:
        cli.error("--sign goes with --url")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
