"""Leg Cramp Guide: an Alexa skill that explains leg cramps and spasms.

Every entry point (web service, Lambda, simulator, command line) builds the
same skill object with ``build_skill`` and hands it request envelopes with
``handle_envelope`` (both in ``skill.core``).

Importing ``skill`` itself loads nothing else: the two names are looked up
in ``skill.core``, which imports ask-sdk, on first use, so ``skill.paths``,
``skill.model`` and the other subpackages stay light for callers that
never run the skill.
"""

from __future__ import annotations

# Not typing.TYPE_CHECKING: importing typing would cost this light package
# more than all the rest (mypy reads any constant of that name the same way).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from skill.core import build_skill, handle_envelope

__all__ = ["build_skill", "handle_envelope"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from skill import core

        return getattr(core, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
