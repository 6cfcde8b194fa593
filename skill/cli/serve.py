"""``serve``: the web service for Alexa on gunicorn (buffering workers: slow clients hold none), until SIGTERM."""

from __future__ import annotations

import argparse
import sys

from skill.cli.arguments import Commands, add_command, port_number, positive_int
from skill.cli.status import EXIT_OK, EXIT_PROBLEMS, fail


def register(commands: Commands) -> None:
    sub = add_command(commands, "serve", serve, "run the web service for Alexa on gunicorn")
    sub.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    sub.add_argument("--port", type=port_number, default=8080, help="port to bind (default 8080)")
    sub.add_argument("--workers", type=positive_int, default=2, help="worker processes (default 2)")
    sub.add_argument("--dev", action="store_true", help="verification off, for local testing only")


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
        return fail(f"serve: {error}")
    except ContentError as error:
        print(f"serve: the content is invalid:\n{error}", file=sys.stderr)
        return EXIT_PROBLEMS
    _log_as_json()
    run_server(app, host=args.host, port=args.port, workers=args.workers)
    return EXIT_OK


def _log_as_json() -> None:
    """The skill's log lines and metric records on standard error, as on Lambda (skill.telemetry)."""
    import os

    from skill import telemetry

    namespace = os.environ.get("METRICS_NAMESPACE")
    warning = telemetry.configure(os.environ.get("LOG_LEVEL"), sys.stderr, namespace=namespace)
    if warning:
        print(f"serve: {warning}", file=sys.stderr)
