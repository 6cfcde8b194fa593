"""Where the simulator sends its request envelopes: the three ways the skill runs.

Each transport is a function from request envelope to response envelope:
the skill object in this process, a running web service over HTTP (optionally
signing requests like Alexa does), or the Lambda entry point.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from skill.paths import LAMBDA_ENTRY
from skill.simulator.session import Transport


class TransportError(RuntimeError):
    """The target could not answer; the message says what happened."""


def in_process(skill_id: str | None = None) -> Transport:
    from skill import build_skill, handle_envelope

    skill = build_skill(skill_id)
    return lambda envelope: handle_envelope(skill, envelope)


def over_http(url: str, sign_dir: Path | None = None, timeout: float = 10.0) -> Transport:
    """POST each envelope to a web service; with ``sign_dir``, sign it as Alexa would."""
    chain = None
    if sign_dir is not None:
        from skill.simulator.testpki import ensure_test_chain

        chain = ensure_test_chain(sign_dir)

    def send(envelope: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(envelope).encode("utf-8")
        headers = {"Content-Type": "application/json", **(chain.headers(body) if chain else {})}
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            with error:
                detail = error.read(2000).decode("utf-8", "replace").strip()
            raise TransportError(f"{url} answered HTTP {error.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            raise TransportError(f"cannot reach {url}: {getattr(error, 'reason', error)}") from None
        except json.JSONDecodeError:
            raise TransportError(f"{url} answered something that is not JSON") from None

    return send


def through_lambda(entry: Path = LAMBDA_ENTRY) -> Transport:
    """Call ``lambda_handler`` of the Lambda entry point, as the Lambda runtime would.

    The function's refusals (a ``ValueError``: another skill's request, not an
    Alexa request) become a TransportError carrying their message.
    """
    spec = importlib.util.spec_from_file_location("lambda_function", entry)
    if spec is None or spec.loader is None or not entry.is_file():
        raise TransportError(f"no Lambda entry point at {entry}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def send(envelope: dict[str, Any]) -> dict[str, Any]:
        # A round trip through JSON, as the runtime serialises the event and result.
        event = json.loads(json.dumps(envelope))
        refusal_log = logging.getLogger("skill.lambda")
        refusal_log.addFilter(_below_error)  # the refusal is said once, as the TransportError
        try:
            result = module.lambda_handler(event, None)
        except ValueError as error:  # WrongSkill, NotAnAlexaRequest: the function refused the request
            raise TransportError(f"the Lambda function {error}") from None
        finally:
            refusal_log.removeFilter(_below_error)
        return json.loads(json.dumps(result))

    return send


def _below_error(record: logging.LogRecord) -> bool:
    return record.levelno < logging.ERROR
