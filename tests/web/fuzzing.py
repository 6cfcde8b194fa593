"""What the fuzz tests share: hypothesis strategies for what may arrive,
the properties every answer must have, and the app they post to.

Runs are deterministic (``derandomize=True``) and write nothing to the
repository (``database=None``).
"""

from __future__ import annotations

import functools
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from skill import handlers
from skill.paths import SKILL_DIR
from skill.schemas import schema_validator
from skill.simulator import request_builder
from skill.web import create_app

SKILL_ID = "amzn1.ask.skill.f0220000-0000-4000-8000-00000000f022"
RESPONSE_SCHEMA = SKILL_DIR / "web" / "response_envelope.schema.json"
MAX_RESPONSE_BYTES = 120 * 1024
MAX_CARD_CHARS = 8000


def fuzz_settings(examples: int) -> settings:
    """Deterministic, bounded, and nothing written to .hypothesis/."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


# --- what a good answer is --------------------------------------------------------------


def problems_with_response(response: Any, size: int) -> list[str]:
    """Every way ``response`` (``size`` bytes as sent) breaks Alexa's rules; [] if none."""
    problems = [f"{list(error.absolute_path)}: {error.message[:200]}" for error in
                schema_validator(RESPONSE_SCHEMA).iter_errors(response)]
    if problems:
        return problems
    if size >= MAX_RESPONSE_BYTES:
        problems.append(f"response is {size} bytes, not under {MAX_RESPONSE_BYTES}")
    body = response["response"]
    for where, speech in (("outputSpeech", body.get("outputSpeech")),
                          ("reprompt", (body.get("reprompt") or {}).get("outputSpeech"))):
        if speech and speech["type"] == "SSML":
            try:
                root = ET.fromstring(speech["ssml"])
            except ET.ParseError as error:
                problems.append(f"{where}: SSML is not XML: {error}")
            else:
                if root.tag != "speak":
                    problems.append(f"{where}: SSML root is <{root.tag}>")
    card = body.get("card") or {}
    card_chars = len(card.get("title", "")) + len(card.get("content", card.get("text", "")))
    if card_chars > MAX_CARD_CHARS:
        problems.append(f"card title and content are {card_chars} characters")
    return problems


def check_answer(status: int, data: bytes, sent: Any = None) -> None:
    """The properties every answer to every request must have."""
    assert status < 500, f"{status}: {data[:300]!r}"
    try:
        answer = json.loads(data)
    except ValueError:
        raise AssertionError(f"{status} with a body that is not JSON: {data[:300]!r}") from None
    if status != 200:
        assert isinstance(answer, dict) and isinstance(answer.get("error"), str), answer
        return
    assert problems_with_response(answer, len(data)) == []
    if isinstance(sent, dict) and isinstance(sent.get("request"), dict) \
            and sent["request"].get("type") == "SessionEndedRequest":
        assert "outputSpeech" not in answer["response"], "SessionEndedRequest gets no speech"
    if isinstance(sent, dict) and isinstance(sent.get("request"), dict) \
            and sent["request"].get("type") == "CanFulfillIntentRequest":
        assert set(answer["response"]) == {"canFulfillIntent"}, "a CanFulfillIntentRequest gets its verdict alone"
        assert "sessionAttributes" not in answer, "a CanFulfillIntentRequest changes no session"


# --- what arrives ---------------------------------------------------------------------------

# What JSON holds: no NaN or Infinity, no lone surrogates (refused: see ``hostile``).
text = functools.partial(st.text, alphabet=st.characters(exclude_categories=("Cs",)))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text(max_size=10), inner, max_size=4),
    max_leaves=12,
)

CAUSE_IDS = ["NERVE_COMPRESSION", "POOR_CONDITIONING", "ELECTROLYTE_IMBALANCE"]
LOCALES = ["en-US", "en-GB", "en-CA", "en-AU", "en-IN", "en", "de-DE", "fr-FR", "ja-JP", "es-419", "zz-ZZZZ"]
OFFERS = ["causes", "prevention", "see_doctor", "anything_else", "cause:0", "cause:2", "cause:9", "cause:-1", "cause:x"]
REQUEST_TYPES = ["AudioPlayer.PlaybackStarted", "CanFulfillIntentRequest", "Connections.Response",
                 "Alexa.Presentation.APL.UserEvent", "Display.ElementSelected", "Messaging.MessageReceived"]

timestamps = st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z", fullmatch=True)
names = st.from_regex(r"[A-Za-z][A-Za-z0-9_.]{0,40}", fullmatch=True)


@st.composite
def resolutions(draw: st.DrawFn) -> dict[str, Any]:
    code = draw(st.sampled_from(["ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH", "ER_ERROR_TIMEOUT", "ER_ERROR_EXCEPTION"]))
    authority: dict[str, Any] = {"authority": draw(text(max_size=40)), "status": {"code": code}}
    if draw(st.booleans()):
        value = {"name": draw(text(max_size=20)), "id": draw(st.sampled_from(CAUSE_IDS) | text(max_size=20))}
        authority["values"] = draw(st.lists(st.just({"value": value}), max_size=2))
    return authority


