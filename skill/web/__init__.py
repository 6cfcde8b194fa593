"""Web-service hosting of the skill: the WSGI app, its server and request verification.

``create_app`` builds the Flask app; ``skill.web.server`` runs it on gunicorn;
``skill.web.verification`` checks that a request comes from Alexa. Nothing
here makes keys or signs requests: the test PKI is development-side
(``skill.simulator.testpki``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["ConfigError", "create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use: ``import skill.web.verification`` alone loads
    # neither Flask nor the skill object.
    if name in __all__:
        from skill.web import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
