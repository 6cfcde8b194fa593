"""Fuzzing the web service with hypothesis: whatever arrives, no 5xx, and
every 200 is a response Alexa accepts.

Most examples go through Flask's test client (verification off, skill id
set); a smaller set goes over real HTTP to the production server, and one
set is signed so the verifier sees mutated bodies too. Runs are deterministic
(``derandomize=True``) and write nothing to the repository (``database=None``).
"""

from __future__ import annotations

import copy
import functools
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill import handlers
from skill.content import load_content
from skill.schemas import fast_check, schema_validator
from skill.simulator import envelopes
from skill.simulator.testpki import ensure_test_chain
from skill.speech import MAX_SPEECH_CHARS, ssml_to_text, to_ssml
from skill.web import create_app
from skill.web.app import MAX_BODY_BYTES, SCHEMA_PATH
from tests.servers import Server, http_exchange, serving

SKILL_ID = "amzn1.ask.skill.f0220000-0000-4000-8000-00000000f022"
RESPONSE_SCHEMA = Path(__file__).resolve().parents[1] / "skill" / "web" / "response_envelope.schema.json"
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


# --- what arrives ---------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
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
    authority: dict[str, Any] = {"authority": draw(st.text(max_size=40)), "status": {"code": code}}
    if draw(st.booleans()):
        value = {"name": draw(st.text(max_size=20)), "id": draw(st.sampled_from(CAUSE_IDS) | st.text(max_size=20))}
        authority["values"] = draw(st.lists(st.just({"value": value}), max_size=2))
    return authority


@st.composite
def slots(draw: st.DrawFn) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(["cause", "Cause"]) | st.text(min_size=1, max_size=10), max_size=3)):
        slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        if draw(st.booleans()):
            slot["value"] = draw(st.sampled_from(["nerves", "potassium", "Electrolytes", ""]) | st.text(max_size=30))
        if draw(st.booleans()):
            slot["resolutions"] = {"resolutionsPerAuthority": draw(st.lists(resolutions(), max_size=3))}
        result[name] = slot
    return result


# The skill's own session state with any values, or any object at all.
session_attributes = st.one_of(
    st.fixed_dictionaries({}, optional={
        "offer": st.sampled_from(OFFERS) | json_values,
        "cause_index": st.integers(-3, 5) | json_values,
        "last": st.fixed_dictionaries({"speech": st.text(max_size=50), "reprompt": st.none() | st.text(max_size=50)})
        | json_values,
    }),
    st.dictionaries(st.text(max_size=10), json_values, max_size=5),
)

