"""Runs the web app on gunicorn, a production WSGI server, with the buffering worker.

gunicorn handles the signals: SIGTERM stops accepting connections, lets the
workers finish the requests in hand (up to ``graceful_timeout``) and exits 0.
Each worker (``skill.web.worker.BufferingWorker``) reads a request whole
before the app sees it, so clients that trickle bytes hold no worker.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from skill.envelope import MAX_SHOWN_CHARS, capped

# Who, what, status, size, time: never bodies, query strings aside from the
# request line, headers or user ids (those travel only in request bodies).
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


# Room for a value cut to MAX_SHOWN_CHARS and the words around it.
MAX_MESSAGE_CHARS = 2 * MAX_SHOWN_CHARS


class CappedMessages(logging.Filter):
    """Cuts every message to ``MAX_MESSAGE_CHARS``: some quote what a client sent (gunicorn's own do).

    Tracebacks are not cut: they hold no request text but the exception's message.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if len(text) > MAX_MESSAGE_CHARS:
            record.msg, record.args = capped(text, MAX_MESSAGE_CHARS), None
        return True


def cap_messages(logger: logging.Logger) -> None:
    """Every handler of ``logger`` cuts long messages (``CappedMessages``)."""
    for handler in logger.handlers:
        if not any(isinstance(existing, CappedMessages) for existing in handler.filters):
            handler.addFilter(CappedMessages())


class CappedLogger(Logger):
    """gunicorn's logger with every value taken from a request cut to ``MAX_SHOWN_CHARS``.

    The request line of an access line can be 4 KiB long; a log line stays
    short whatever a client sends. Access lines are built from the atoms
    ``ACCESS_LOG_FORMAT`` uses only (any other reads "-"): gunicorn's own
    ``atoms`` formats some thirty, with the date and every header, for each
    request.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        cap_messages(self.error_log)

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        line = f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}"
        sent = getattr(resp, "sent", None)
        return {
            "h": environ.get("REMOTE_ADDR", "-"),
            "r": line if len(line) <= MAX_SHOWN_CHARS else f"{line[:MAX_SHOWN_CHARS]}...",
            "s": status,
            "b": str(sent) if sent is not None else "-",
            "M": request_time.seconds * 1000 + request_time.microseconds // 1000,
        }


def gunicorn_options(host: str, port: int, workers: int) -> dict[str, Any]:
    """gunicorn settings for the skill's web service."""
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        # gunicorn's sync worker, with each request read whole in an event
        # loop first: slow clients wait there, not in the app (skill.web.worker;
        # the candidates measured are in the README). It closes each
        # connection after one response, so a refused body is never drained.
        "worker_class": "skill.web.worker.BufferingWorker",
        "worker_connections": 1000,  # connections a worker keeps waiting for their request
        "timeout": 30,  # a stuck worker is replaced; Alexa gives up after 8 s anyway
        "graceful_timeout": 10,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": CappedLogger,
        # Otherwise every instance would claim the same $HOME/.gunicorn socket.
        "control_socket_disable": True,
        "proc_name": "leg-cramp-guide",
    }


class SkillServer(BaseApplication):
    """gunicorn serving an app built beforehand, with settings from a mapping."""

    def __init__(self, app: Flask, options: Mapping[str, Any]) -> None:
        self.application = app
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def serve(app: Flask, host: str = "127.0.0.1", port: int = 8080, workers: int = 2) -> None:
    """Serve ``app`` until SIGTERM or SIGINT; gunicorn then exits the process."""
    cap_messages(logging.getLogger())  # the app's own log lines, as gunicorn's
    SkillServer(app, gunicorn_options(host, port, workers)).run()
