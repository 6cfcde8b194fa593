"""Screens (APL): what Echo Show, Echo Spot and Fire TV show with each answer.

Every content answer on a device with APL carries exactly one RenderDocument,
filled from the same content as its speech and card; a device without APL
gets none. Touching a cause on the list answers with that cause. The
documents adapt to the viewports the manifest declares, pass Amazon's own
validator (apl-suggester, run with Node.js) with no finding, and keep the
response under Alexa's size limit.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from skill import build_skill, handle_envelope, packaging
from skill.answers import Answer
from skill.content import SUPPORTED_LOCALES, load_content
from skill.paths import REPO_ROOT
from skill.screens import documents
from skill.simulator import request_builder
from skill.simulator import screen as simulated_screen
from skill.simulator.device import VirtualDevice
from skill.simulator.screen import SCREEN_DEVICES, ScreenDevice
from skill.simulator.session import Conversation
from skill.simulator.testpki import ensure_test_chain
from tests.helpers import SKILL_ID, card, speech
from tests.servers import Server, serving
from tests.web.fuzzing import MAX_RESPONSE_BYTES, problems_with_response

RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"
USER_EVENT = "Alexa.Presentation.APL.UserEvent"
VALIDATOR_DIR = REPO_ROOT / "tools" / "apl"
CONTENT = load_content("en-US")

SKILL = build_skill()


def transport(envelope: dict[str, Any]) -> dict[str, Any]:
    return handle_envelope(SKILL, envelope)


def screen_conversation(locale: str = "en-US", screen: str = "hub") -> Conversation:
    """A conversation held on a device with a screen (its requests say so)."""
    return VirtualDevice(transport, locale=locale, screen=screen).conversation


def cause_slot(cause_id: str, name: str) -> dict[str, Any]:
    return request_builder.custom_slot("cause", name, cause_id, "LEG_CRAMP_CAUSE")


def render_documents(response: dict[str, Any]) -> list[dict[str, Any]]:
    directives = response["response"].get("directives") or []
    return [directive for directive in directives if directive.get("type") == RENDER_DOCUMENT]


def shown(directive: dict[str, Any]) -> dict[str, Any]:
    """The data source as a person reads it (the skill escapes & and < for APL's Text)."""
    data = directive["datasources"]["screen"]
    return {key: html.unescape(value) if isinstance(value, str) else value for key, value in data.items()}


# Every content answer, as a request from a fresh or ongoing conversation.


def content_turns(locale: str) -> Iterator[tuple[str, Conversation, dict[str, Any]]]:
    """(what was asked, the conversation, the response) for every content answer the skill gives."""
    content = load_content(locale)
    conversation = screen_conversation(locale)
    yield "launch", conversation, conversation.launch()
    for key, entry in content.answers.items():
        conversation = screen_conversation(locale)
        conversation.launch()
        yield f"answer {key}", conversation, conversation.intent(entry.intent)
    for cause in content.causes:
        conversation = screen_conversation(locale)
        conversation.launch()
        detail = conversation.intent("CauseDetailIntent", cause_slot(cause.id, cause.name))
        yield f"cause {cause.id}", conversation, detail
        yield f"more on {cause.id}", conversation, conversation.intent("AMAZON.YesIntent")
    conversation = screen_conversation(locale)
    yield "emergency", conversation, conversation.intent("EmergencyIntent")
    conversation = screen_conversation(locale)
    conversation.launch()
    yield "start over", conversation, conversation.intent("AMAZON.StartOverIntent")


def every_directive() -> list[tuple[str, dict[str, Any]]]:
    """Every RenderDocument the skill sends, in every locale (touches included), by name."""
    found = []
    for locale in SUPPORTED_LOCALES:
        for asked, _, response in content_turns(locale):
            found.extend((f"{locale} {asked}", directive) for directive in render_documents(response))
        device = VirtualDevice(transport, locale=locale, screen="hub")
        for number in range(1, len(CONTENT.causes) + 1):
            device.say("why do my legs cramp")
            found.extend((f"{locale} touch {number}", item) for item in device.touch(number).screens)
    return found


# One screen with every content answer, none without APL ---------------------


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_content_answer_on_a_screen_device_sends_exactly_one_screen(locale: str) -> None:
    content = load_content(locale)
    for asked, _, response in content_turns(locale):
        sent = render_documents(response)
        assert len(sent) == 1, asked
        directive = sent[0]
        data = shown(directive)
        assert directive["token"] in documents.SCREENS, asked
        assert directive["document"]["type"] == "APL"
        assert directive["document"]["mainTemplate"]["parameters"] == ["screen"]
        # The screen says what the card says: one content source for both.
        answer_card = card(response)
        if answer_card is not None:
            assert data["title"] == answer_card["title"], asked
        if directive["token"] == documents.DETAIL:
            assert data["text"] == answer_card["content"], asked
        if directive["token"] == documents.WELCOME:
            assert data["title"] == content.skill_name
            assert speech(response).startswith(data["text"])


def test_the_causes_screen_lists_the_causes_the_skill_names() -> None:
    response = screen_conversation().intent("CausesIntent")
    (directive,) = render_documents(response)
    data = shown(directive)
    assert directive["token"] == documents.CAUSES
    assert [item["title"] for item in data["items"]] == [cause.title for cause in CONTENT.causes]
    assert [item["id"] for item in data["items"]] == [cause.id for cause in CONTENT.causes]
    for item, cause in zip(data["items"], CONTENT.causes, strict=True):
        assert html.unescape(item["summary"]) == cause.summary
        assert cause.summary in speech(response)
    assert data["note"] in CONTENT.variants("seek_care")
    assert data["hint"] == CONTENT.screens["touch_hint"]


def test_screens_about_the_article_name_it_and_the_emergency_screen_does_not() -> None:
    conversation = screen_conversation()
    about_the_article = conversation.intent("DurationIntent")
    assert shown(render_documents(about_the_article)[0])["source"] == CONTENT.screens["source"]
    assert "Causes of leg spasms" in CONTENT.screens["source"]
    emergency = screen_conversation().intent("EmergencyIntent")
    data = shown(render_documents(emergency)[0])
    assert data["source"] == ""
    assert "9-1-1" in data["text"]


@pytest.mark.parametrize(
    "supported",
    [{}, {"AudioPlayer": {}}, None],
    ids=["no interfaces", "audio only", "no device at all"],
)
def test_a_device_without_apl_gets_no_screen_and_the_same_answer(supported: dict[str, Any] | None) -> None:
    def without_apl(envelope: dict[str, Any]) -> dict[str, Any]:
        if supported is None:
            del envelope["context"]["System"]["device"]
        else:
            envelope["context"]["System"]["device"]["supportedInterfaces"] = supported
        return transport(envelope)

    for asked, conversation, with_screen in content_turns("en-US"):
        # The same request in the same session state, from a device without APL.
        sent = conversation.last_request
        assert sent is not None
        replay = Conversation(without_apl)
        replay.session = sent["session"]
        plain = replay.send(sent["request"])
        assert render_documents(plain) == [], asked
        assert "directives" not in plain["response"], asked
        assert speech(plain) == speech(with_screen), asked
        assert card(plain) == card(with_screen), asked


def test_prompts_goodbyes_and_apologies_send_no_screen() -> None:
    conversation = screen_conversation()
    conversation.launch()
    for intent in ("AMAZON.HelpIntent", "AMAZON.FallbackIntent", "OtherTopicIntent", "NotCoveredIntent"):
        assert render_documents(conversation.intent(intent)) == [], intent
    assert render_documents(conversation.intent("AMAZON.StopIntent")) == []


def test_a_repeat_leaves_the_screen_as_it_is() -> None:
    conversation = screen_conversation()
    conversation.launch()
    conversation.intent("CausesIntent")
    repeated = conversation.intent("AMAZON.RepeatIntent")
    assert speech(repeated).startswith(CONTENT.answers["causes"].text)
    assert render_documents(repeated) == []


def test_screen_text_is_escaped_for_apl_text_markup() -> None:
    screen = documents.screen_for(CONTENT, Answer(text="Salt & water <b>", card_title="A < B"))
    assert screen is not None
    assert screen.data["text"] == "Salt &amp; water &lt;b&gt;"
    assert screen.data["title"] == "A &lt; B"


# The documents hold layout only -----------------------------------------------


def components(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "type" in node:
            yield node
        for value in node.values():
            yield from components(value)
    elif isinstance(node, list):
        for value in node:
            yield from components(value)


BINDING = re.compile(r"\$\{[^}]*\}")


@pytest.mark.parametrize("name", documents.SCREENS)
def test_documents_hold_no_words_only_bindings_to_the_data_source(name: str) -> None:
    document = documents.document(name)
    texts = [
        component[field]
        for component in components(document["mainTemplate"])
        for field in ("text", "accessibilityLabel")
        if field in component
    ]
    assert texts, name
    for text in texts:
        assert BINDING.search(text), text
        assert not re.search(r"[A-Za-z]", BINDING.sub("", text)), f"{name}: words in the document: {text!r}"


# Touch ------------------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 2, 3])
def test_touching_a_cause_on_the_list_answers_with_that_cause_spoken_and_shown(number: int) -> None:
    device = VirtualDevice(transport, screen="hub")
    device.say("open leg cramp guide")
    listed = device.say("why do my legs cramp")
    assert listed.screen is not None and listed.screen["token"] == documents.CAUSES
    touched = device.touch(number)
    cause = CONTENT.causes[number - 1]
    request = touched.request["request"]
    assert request["type"] == USER_EVENT
    assert request["arguments"] == ["cause", cause.id]  # bound from the document's own SendEvent
    assert request["token"] == documents.CAUSES
    assert touched.request["session"]["new"] is False  # in the same session
    assert speech(touched.response).startswith(cause.detail)
    assert touched.screen is not None
    assert touched.screen["token"] == documents.DETAIL
    assert shown(touched.screen)["title"] == cause.title
    assert touched.session_open
    # The conversation goes on from the cause touched: "yes" is what helps with it.
    assert speech(device.say("yes").response).startswith(cause.more)


@pytest.mark.parametrize(
    "arguments",
    [["cause", "NO_SUCH_CAUSE"], ["cause"], ["dance", "NERVE_COMPRESSION"], [], None, ["cause", 3]],
)
def test_a_touch_event_the_skill_did_not_send_gets_the_list_again_not_an_error(arguments: Any) -> None:
    conversation = screen_conversation()
    conversation.launch()
    event: dict[str, Any] = {"type": USER_EVENT, "token": "causes", "source": {}, "components": {}}
    if arguments is not None:
        event["arguments"] = arguments
    response = conversation.send(event)
    said = speech(response)
    assert all(cause.name in said for cause in CONTENT.causes)
    assert "sorry" not in said.lower()
    assert render_documents(response) == []


def test_a_touch_after_the_session_ended_still_answers() -> None:
    conversation = screen_conversation()
    event = {"type": USER_EVENT, "token": "causes", "arguments": ["cause", "ELECTROLYTE_IMBALANCE"]}
    response = conversation.send(event)
    assert speech(response).startswith(CONTENT.causes[2].detail)


def test_the_simulator_reads_the_data_source_the_documents_read() -> None:
    # The simulator keeps its own copy of the name, so `--help` need not import the skill's screens.
    assert simulated_screen.DATA_SOURCE == documents.DATA_SOURCE
    for name in documents.SCREENS:
        assert documents.document(name)["mainTemplate"]["parameters"] == [simulated_screen.DATA_SOURCE]


def test_nothing_to_touch_is_said_plainly() -> None:
    device = VirtualDevice(transport, screen="hub")
    with pytest.raises(ValueError, match="nothing is on screen"):
        device.touch(1)
    device.say("how long does a cramp last")
    with pytest.raises(ValueError, match="no item 1 on screen"):
        device.touch(1)
    device.say("why do my legs cramp")
    with pytest.raises(ValueError, match="items 1 to 3"):
        device.touch(4)


# Viewports --------------------------------------------------------------------

_EXPRESSION = re.compile(r"\$\{(.*)\}", re.DOTALL)
_ALLOWED = re.compile(r"(\s+|viewport\.\w+|'[^']*'|\d+|==|!=|<=|>=|<|>|&&|\|\||\(|\))")


def evaluate(condition: str, viewport: dict[str, Any]) -> bool:
    """An APL ``when`` over the viewport, as a device evaluates it: comparisons of
    viewport properties with literals, joined by && and ||. Anything else fails
    the test, so a new kind of condition gets a test before it ships."""
    match = _EXPRESSION.fullmatch(condition)
    assert match, condition
    body = match.group(1)
    assert _ALLOWED.sub("", body) == "", f"condition this test cannot evaluate: {condition}"
    python = body.replace("&&", " and ").replace("||", " or ")
    return bool(eval(python, {"__builtins__": {}}, {"viewport": SimpleNamespace(**viewport)}))  # noqa: S307


def resources_on(document: dict[str, Any], device: ScreenDevice) -> dict[str, Any]:
    """The resources a device ends up with: every block whose ``when`` holds, later ones winning."""
    resolved: dict[str, Any] = {}
    for block in document["resources"]:
        if "when" not in block or evaluate(block["when"], device.apl_viewport):
            for kind in ("dimensions", "strings"):
                resolved.update(block.get(kind, {}))
    return resolved


def dp(value: str) -> int:
    assert value.endswith("dp"), value
    return int(value.removesuffix("dp"))


def visible_texts(document: dict[str, Any], device: ScreenDevice) -> list[str]:
    return [
        component["text"]
        for component in components(document["mainTemplate"])
        if component.get("type") == "Text"
        and ("when" not in component or evaluate(component["when"], device.apl_viewport))
    ]


@pytest.mark.parametrize("name", documents.SCREENS)
def test_each_viewport_gets_its_own_layout(name: str) -> None:
    document = documents.document(name)
    on = {device: resources_on(document, SCREEN_DEVICES[device]) for device in SCREEN_DEVICES}
    hub, small, round_hub, tv = on["hub"], on["small"], on["round"], on["tv"]
    assert on["medium"] == hub  # the landscape hubs share one layout
    # The small round hub: centred, well clear of the curved edge, smaller type.
    assert round_hub["align"] == "center" and hub["align"] == "left"
    assert dp(round_hub["paddingX"]) >= 0.14 * SCREEN_DEVICES["round"].apl_viewport["width"]
    assert dp(round_hub["titleSize"]) < dp(small["titleSize"]) < dp(hub["titleSize"])
    # The TV: margins inside the 5% overscan area on every side.
    tv_viewport = SCREEN_DEVICES["tv"].apl_viewport
    assert (tv_viewport["width"], tv_viewport["height"], tv_viewport["mode"]) == (960, 540, "tv")
    assert dp(tv["paddingX"]) >= 0.05 * tv_viewport["width"]
    assert dp(tv["paddingY"]) >= 0.05 * tv_viewport["height"]
    # Every device keeps at least 300 dp of width for the text.
    for device, resolved in on.items():
        assert SCREEN_DEVICES[device].apl_viewport["width"] - 2 * dp(resolved["paddingX"]) >= 300, device


def test_the_round_hub_shows_the_causes_without_their_summaries() -> None:
    document = documents.document(documents.CAUSES)
    hub_texts = visible_texts(document, SCREEN_DEVICES["hub"])
    round_texts = visible_texts(document, SCREEN_DEVICES["round"])
    assert "${data.summary}" in hub_texts and "${data.summary}" not in round_texts
    assert "${index + 1}. ${data.title}" in round_texts


def test_the_tv_which_has_a_remote_not_a_touch_screen_shows_no_touch_hint() -> None:
    document = documents.document(documents.CAUSES)
    assert "${screen.hint}" in visible_texts(document, SCREEN_DEVICES["hub"])
    assert "${screen.hint}" not in visible_texts(document, SCREEN_DEVICES["tv"])
    assert "${data.summary}" in visible_texts(document, SCREEN_DEVICES["tv"])


def test_the_manifest_declares_apl_for_every_screen_device_the_simulator_plays() -> None:
    manifest = json.loads((REPO_ROOT / "interaction_model" / "skill.json").read_text(encoding="utf-8"))
    (apl,) = [item for item in manifest["manifest"]["apis"]["custom"]["interfaces"]
              if item["type"] == "ALEXA_PRESENTATION_APL"]
    declared = apl["supportedViewports"]
    for name, device in SCREEN_DEVICES.items():
        viewport = device.apl_viewport
        matching = [
            item for item in declared
            if item["mode"] == device.mode and item["shape"] == device.shape
            and item["minWidth"] <= viewport["width"] <= item["maxWidth"]
            and item["minHeight"] <= viewport["height"] <= item["maxHeight"]
        ]
        assert len(matching) == 1, name
    # Amazon requires hubRoundSmall, hubLandscapeMedium and Large, and tvLandscapeXLarge.
    assert {(item["mode"], item["shape"]) for item in declared} == {("HUB", "ROUND"), ("HUB", "RECTANGLE"),
                                                                    ("TV", "RECTANGLE")}


# Sizes ------------------------------------------------------------------------


def test_every_response_with_a_screen_stays_well_under_alexas_limit() -> None:
    largest = 0
    for locale in SUPPORTED_LOCALES:
        for asked, _, response in content_turns(locale):
            size = len(json.dumps(response).encode("utf-8"))
            assert problems_with_response(response, size) == [], asked  # the schema, the 120 KB, SSML, cards
            largest = max(largest, size)
    # A tenth of the limit: room for longer content before it matters.
    assert largest < MAX_RESPONSE_BYTES / 10, largest


# Amazon's validator -----------------------------------------------------------


def validator_command() -> list[str]:
    """node and the pinned apl-suggester (``npm ci --prefix tools/apl``); fails in CI when missing."""
    node = shutil.which("node")
    installed = (VALIDATOR_DIR / "node_modules" / "apl-suggester" / "package.json").is_file()
    if node is None or not installed:
        missing = "Node.js (node)" if node is None else "apl-suggester (run: npm ci --prefix tools/apl)"
        message = f"the APL validator cannot run: {missing} is not installed"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message + "; CI fails here")
    return [node, str(VALIDATOR_DIR / "validate.js")]


def validate(entries: list[tuple[str, dict[str, Any]]], tmp_path: Path) -> dict[str, list[dict[str, Any]]]:
    command = validator_command()
    listing = tmp_path / "directives.json"
    listing.write_text(json.dumps([{"name": name, "directive": directive} for name, directive in entries]))
    result = subprocess.run([*command, str(listing)], capture_output=True, text=True, timeout=300, cwd=VALIDATOR_DIR)
    assert result.returncode == 0, result.stderr
    findings: dict[str, list[dict[str, Any]]] = json.loads(result.stdout)
    assert set(findings) == {name for name, _ in entries}
    return findings


def test_the_pinned_validator_is_the_one_installed() -> None:
    manifest = json.loads((VALIDATOR_DIR / "package.json").read_text())
    lock = json.loads((VALIDATOR_DIR / "package-lock.json").read_text())
    pinned = manifest["dependencies"]["apl-suggester"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "pin an exact version"
    assert lock["packages"]["node_modules/apl-suggester"]["version"] == pinned
    validator_command()
    installed = json.loads((VALIDATOR_DIR / "node_modules" / "apl-suggester" / "package.json").read_text())
    assert installed["version"] == pinned


@pytest.mark.slow  # Node.js in a subprocess, over every screen of every locale
def test_every_screen_the_skill_can_send_passes_apl_suggester_with_no_finding(tmp_path: Path) -> None:
    sent = every_directive()
    unique = list({json.dumps(directive, sort_keys=True): (name, directive) for name, directive in sent}.values())
    assert {directive["token"] for _, directive in unique} == set(documents.SCREENS)
    findings = validate(unique, tmp_path)
    assert {name: found for name, found in findings.items() if found} == {}


@pytest.mark.slow  # Node.js in a subprocess
def test_the_validator_does_find_what_is_wrong(tmp_path: Path) -> None:
    """So a clean result above means something: broken copies of a real screen are caught."""
    (_, good), *_ = every_directive()
    wrong_value = json.loads(json.dumps(good))
    next(c for c in components(wrong_value["document"]["mainTemplate"]) if c["type"] == "Text")["fontWeight"] = "loud"
    flat_data = {**good, "datasources": {"screen": "flat"}}
    findings = validate([("good", good), ("wrong value", wrong_value), ("flat data", flat_data)], tmp_path)
    assert findings["good"] == []
    assert "fontWeight" in findings["wrong value"][0]["path"]
    assert findings["flat data"][0]["path"] == "Data.screen"


# The simulator's options ------------------------------------------------------


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skill", *args],
        input=stdin, capture_output=True, text=True, cwd=REPO_ROOT, timeout=120,
    )


@pytest.mark.slow  # python -m skill in a subprocess
def test_ask_on_a_screen_says_which_screen_and_writes_it_for_the_authoring_tool(tmp_path: Path) -> None:
    exported = tmp_path / "screen.json"
    result = run_cli("ask", "why do my legs cramp", "--screen", "round", "--apl", str(exported))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Screen (causes): Why Legs Cramp" in lines
    assert [line.strip() for line in lines if re.match(r"\s+\d\. ", line)] == [
        f"{number}. {cause.title}" for number, cause in enumerate(CONTENT.causes, start=1)
    ]
    written = json.loads(exported.read_text())
    assert set(written) == {"document", "datasources"}  # the authoring tool's import format
    assert written["document"] == documents.document(documents.CAUSES)
    assert [item["id"] for item in written["datasources"]["screen"]["items"]] == [c.id for c in CONTENT.causes]
    # The validator reads the same file, as a person checking a screen would run it.
    checked = subprocess.run([*validator_command(), str(exported)], capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout) == {str(exported): []}


@pytest.mark.slow  # python -m skill in a subprocess
def test_ask_json_shows_the_device_with_its_viewport() -> None:
    result = run_cli("ask", "open leg cramp guide", "--json", "--screen=tv")
    exchange = json.loads(result.stdout)
    context = exchange["request"]["context"]
    assert "Alexa.Presentation.APL" in context["System"]["device"]["supportedInterfaces"]
    assert (context["Viewport"]["mode"], context["Viewport"]["pixelWidth"], context["Viewport"]["dpi"]) == (
        "TV", 1920, 320)
    (directive,) = render_documents(exchange["response"])
    assert directive["token"] == documents.WELCOME


@pytest.mark.slow  # python -m skill in a subprocess
def test_ask_without_screen_shows_none_and_apl_to_a_bad_path_says_so(tmp_path: Path) -> None:
    plain = run_cli("ask", "why do my legs cramp")
    assert "Screen" not in plain.stdout
    missing = tmp_path / "no" / "such" / "folder" / "screen.json"
    result = run_cli("ask", "why do my legs cramp", "--apl", str(missing))
    assert result.returncode == 2
    assert "Screen (causes)" in result.stdout  # the answer is still shown
    assert result.stderr.strip().endswith(f"ask: {missing}: cannot write the screen (No such file or directory)")


@pytest.mark.slow  # python -m skill in a subprocess
def test_chat_on_a_screen_touches_an_item_by_number(tmp_path: Path) -> None:
    exported = tmp_path / "screen.json"
    said = "open leg cramp guide\nwhy do my legs cramp\n2\ntouch 9\nyes\n"
    result = run_cli("chat", "--screen", "small", "--apl", str(exported), stdin=said)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("[Alexa.Presentation.APL.UserEvent]") == 1
    assert f"Screen (detail): {CONTENT.causes[1].title}" in out
    assert "chat: no item 9 on screen (it shows no list)" in result.stderr
    assert CONTENT.causes[1].more in out  # "yes" after the touch: more on the cause touched
    assert json.loads(exported.read_text())["datasources"]["screen"]["title"] == CONTENT.causes[1].title


@pytest.mark.slow  # python -m skill in a subprocess
def test_chat_without_a_screen_sends_numbers_as_speech() -> None:
    result = run_cli("chat", stdin="why do my legs cramp\n2\n")
    assert "UserEvent" not in result.stdout
    assert result.stdout.count("[") == 2


# The Lambda bundle ------------------------------------------------------------

BARE_SCREEN_RUNNER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import lambda_function
print(json.dumps([lambda_function.lambda_handler(event, None) for event in json.load(sys.stdin)]))
"""


@pytest.mark.slow  # builds the bundle
def test_the_lambda_bundle_ships_the_documents_and_sends_screens(tmp_path: Path) -> None:
    bundle = packaging.build_bundle(tmp_path / "skill-lambda.zip")
    with zipfile.ZipFile(bundle.path) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "unpacked")
    shipped = {f"skill/screens/documents/{name}.json" for name in (*documents.SCREENS, "viewports")}
    assert shipped <= names
    events = []
    for request in (request_builder.launch_request(), request_builder.intent_request("CausesIntent")):
        envelope = request_builder.envelope(request, skill_id=SKILL_ID)
        SCREEN_DEVICES["hub"].describe(envelope, None)
        events.append(envelope)
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", BARE_SCREEN_RUNNER, str(tmp_path / "unpacked")],
        input=json.dumps(events), env={"ALEXA_SKILL_ID": SKILL_ID}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    welcome, causes = json.loads(result.stdout)
    assert [d["token"] for d in render_documents(welcome)] == [documents.WELCOME]
    assert [d["token"] for d in render_documents(causes)] == [documents.CAUSES]


# Over HTTP --------------------------------------------------------------------


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """The production web service, verification on, trusting only the test root."""
    sign_dir = tmp_path_factory.mktemp("signing")
    ensure_test_chain(sign_dir)
    env = {"ALEXA_SKILL_ID": SKILL_ID, "ALEXA_CA_BUNDLE": str(sign_dir / "root.pem"), "ALEXA_CERT_DIR": str(sign_dir)}
    with serving(tmp_path_factory.mktemp("server"), env) as server:
        yield server, sign_dir


@pytest.mark.slow  # a real server, signed requests over HTTP, the simulator in a subprocess
def test_touch_round_trip_through_the_signed_web_service(signed_server: tuple[Server, Path]) -> None:
    server, sign_dir = signed_server
    host, port = server.base
    said = "open leg cramp guide\nwhy do my legs cramp\ntouch 3\n"
    result = run_cli("chat", "--screen", "tv", "--url", f"http://{host}:{port}/", "--sign", str(sign_dir),
                     "--skill-id", SKILL_ID, stdin=said)
    assert result.returncode == 0, result.stderr
    assert "Screen (causes): Why Legs Cramp" in result.stdout
    touched = result.stdout.split("[Alexa.Presentation.APL.UserEvent]", 1)[1]
    assert touched.splitlines()[1].startswith(f"Alexa: {CONTENT.causes[2].detail}")
    assert f"Screen (detail): {CONTENT.causes[2].title}" in touched


# Broken documents stop a deploy ----------------------------------------------


def test_the_shipped_documents_have_no_problem() -> None:
    assert documents.document_problems() == []


def test_a_broken_document_is_named_with_what_is_wrong(tmp_path: Path) -> None:
    for name in (*documents.SCREENS, "viewports"):
        shutil.copy(documents.DOCUMENTS_DIR / f"{name}.json", tmp_path)
    (tmp_path / "causes.json").write_text('{"type": "APL", ', encoding="utf-8")
    detail = json.loads((tmp_path / "detail.json").read_text())
    detail["mainTemplate"]["parameters"] = ["payload"]
    (tmp_path / "detail.json").write_text(json.dumps(detail))
    (tmp_path / "welcome.json").unlink()
    problems = documents.document_problems(tmp_path)
    assert len(problems) == 3
    assert problems[0].startswith(f"{tmp_path / 'welcome.json'}: cannot read the screen: ")
    assert problems[1].startswith(f"{tmp_path / 'causes.json'}: cannot read the screen: ")
    assert problems[2] == f"{tmp_path / 'detail.json'}: mainTemplate.parameters: expected ['screen']"
