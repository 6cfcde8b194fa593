"""Screens: APL documents for Echo Show, Echo Spot and Fire TV.

``documents`` decides which screen an answer gets and fills its data source
from the same content as speech and cards (no SDK there); ``render`` adds the
RenderDocument directive to a response on a device with APL, and reads the
touch events the documents send back.
"""

from skill.screens.render import add_screen, supports_apl, touched_cause

__all__ = ["add_screen", "supports_apl", "touched_cause"]
