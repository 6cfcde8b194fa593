"""A device with a screen, as the simulator plays it: what its requests say
about it, how it binds a touch to the event the document sends, and what it
shows, in a line or two. Standard library only, so the command line can list
the devices without loading the simulator.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ScreenDevice:
    """A device with APL, as its requests describe it (``context.Viewport``)."""

    name: str
    shape: str  # RECTANGLE or ROUND
    pixel_width: int
    pixel_height: int
    dpi: int
    mode: str = "HUB"  # HUB or TV

    @property
    def apl_viewport(self) -> dict[str, Any]:
        """The ``viewport`` a document's data binding sees on this device (sizes in dp)."""
        return {
            "width": self.pixel_width * 160 // self.dpi,
            "height": self.pixel_height * 160 // self.dpi,
            "pixelWidth": self.pixel_width,
            "pixelHeight": self.pixel_height,
            "dpi": self.dpi,
            "shape": self.shape.lower(),
            "mode": self.mode.lower(),
        }

    def describe(self, envelope: dict[str, Any], displayed: dict[str, Any] | None) -> None:
        """Say in ``envelope`` that the device has APL, its viewport, and what it shows."""
        context = envelope.setdefault("context", {})
        device = context.setdefault("System", {}).setdefault("device", {})
        device.setdefault("supportedInterfaces", {})[APL_INTERFACE] = {"runtime": {"maxVersion": APL_VERSION}}
        context["Viewport"] = {
            "experiences": [{"canRotate": False, "canResize": False}],
            "mode": self.mode,
            "shape": self.shape,
            "pixelWidth": self.pixel_width,
            "pixelHeight": self.pixel_height,
            "currentPixelWidth": self.pixel_width,
            "currentPixelHeight": self.pixel_height,
            "dpi": self.dpi,
            "touch": [] if self.mode == "TV" else ["SINGLE"],
            "keyboard": ["DIRECTION"] if self.mode == "TV" else [],
        }
        if displayed is not None:
            context[APL_INTERFACE] = {"token": displayed.get("token"), "version": APL_VERSION}


RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"
USER_EVENT = "Alexa.Presentation.APL.UserEvent"
APL_INTERFACE = "Alexa.Presentation.APL"
APL_VERSION = "2024.2"
DATA_SOURCE = "screen"  # the one data source the skill's documents read
# The viewports the manifest declares, one device each (sizes in pixels; dp = px * 160 / dpi).
SCREEN_DEVICES = {
    device.name: device
    for device in (
        ScreenDevice("hub", "RECTANGLE", 1280, 800, 160),  # Echo Show 8: hubLandscapeLarge
        ScreenDevice("medium", "RECTANGLE", 1024, 600, 160),  # Echo Show (1st gen): hubLandscapeMedium
        ScreenDevice("small", "RECTANGLE", 960, 480, 160),  # Echo Show 5: hubLandscapeSmall
        ScreenDevice("round", "ROUND", 480, 480, 160),  # Echo Spot: hubRoundSmall
        ScreenDevice("tv", "RECTANGLE", 1920, 1080, 320, mode="TV"),  # Fire TV: tvLandscapeXLarge
    )
}
DEFAULT_SCREEN = "hub"
_BOUND = re.compile(r"\$\{\s*(data\.\w+|index)\s*\}")


def press_arguments(document: dict[str, Any], item: dict[str, Any], index: int) -> list[Any]:
    """The arguments the document's SendEvent sends for a list item: its ``${data.x}``
    and ``${index}`` bound as the device would bind them."""
    command = _find_send_event(document)
    if command is None:
        raise ValueError("the document on screen sends no event when touched")

    def bind(argument: Any) -> Any:
        if not isinstance(argument, str):
            return argument
        whole = _BOUND.fullmatch(argument)
        if whole:  # a value on its own keeps its type, as in APL
            return _bound(whole.group(1), item, index)
        return _BOUND.sub(lambda match: str(_bound(match.group(1), item, index)), argument)

    return [bind(argument) for argument in command.get("arguments", [])]


def _bound(name: str, item: dict[str, Any], index: int) -> Any:
    return index if name == "index" else item.get(name.removeprefix("data."))


def _find_send_event(node: Any) -> dict[str, Any] | None:
    if isinstance(node, dict):
        if node.get("type") == "SendEvent":
            return node
        children: Any = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _find_send_event(child)
        if found is not None:
            return found
    return None


def screen_lines(directive: dict[str, Any]) -> list[str]:
    """What a screen shows, in a few lines: which document, its title, the list on it."""
    data = directive.get("datasources", {}).get(DATA_SOURCE, {})
    lines = [f"Screen ({directive.get('token')}): {html.unescape(data.get('title', ''))}"]
    for number, item in enumerate(data.get("items") or [], start=1):
        lines.append(f"  {number}. {html.unescape(item.get('title', ''))}")
    return lines
