"""The baselines our skill is measured against, and a way to serve them.

- ``minimal_skill()``: an ask-sdk-core skill with one handler that answers
  every request the same way (the SDK's own floor).
- ``minimal_skill_app()``: the smallest honest skill server, a Flask view that
  hands the body to that skill and returns its response.
- ``constant_app()``: a bare Flask app that returns a constant, for context.

``python -m benchmarks.baselines {skill,constant} --port N --workers 2`` serves
one of the two apps on gunicorn with exactly the options ``python -m skill
serve`` uses (``skill.web.server.gunicorn_options``), so only the app differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope, Response
from flask import Flask, jsonify, request
from flask import Response as FlaskResponse

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

__all__ = ["constant_app", "minimal_skill", "minimal_skill_app"]


class AnswerEverything(AbstractRequestHandler):
    """The one handler: any request gets a question and a reprompt."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.speak("Welcome.").ask("What now?").response


def minimal_skill() -> CustomSkill:
    """A one-handler ask-sdk-core skill."""
    builder = SkillBuilder()
    builder.add_request_handler(AnswerEverything())
    return builder.create()


def _app() -> Flask:
    """A Flask app with GET /health, so the benchmark knows when it is up."""
    app = Flask(__name__)
    app.add_url_rule("/health", "health", lambda: {"status": "ok"})
    return app


def minimal_skill_app() -> Flask:
    """Body in, one-handler skill, JSON out: no schema, no verification, no error mapping."""
    skill = minimal_skill()
    app = _app()

    @app.post("/")
    def alexa() -> FlaskResponse:
        envelope = skill.serializer.deserialize(request.get_data(as_text=True), RequestEnvelope)
        response = skill.invoke(request_envelope=envelope, context=None)
        return jsonify(skill.serializer.serialize(response))

    return app


def constant_app() -> Flask:
    """Flask and gunicorn alone: a constant response, the request body unread."""
    app = _app()
    answer = {"version": "1.0", "response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Hi.</speak>"}}}

    @app.post("/")
    def alexa() -> FlaskResponse:
        return jsonify(answer)

    return app


APPS = {"skill": minimal_skill_app, "constant": constant_app}


def main(argv: list[str] | None = None) -> int:
    from skill.web.server import SkillServer, gunicorn_options

    parser = argparse.ArgumentParser(description="serve a baseline app on gunicorn")
    parser.add_argument("app", choices=sorted(APPS))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    options = {**gunicorn_options(args.host, args.port, args.workers), "proc_name": f"baseline-{args.app}"}
    SkillServer(APPS[args.app](), options).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
