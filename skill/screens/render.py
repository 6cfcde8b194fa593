"""The RenderDocument directive on devices with APL, and the touches that come back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces

from skill.answers import Answer
from skill.content import Content
from skill.screens.documents import CAUSE_EVENT, Screen, document, screen_for

if TYPE_CHECKING:
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

def supports_apl(handler_input: HandlerInput) -> bool:
    """Whether the device says it has APL; a request without a device (hand-made) has none."""
    try:
        interfaces = get_supported_interfaces(handler_input)
    except AttributeError:  # no context, system or device
        return False
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


def add_screen(handler_input: HandlerInput, content: Content, answer: Answer) -> None:
    """Add the answer's screen to the response, if the device has APL and the answer has one."""
    if not supports_apl(handler_input):
        return
    screen = screen_for(content, answer)
    if screen is not None:
        handler_input.response_builder.add_directive(directive(screen))


def directive(screen: Screen) -> RenderDocumentDirective:
    # Imported here: the APL model package costs about 0.1 s to import, which
    # a device without a screen (and the cold start it measures) never pays;
    # on a device with APL the SDK has already imported it to read the request.
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    return RenderDocumentDirective(token=screen.name, document=document(screen.name), datasources=screen.datasources)


def touched_cause(request: Any, content: Content) -> int | None:
    """The cause a UserEvent from the causes screen names, or None for any other event.

    The document sends ``["cause", <cause id>]``; anything else (an older
    document, a hand-made request) is not a cause.
    """
    arguments = getattr(request, "arguments", None)
    if not isinstance(arguments, list) or len(arguments) != 2 or arguments[0] != CAUSE_EVENT:
        return None
    cause_id = arguments[1]
    return content.cause_index(cause_id) if isinstance(cause_id, str) else None