@st.composite
def slots(draw: st.DrawFn) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(["cause", "Cause"]) | text(min_size=1, max_size=10), max_size=3)):
        slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        if draw(st.booleans()):
            slot["value"] = draw(st.sampled_from(["nerves", "potassium", "Electrolytes", ""]) | text(max_size=30))
        if draw(st.booleans()):
            slot["resolutions"] = {"resolutionsPerAuthority": draw(st.lists(resolutions(), max_size=3))}
        result[name] = slot
    return result


# The skill's own session state with any values, or any object at all.
session_attributes = st.one_of(
    st.fixed_dictionaries({}, optional={
        "offer": st.sampled_from(OFFERS) | json_values,
        "cause_index": st.integers(-3, 5) | json_values,
        "last": st.fixed_dictionaries({"speech": text(max_size=50), "reprompt": st.none() | text(max_size=50)})
        | json_values,
    }),
    st.dictionaries(text(max_size=10), json_values, max_size=5),
)

requests = st.one_of(
    st.just(request_builder.launch_request()),
    st.builds(request_builder.intent_request, st.sampled_from(sorted(handlers.INTENT_ANSWERS)), slots()),
    st.builds(request_builder.intent_request, names, slots()),  # intents the skill does not know
    st.builds(request_builder.can_fulfill_intent_request, st.sampled_from(sorted(handlers.INTENT_ANSWERS)) | names,
              slots()),
    st.builds(
        request_builder.session_ended_request, st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"])
    ),
    st.builds(lambda kind: {"type": kind}, st.sampled_from(REQUEST_TYPES) | names),  # request types it does not know
)


@st.composite
def valid_envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """An envelope as Alexa could send it: any request, locale, session state."""
    session = {
        **request_builder.new_session(SKILL_ID), "new": draw(st.booleans()), "attributes": draw(session_attributes)
    }
    envelope = request_builder.envelope(draw(requests), session, draw(st.sampled_from(LOCALES)), SKILL_ID)
    if draw(st.integers(0, 9)) == 0:
        del envelope["session"]  # out-of-session requests exist (AudioPlayer, for one)
    return envelope


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path to every value inside ``value`` (dict keys and list indexes)."""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield (*prefix, key)
        yield from paths(child, (*prefix, key))


@st.composite
def mutated_envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """A valid envelope with up to three fields deleted, retyped, made huge or nested deeply."""
    envelope = draw(valid_envelopes())
    if draw(st.integers(0, 9)) == 0:  # moments the schema's pattern lets through, possible or not
        envelope["request"]["timestamp"] = draw(timestamps)
    for _ in range(draw(st.integers(1, 3))):
        session = envelope.get("session")
        attributes = session.get("attributes") if isinstance(session, dict) else None
        if isinstance(attributes, dict) and draw(st.integers(0, 2)) == 0:
            # A third of the changes go to the session state, which the skill echoes and reads back.
            key = draw(st.sampled_from(["offer", "cause_index", "last"]) | text(max_size=8))
            where = ("session", "attributes", key)
        else:
            where = draw(st.sampled_from(list(paths(envelope))))
        *parents, last = where
        holder = envelope
        for key in parents:
            holder = holder[key]
        action = draw(st.sampled_from(["delete", "retype", "huge", "deep", "hostile"]))
        if action == "delete" and isinstance(holder, dict):
            holder.pop(last, None)  # the key may be one only just chosen
        elif action == "delete":
            del holder[last]
        elif action == "retype":
            holder[last] = draw(json_values)
        elif action == "hostile":  # what Python's JSON reader takes and no JSON holds
            holder[last] = draw(st.sampled_from([float("nan"), float("inf"), -float("inf"), "\ud800", "a\udfff"]))
        elif action == "huge":  # just past Alexa's speech limit, far past it, and past the body cap
            holder[last] = draw(text(min_size=1, max_size=3)) * draw(st.sampled_from([8_001, 40_000, 300_000]))
        else:  # nested deeper than the SDK's recursive copies can go, and deeper than JSON parsing can
            holder[last] = Deep(draw(st.sampled_from([30, 490, 900, 5000])))
    return envelope


class Deep:
    """Empty lists nested ``depth`` deep; ``encode`` writes them as text, where json.dumps would recurse."""

    def __init__(self, depth: int) -> None:
        self.depth = depth

    def __repr__(self) -> str:
        return f"Deep({self.depth})"


def encode(value: Any) -> bytes:
    """JSON of ``value``, with each ``Deep`` spelt out in brackets."""
    deep: list[Deep] = []

    def placeholder(thing: Any) -> str:
        if not isinstance(thing, Deep):
            raise TypeError(type(thing).__name__)
        deep.append(thing)
        return f"\x00deep{len(deep) - 1}\x00"

    text = json.dumps(value, default=placeholder)
    for index, thing in enumerate(deep):
        text = text.replace(json.dumps(f"\x00deep{index}\x00"), "[" * thing.depth + "]" * thing.depth)
    return text.encode()



# --- through the test client (verification off, skill id set) --------------------------------


@functools.cache
def fuzz_client() -> Any:
    return create_app({"ALEXA_VERIFY": "0", "ALEXA_SKILL_ID": SKILL_ID}).test_client()


def fuzz_post(body: bytes, headers: dict[str, str] | None = None, app_client: Any = None) -> tuple[int, bytes]:
    response = (app_client or fuzz_client()).post("/", data=body, headers=headers or {})
    return response.status_code, response.get_data()
