"""Runs the web app on gunicorn, a production WSGI server.

gunicorn handles the signals: SIGTERM stops accepting connections, lets the
workers finish the requests in hand (up to ``graceful_timeout``) and exits 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

# Who, what, status, size, time: never bodies, query strings aside from the
# request line, headers or user ids (those travel only in request bodies).
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


def gunicorn_options(host: str, port: int, workers: int) -> dict[str, Any]:
    """gunicorn settings for the skill's web service."""
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        # Sync workers close each connection after one response, so a refused
        # body is never drained for keep-alive; a reverse proxy in front
        # buffers slow clients (see README).
        "worker_class": "sync",
        "timeout": 30,  # a stuck worker is replaced; Alexa gives up after 8 s anyway
        "graceful_timeout": 10,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
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
    SkillServer(app, gunicorn_options(host, port, workers)).run()
