"""The local simulator: understanding what people type, and holding the conversation."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from skill.content import load_content
from skill.model import PACKAGE_DIR, model_path
from skill.simulator.device import VirtualDevice
from skill.simulator.evaluate import corpus_files, evaluate, read_corpus
from skill.simulator.matching import NO, YES
from skill.simulator.nlu import FALLBACK, Understander
from skill.simulator.replay import load_dialog, replay
from skill.simulator.request_builder import DEFAULT_SKILL_ID
from skill.simulator.text import normalise_utterance
from skill.simulator.transports import in_process, through_lambda
from skill.simulator.vocabulary import builtin_samples, vocabulary

ROOT = Path(__file__).resolve().parent.parent
DIALOGS = sorted((ROOT / "tests" / "dialogs").glob("*.yaml"))
CORPUS_DIR = ROOT / "tests" / "corpus"
CONTENT = load_content("en-US")


@pytest.fixture(scope="module")
def understander() -> Understander:
    return Understander.for_locale("en-US")


def resolution(meaning, slot="cause") -> tuple[str, str | None]:
    authority = meaning.slots[slot]["resolutions"]["resolutionsPerAuthority"][0]
    values = authority.get("values") or [{}]
    return authority["status"]["code"], values[0].get("value", {}).get("id")


def run_cli(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skill", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120, env=env,
    )


# Understanding --------------------------------------------------------------------


@pytest.mark.parametrize(
    "utterance",
    ["open leg cramp guide", "Alexa, start Leg Cramp Guide.", "launch leg cramp guide please", "leg cramp guide",
     "ask leg cramp guide"],
)
def test_invocations_launch_the_skill(understander, utterance):
    assert understander.understand(utterance).request_type == "LaunchRequest"


@pytest.mark.parametrize(
    "utterance, intent",
    [
        ("ask leg cramp guide why do my legs cramp", "CausesIntent"),
        ("Alexa, ask leg cramp guide to tell me about potassium", "CauseDetailIntent"),
        ("tell leg cramp guide how can i prevent leg cramps", "PreventionIntent"),
        ("ask leg cramp guide when should I see a doctor?", "SeeDoctorIntent"),
    ],
)
def test_ask_invocation_makes_a_one_shot_request(understander, utterance, intent):
    meaning = understander.understand(utterance)
    assert (meaning.intent, meaning.one_shot) == (intent, True)


@pytest.mark.parametrize(
    "utterance",
    ["WHY DO MY LEGS CRAMP?!", "um, why do my legs cramp", "Alexa why do my legs cramp please",
     "why do my leg cramp", "so why do my legs cramp", "why  do   my legs,  cramp"],
)
def test_case_punctuation_fillers_and_plurals_do_not_matter(understander, utterance):
    assert understander.understand(utterance).intent == "CausesIntent"


def test_contractions_are_spelled_out():
    assert normalise_utterance("What's a cramp? I'm asking, don't laugh") == "what is a cramp i am asking do not laugh"


@pytest.mark.parametrize(
    "utterance", ["no that's okay", "no i'm ok", "nah that's ok", "no okay", "nope, okay", "i don't, okay"],
)
def test_a_no_that_shares_words_with_a_yes_is_a_no(understander, utterance):
    assert understander.understand(utterance).intent == NO


@pytest.mark.parametrize(
    "utterance",
    ["never okay", "i do not want that okay", "yes not interested", "yes i would not", "why not", "not sure",
     "yeah no", "don't go ahead"],
)
def test_a_negation_word_never_reaches_yes(understander, utterance):
    assert understander.understand(utterance).intent != YES


@pytest.mark.parametrize(
    "utterance", ["yes i'm good", "yeah i'm good", "yes i'm fine", "yup thanks", "yes i'm good thank you", "yeah, really"],
)
def test_an_affirmation_without_a_negation_never_reaches_no(understander, utterance):
    assert understander.understand(utterance).intent != NO


def test_no_yes_sample_says_no_and_no_no_sample_says_yes():
    """Otherwise the polarity rule would make the sample unreachable."""
    builtin, words = builtin_samples(), vocabulary()
    assert not [s for s in builtin[YES] if set(normalise_utterance(s).split()) & words.negations]
    assert not [s for s in builtin[NO] if set(normalise_utterance(s).split()) & words.affirmations]


@pytest.mark.parametrize(
    "utterance",
    ["what's the weather", "play some music", "what causes headaches", "turn off the lights", "blah blah"],
)
def test_what_the_skill_does_not_cover_reaches_the_fallback(understander, utterance):
    assert understander.understand(utterance).intent == FALLBACK


@pytest.mark.parametrize(
    "spoken, cause_id",
    [(synonym, cause.id) for cause in CONTENT.causes for synonym in (cause.name, *cause.synonyms)],
)
def test_every_slot_value_and_synonym_resolves_like_alexa(understander, spoken, cause_id):
    meaning = understander.understand(f"tell me about {spoken}")
    assert meaning.intent == "CauseDetailIntent"
    assert meaning.slots["cause"]["value"] == spoken
    assert resolution(meaning) == ("ER_SUCCESS_MATCH", cause_id)


def test_a_synonym_inside_a_paraphrase_is_found(understander):
    meaning = understander.understand("could you tell me more about magnesium")
    assert meaning.intent == "CauseDetailIntent"
    assert resolution(meaning) == ("ER_SUCCESS_MATCH", "ELECTROLYTE_IMBALANCE")


def test_words_that_are_no_known_value_resolve_to_no_match(understander):
    meaning = understander.understand("tell me about gravity")
    assert meaning.intent == "CauseDetailIntent"
    assert meaning.slots["cause"]["value"] == "gravity"
    assert resolution(meaning) == ("ER_SUCCESS_NO_MATCH", None)


def test_a_bare_slot_sample_only_takes_known_values(understander):
    assert understander.understand("potassium").intent == "CauseDetailIntent"
    assert understander.understand("gravity").intent == FALLBACK


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_each_locale_is_understood_through_its_own_model(locale):
    assert model_path(PACKAGE_DIR, locale).is_file()
    assert Understander.for_locale(locale).understand("why do my legs cramp").intent == "CausesIntent"


# The corpus ------------------------------------------------------------------------


def model_samples() -> set[str]:
    samples = set()
    for intent in json.loads(model_path(PACKAGE_DIR, "en-US").read_text())["interactionModel"]["languageModel"]["intents"]:
        samples.update(normalise_utterance(sample) for sample in intent["samples"])
    return samples


def test_the_corpus_is_big_enough_and_not_in_the_model():
    rows = [row for path in corpus_files(CORPUS_DIR, "en-US").values() for row in read_corpus(path)]
    in_domain = [u for u, intent in rows if intent != FALLBACK]
    out_of_domain = [u for u, intent in rows if intent == FALLBACK]
    assert len(in_domain) >= 100 and len(out_of_domain) >= 20
    assert not model_samples() & {normalise_utterance(u) for u, _ in rows}


def test_corpus_figures_meet_their_targets(capsys):
    report = evaluate(CORPUS_DIR, "en-US")
    with capsys.disabled():
        print("\n" + report.table())
    assert report.figure("utterances", "in-domain").share >= 0.95
    assert report.figure("fallback", "out-of-domain").share == 1.0
    assert report.figure("heldout", "out-of-domain").share == 1.0


# Conversations and targets -------------------------------------------------------------


@pytest.mark.parametrize("dialog", DIALOGS, ids=[path.stem for path in DIALOGS])
def test_main_conversations_replay_in_process(dialog):
    assert replay(load_dialog(dialog), in_process()) is None


@pytest.mark.parametrize("dialog", DIALOGS, ids=[path.stem for path in DIALOGS])
def test_main_conversations_replay_through_the_lambda_entry(dialog):
    assert replay(load_dialog(dialog), through_lambda()) is None


def test_a_session_ends_and_the_next_utterance_starts_a_new_one():
    sent = []
    transport = in_process()
    device = VirtualDevice(lambda envelope: sent.append(envelope) or transport(envelope))
    device.say("open leg cramp guide")
    device.say("next")
    device.say("stop")
    device.say("next")
    sessions = [envelope["session"]["sessionId"] for envelope in sent]
    assert sessions[0] == sessions[1] == sessions[2] != sessions[3]
    assert [envelope["session"]["new"] for envelope in sent] == [True, False, False, True]
    # The place among the causes travelled in the session attributes, then was forgotten.
    assert sent[2]["session"]["attributes"]["cause_index"] == 0
    assert sent[3]["session"]["attributes"] == {}


# Commands -----------------------------------------------------------------------------


def test_ask_prints_speech_card_and_microphone_state():
    result = run_cli("ask", "ask leg cramp guide what is a leg spasm")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "[AboutSpasmsIntent]"
    assert lines[1] == f"Alexa: {CONTENT.text('about_spasms')}"
    assert lines[2].startswith("Card: What Is a Leg Spasm: ")
    assert lines[3] == "(session ended)"


def test_ask_json_prints_the_request_and_response_envelopes():
    result = run_cli("ask", "why do my legs cramp", "--json", "--locale", "en-GB")
    exchange = json.loads(result.stdout)
    assert exchange["request"]["request"]["intent"]["name"] == "CausesIntent"
    assert exchange["request"]["request"]["locale"] == "en-GB"
    assert exchange["response"]["response"]["card"]["title"] == "Why Legs Cramp"


def test_ask_with_a_session_file_holds_a_conversation(tmp_path):
    session = tmp_path / "session.json"
    said = [run_cli("ask", u, "--session", str(session)).stdout for u in
            ("open leg cramp guide", "why do my legs cramp", "yes", "go back")]
    assert said[1].startswith("[CausesIntent]")
    assert "Card: Nerve Compression" in said[2]
    assert "There is no earlier cause" in said[3]
    state = json.loads(session.read_text())
    assert state["session"]["attributes"]["cause_index"] == 0
    ended = run_cli("ask", "stop", "--session", str(session))
    assert "(session ended)" in ended.stdout
    assert json.loads(session.read_text())["session"] is None


def test_ask_refuses_a_broken_session_file(tmp_path):
    session = tmp_path / "session.json"
    session.write_text("{oops")
    result = run_cli("ask", "help", "--session", str(session))
    assert result.returncode == 2
    assert "not a session file" in result.stderr
    assert session.read_text() == "{oops"  # nothing lost


def test_ask_with_a_session_file_keeps_the_sessions_locale(tmp_path):
    session = tmp_path / "session.json"

    def locale_sent(*args: str) -> str:
        result = run_cli("ask", *args, "--session", str(session), "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)["request"]["request"]["locale"]

    assert locale_sent("open leg cramp guide", "--locale", "en-GB") == "en-GB"
    assert locale_sent("why do my legs cramp") == "en-GB"  # the session's locale, not en-US
    assert locale_sent("yes", "--locale", "en-AU") == "en-AU"  # a locale given explicitly wins
    assert locale_sent("next") == "en-AU"
    assert json.loads(session.read_text())["locale"] == "en-AU"


def test_ask_without_a_session_file_speaks_en_us():
    result = run_cli("ask", "why do my legs cramp", "--json")
    assert json.loads(result.stdout)["request"]["request"]["locale"] == "en-US"


def test_ask_refuses_a_folder_as_session_file_before_sending(tmp_path):
    result = run_cli("ask", "open leg cramp guide", "--session", str(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""  # nothing was sent, so no answer was lost
    assert result.stderr == f"ask: {tmp_path}: is a folder; give a file to keep the session in\n"
    assert list(tmp_path.iterdir()) == []


def test_ask_refuses_a_session_file_in_a_missing_folder_before_sending(tmp_path):
    session = tmp_path / "no-such-folder" / "session.json"
    result = run_cli("ask", "open leg cramp guide", "--session", str(session))
    assert result.returncode == 2
    assert result.stdout == ""  # nothing was sent, so no answer was lost
    assert result.stderr == (
        f"ask: {session}: cannot keep the session there: the folder {session.parent} does not exist\n"
    )
    assert not session.parent.exists()


def test_chat_keeps_the_session_and_ends_it_on_exit():
    result = run_cli("chat", stdin="open leg cramp guide\nwhy do my legs cramp\nyes\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("(microphone open)") == 3
    assert "Card: Nerve Compression" in out


def test_chat_through_lambda():
    result = run_cli("chat", "--lambda", stdin="ask leg cramp guide when should i see a doctor\n")
    assert "[SeeDoctorIntent]" in result.stdout
    assert "(session ended)" in result.stdout


@pytest.mark.parametrize(
    "command",
    [["chat", "--lambda"], ["ask", "--lambda", "open leg cramp guide"], ["replay", "--lambda", str(DIALOGS[0])]],
    ids=["chat", "ask", "replay"],
)
def test_a_lambda_function_for_another_skill_refuses_in_one_line(command):
    env = {**os.environ, "ALEXA_SKILL_ID": "amzn1.ask.skill.someone-else"}
    result = run_cli(*command, stdin="open leg cramp guide\n", env=env)
    assert result.returncode == (0 if command[0] == "chat" else 2)  # chat carries on to the next line
    assert result.stderr.splitlines() == [
        f"{command[0]}: the Lambda function refused a request for skill {DEFAULT_SKILL_ID!r}: "
        "this function answers amzn1.ask.skill.someone-else"
    ]
    assert "Traceback" not in result.stdout + result.stderr


def test_replay_command_passes_on_the_project_dialogs():
    result = run_cli("replay", *map(str, DIALOGS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok: ") == len(DIALOGS)


def test_replay_command_shows_the_first_difference(tmp_path):
    dialog = tmp_path / "wrong.yaml"
    dialog.write_text(
        "steps:\n"
        "  - say: open leg cramp guide\n"
        "    expect: {session: open}\n"
        "  - say: why do my legs cramp\n"
        "    expect: {intent: PreventionIntent, card_title: Nope}\n"
        "  - say: never reached\n"
    )
    result = run_cli("replay", str(dialog))
    assert result.returncode == 1
    assert f"{dialog}: step 2 ('why do my legs cramp'):" in result.stdout
    assert "expected intent PreventionIntent, got CausesIntent" in result.stdout
    assert "expected card title 'Nope', got 'Why Legs Cramp'" in result.stdout
    assert f"Alexa said: {CONTENT.text('causes_intro')}" in result.stdout


@pytest.mark.parametrize(
    "dialog_locale, flags, sent",
    [("en-AU", [], "en-AU"), ("en-AU", ["--locale", "en-GB"], "en-GB"), (None, [], "en-US"), (None, ["--locale", "en-IN"], "en-IN")],
    ids=["the-dialogs-own", "flag-over-the-dialogs", "en-US-by-default", "flag-over-the-default"],
)
def test_replay_locale_flag_overrides_the_dialogs_locale(tmp_path, monkeypatch, capsys, dialog_locale, flags, sent):
    from skill import __main__ as cli
    from skill.simulator import transports

    dialog = tmp_path / "locale.yaml"
    dialog.write_text(("" if dialog_locale is None else f"locale: {dialog_locale}\n") + (
        "steps:\n  - say: open leg cramp guide\n  - say: why do my legs cramp\n"
    ))
    locales = []
    skill = transports.in_process()

    def recording(envelope):
        locales.append(envelope["request"]["locale"])
        return skill(envelope)

    monkeypatch.setattr(transports, "in_process", lambda: recording)
    assert cli.main(["replay", *flags, str(dialog)]) == 0
    assert f"ok: {dialog}: 2 steps" in capsys.readouterr().out
    assert locales and set(locales) == {sent}


def test_replay_refuses_a_malformed_dialog(tmp_path):
    dialog = tmp_path / "bad.yaml"
    dialog.write_text("steps:\n  - say: help\n    expect: {intnet: HelpIntent}\n")
    result = run_cli("replay", str(dialog))
    assert result.returncode == 2
    assert "step 1: unknown expectation ['intnet']" in result.stderr


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed (.ci/run installs it)")
def test_wav_holds_the_spoken_answer(tmp_path):
    wav = tmp_path / "answer.wav"
    result = run_cli("ask", "what is a leg spasm", "--wav", str(wav))
    assert result.returncode == 0, result.stderr
    with wave.open(str(wav)) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    # About 60 words at espeak-ng's 160 words a minute.
    assert 10 < seconds < 60


def test_voice_with_wav_writes_the_file_instead_of_speaking(tmp_path):
    calls = tmp_path / "calls.log"
    fake = tmp_path / "espeak-ng"  # records how it was called, one line a call
    fake.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    fake.chmod(0o755)
    wav = tmp_path / "answer.wav"
    result = run_cli("ask", "help", "--voice", "--wav", str(wav), env={**os.environ, "PATH": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert calls.read_text().splitlines() == [f"-v en-us -s 160 -w {wav} --stdin"]  # once, to the file


def test_voice_without_espeak_says_how_to_get_it(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}
    result = run_cli("ask", "help", "--voice", env=env)
    assert result.returncode == 2
    assert "Alexa: You can ask" in result.stdout  # the answer is still printed
    assert "espeak-ng is not installed" in result.stderr