requests = st.one_of(
    st.just(envelopes.launch_request()),
    st.builds(envelopes.intent_request, st.sampled_from(sorted(handlers.INTENT_ANSWERS)), slots()),
    st.builds(envelopes.intent_request, names, slots()),  # intents the skill does not know
    st.builds(envelopes.session_ended_request, st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"])),
    st.builds(lambda kind: {"type": kind}, st.sampled_from(REQUEST_TYPES) | names),  # request types it does not know
)


@st.composite
def valid_envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """An envelope as Alexa could send it: any request, locale, session state."""
    session = {**envelopes.new_session(SKILL_ID), "new": draw(st.booleans()), "attributes": draw(session_attributes)}
    envelope = envelopes.envelope(draw(requests), session, draw(st.sampled_from(LOCALES)), SKILL_ID)
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
            key = draw(st.sampled_from(["offer", "cause_index", "last"]) | st.text(max_size=8))
            where = ("session", "attributes", key)
        else:
            where = draw(st.sampled_from(list(paths(envelope))))
        *parents, last = where
        holder = envelope
        for key in parents:
            holder = holder[key]
        action = draw(st.sampled_from(["delete", "retype", "huge", "deep"]))
        if action == "delete" and isinstance(holder, dict):
            holder.pop(last, None)  # the key may be one only just chosen
        elif action == "delete":
            del holder[last]
        elif action == "retype":
            holder[last] = draw(json_values)
        elif action == "huge":  # just past Alexa's speech limit, far past it, and past the body cap
            holder[last] = draw(st.text(min_size=1, max_size=3)) * draw(st.sampled_from([8_001, 40_000, 300_000]))
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


# --- the envelope schema's fast path ---------------------------------------------------------


@fuzz_settings(400)
@given(st.one_of(valid_envelopes(), mutated_envelopes()))
def test_the_compiled_schema_check_agrees_with_jsonschema(envelope: dict[str, Any]) -> None:
    """The web service trusts fastjsonschema's "valid" without asking jsonschema; it must never
    accept what jsonschema refuses (and should refuse what it refuses, or the fast path is lost)."""
    try:
        instance = json.loads(encode(envelope))
    except RecursionError:
        return  # the service refuses it as "not JSON" before any schema
    assert fast_check(SCHEMA_PATH)(instance) == schema_validator(SCHEMA_PATH).is_valid(instance)


# --- through the test client ---------------------------------------------------------------


@functools.cache
def client() -> Any:
    return create_app({"ALEXA_VERIFY": "0", "ALEXA_SKILL_ID": SKILL_ID}).test_client()


def post(body: bytes, headers: dict[str, str] | None = None, app_client: Any = None) -> tuple[int, bytes]:
    response = (app_client or client()).post("/", data=body, headers=headers or {})
    return response.status_code, response.get_data()


@fuzz_settings(300)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(body: bytes) -> None:
    check_answer(*post(body))


@fuzz_settings(300)
@given(json_values)
def test_arbitrary_json(value: Any) -> None:
    check_answer(*post(encode(value)), value)


@fuzz_settings(400)
@given(valid_envelopes())
def test_valid_envelopes_get_valid_answers(envelope: dict[str, Any]) -> None:
    status, data = post(encode(envelope))
    check_answer(status, data, envelope)
    # Alexa could send every one of these; only request types the SDK has no model for may be refused.
    if envelope["request"]["type"] in ("LaunchRequest", "IntentRequest", "SessionEndedRequest"):
        assert status == 200, data


@fuzz_settings(600)
@given(mutated_envelopes())
def test_mutated_envelopes(envelope: dict[str, Any]) -> None:
    check_answer(*post(encode(envelope)), envelope)


# Signed: the verifier and the schema see the same mutated bodies.


@functools.cache
def signed_client() -> tuple[Any, Any]:
    import tempfile

    chain = ensure_test_chain(Path(tempfile.mkdtemp(prefix="fuzz-certs-")))
    config = {"ALEXA_SKILL_ID": SKILL_ID, "ALEXA_CA_BUNDLE": str(chain.root_path),
              "ALEXA_CERT_DIR": str(chain.directory)}
    return create_app(config).test_client(), chain


@fuzz_settings(150)
@given(st.one_of(valid_envelopes(), mutated_envelopes()))
def test_signed_envelopes_with_verification_on(envelope: dict[str, Any]) -> None:
    app_client, chain = signed_client()
    body = encode(envelope)
    check_answer(*post(body, chain.headers(body), app_client), envelope)


# --- over real HTTP to the production server ----------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("fuzz-server"), {"ALEXA_SKILL_ID": SKILL_ID, "ALEXA_VERIFY": "0"}) as running:
        yield running


def test_fuzz_over_http(server: Server) -> None:
    """A smaller set of every kind, over the wire to gunicorn; the server must stay up."""
    cases = st.one_of(st.binary(max_size=2048), json_values.map(encode),
                      valid_envelopes().map(encode), mutated_envelopes().map(encode))

    @fuzz_settings(120)
    @given(cases)
    def over_http(body: bytes) -> None:
        try:
            status, _, data = http_exchange(server.base, "POST", "/", body, {"Content-Type": "application/json"})
        except (BrokenPipeError, ConnectionResetError):
            # Past the cap the server answers 413 from Content-Length and closes
            # before the rest arrives (tests/test_web.py reads that answer).
            assert len(body) > MAX_BODY_BYTES
            return
        check_answer(status, data, _parsed(body))

    over_http()
    assert server.process.poll() is None
    assert http_exchange(server.base, "GET", "/health")[0] == 200


def _parsed(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


# --- the response schema itself ---------------------------------------------------------------


def good_response() -> dict[str, Any]:
    speech = {"type": "SSML", "ssml": "<speak>Hello. What now?</speak>"}
    return {"version": "1.0", "sessionAttributes": {}, "response": {
        "outputSpeech": speech, "reprompt": {"outputSpeech": speech}, "shouldEndSession": False}}


def _broken(change: Any) -> dict[str, Any]:
    response = copy.deepcopy(good_response())
    change(response["response"])
    return response


@pytest.mark.parametrize(
    "response",
    [
        _broken(lambda r: r.pop("reprompt")),  # microphone open, no reprompt
        _broken(lambda r: r["outputSpeech"].update(ssml="<speak>" + "a" * MAX_SPEECH_CHARS + "</speak>")),
        _broken(lambda r: r["outputSpeech"].update(ssml="Hello")),  # not wrapped in <speak>
        _broken(lambda r: r.update(card={"type": "Simple", "title": "t"})),
        _broken(lambda r: r.update(shouldEndSession="no")),
    ],
)
def test_response_schema_refuses_what_alexa_refuses(response: dict[str, Any]) -> None:
    assert problems_with_response(response, 100)


def test_response_checks_beyond_the_schema() -> None:
    assert problems_with_response(good_response(), 100) == []
    assert problems_with_response(good_response(), MAX_RESPONSE_BYTES)  # size
    bad_xml = _broken(lambda r: r["outputSpeech"].update(ssml="<speak>salt & pepper</speak>"))
    assert problems_with_response(bad_xml, 100)
    long_card = _broken(lambda r: r.update(card={"type": "Simple", "title": "t" * 4000, "content": "c" * 4001}))
    assert problems_with_response(long_card, 100)


# --- what the fuzzing found (each failed before its fix) ----------------------------------------


def in_session(request: dict[str, Any], attributes: Any) -> bytes:
    session = {**envelopes.new_session(SKILL_ID), "new": False, "attributes": attributes}
    return encode(envelopes.envelope(request, session, skill_id=SKILL_ID))


def test_session_attributes_nested_too_deeply_are_a_400_not_a_500() -> None:
    # The SDK deep-copies session attributes; 600 levels overflowed Python's stack: a 500.
    status, data = post(in_session(envelopes.launch_request(), {"last": Deep(600)}))
    assert (status, json.loads(data)) == (400, {"error": "not an Alexa request envelope"})


def test_session_state_the_skill_did_not_write_is_not_echoed() -> None:
    # The SDK echoed every attribute back: 200 KB in made a response too large for Alexa.
    status, data = post(in_session(envelopes.launch_request(), {"padding": "x" * 200_000, "offer": "causes"}))
    assert status == 200 and len(data) < 10_000
    assert "padding" not in json.loads(data)["sessionAttributes"]
    check_answer(status, data)


@pytest.mark.parametrize("last", [{"speech": ""}, {"speech": "\x1b\x07"}, {"speech": "a " * 4000},
                                  {"speech": "Hello.", "reprompt": "   "}])
def test_repeat_never_says_nothing_or_too_much(last: dict[str, str]) -> None:
    # "Repeat" with a forged last answer opened the microphone with nothing said, or past 8,000 characters.
    status, data = post(in_session(envelopes.intent_request("AMAZON.RepeatIntent"), {"last": last}))
    check_answer(status, data)
    said = ssml_to_text(json.loads(data)["response"]["outputSpeech"]["ssml"])
    if last["speech"].strip() == "Hello.":
        assert said == "Hello." and ssml_to_text(json.loads(data)["response"]["reprompt"]["outputSpeech"]["ssml"])
    else:
        assert said == load_content("en-US").text("nothing_to_repeat")


def test_ssml_drops_characters_xml_forbids() -> None:
    # escape() handled & < > but not control characters: the SSML did not parse.
    ssml = to_ssml("a\x00b\x1bc\ud800 & <d>\tend")
    assert ssml == "<speak>abc &amp; &lt;d&gt;\tend</speak>"
    assert ET.fromstring(ssml).tag == "speak"
