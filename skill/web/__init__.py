"""Web-service hosting of the skill: request verification and the WSGI app.

``create_app`` builds the Flask app; ``skill.web.server`` runs it on gunicorn.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ConfigError", "create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so ``skill.web.verification`` and ``testcerts``
    # stay light for callers that never build the app.
    if name in __all__:
        from skill.web import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
