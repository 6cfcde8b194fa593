"""The simulator's commands as a person runs them, in a subprocess: ask, chat, replay and voice."""

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
from skill.simulator.request_builder import DEFAULT_SKILL_ID

ROOT = Path(__file__).resolve().parent.parent
DIALOGS = sorted((ROOT / "tests" / "dialogs").glob("*.yaml"))
CONTENT = load_content("en-US")

pytestmark = pytest.mark.slow  # each test runs python -m skill in a subprocess


def run_cli(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skill", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120, env=env,
    )


def test_ask_prints_speech_card_and_microphone_state():
    result = run_cli("ask", "ask leg cramp guide what is a leg spasm")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "[AboutSpasmsIntent]"
    assert lines[1].startswith(f"Alexa: {CONTENT.answers['about_spasms'].text}")
    assert lines[2].startswith("Card: What Is a Leg Cramp: ")
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
    assert f"Alexa said: {CONTENT.answers['causes'].text}" in result.stdout


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
    # The words printed, at about espeak-ng's 160 words a minute.
    said = result.stdout.splitlines()[1].removeprefix("Alexa: ")
    expected = len(said.split()) * 60 / 160
    assert expected / 2 < seconds < expected * 2


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
    assert "Alexa: I explain the causes" in result.stdout  # the answer is still printed
    assert "espeak-ng is not installed" in result.stderr


def fake_espeak(folder: Path, script: str = "") -> dict[str, str]:
    """An environment whose only espeak-ng is a shell script in ``folder`` doing ``script`` (nothing by default)."""
    fake = folder / "espeak-ng"
    fake.write_text(f"#!/bin/sh\n{script}\nexit 0\n")
    fake.chmod(0o755)
    return {**os.environ, "PATH": str(folder)}


needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng not installed (.ci/run installs it)"
)


@needs_espeak
def test_wav_in_a_missing_folder_says_so_and_still_prints_the_answer(tmp_path):
    wav = tmp_path / "no-such-folder" / "answer.wav"
    result = run_cli("ask", "why do my legs cramp", "--wav", str(wav))  # espeak-ng itself exits 0 here
    assert result.returncode == 2
    assert result.stdout.startswith("[CausesIntent]\nAlexa: Three things can bring on leg cramps.")
    assert result.stderr == (
        f"ask: {wav}: cannot write the spoken answer (directory {wav.parent} does not exist)\n"
    )
    assert not wav.parent.exists()


@needs_espeak
def test_wav_to_a_folder_says_so(tmp_path):
    result = run_cli("ask", "help", "--wav", str(tmp_path))
    assert result.returncode == 2
    assert "Alexa: I explain the causes" in result.stdout
    assert result.stderr == f"ask: {tmp_path}: cannot write the spoken answer (Is a directory)\n"


def test_wav_without_espeak_names_the_file_and_says_espeak_is_missing(tmp_path):
    wav = tmp_path / "answer.wav"
    result = run_cli("ask", "help", "--wav", str(wav), env={**os.environ, "PATH": str(tmp_path)})
    assert result.returncode == 2
    assert "Alexa: I explain the causes" in result.stdout
    assert result.stderr == (
        f"ask: {wav}: cannot write the spoken answer "
        "(espeak-ng is not installed; install it, for example with apt-get install espeak-ng)\n"
    )
    assert not wav.exists()


def test_wav_espeak_did_not_write_says_what_espeak_said(tmp_path):
    # As espeak-ng does when it cannot open its -w file: a complaint on stderr, and exit status 0.
    env = fake_espeak(tmp_path, "echo \"Can't write to: 'somewhere'\" >&2")
    wav = tmp_path / "answer.wav"
    result = run_cli("ask", "help", "--wav", str(wav), env=env)
    assert result.returncode == 2
    assert "Alexa: I explain the causes" in result.stdout
    assert result.stderr == (
        f"ask: {wav}: cannot write the spoken answer (espeak-ng wrote nothing: Can't write to: 'somewhere')\n"
    )
    assert not wav.exists()  # no empty file left behind


def test_chat_wav_in_a_missing_folder_says_so_once_carries_on_and_exits_2(tmp_path):
    wav = tmp_path / "no-such-folder" / "answer.wav"
    result = run_cli("chat", "--wav", str(wav), stdin="why do my legs cramp\nhelp\n", env=fake_espeak(tmp_path))
    assert result.returncode == 2
    assert "Alexa: Three things can bring on leg cramps." in result.stdout
    assert "Alexa: I explain the causes" in result.stdout  # carried on in text
    assert result.stderr == (
        f"chat: {wav}: cannot write the spoken answer (directory {wav.parent} does not exist)\n"
    )
    assert "Traceback" not in result.stdout


def test_ask_with_an_unwritable_apl_still_writes_the_wav_and_says_each_problem(tmp_path):
    calls = tmp_path / "calls.log"
    env = fake_espeak(tmp_path, f'echo "$@" >> {calls}')
    apl = tmp_path / "no-such-folder" / "screen.json"
    wav = tmp_path / "no-such-folder" / "answer.wav"
    result = run_cli("ask", "why do my legs cramp", "--apl", str(apl), "--wav", str(wav), env=env)
    assert result.returncode == 2
    assert "Screen (causes)" in result.stdout
    assert result.stderr.splitlines() == [
        f"ask: {apl}: cannot write the screen (No such file or directory)",
        f"ask: {wav}: cannot write the spoken answer (directory {wav.parent} does not exist)",
    ]
    good = tmp_path / "answer.wav"
    result = run_cli("ask", "why do my legs cramp", "--apl", str(apl), "--wav", str(good), env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"ask: {apl}: cannot write the screen (No such file or directory)"]
    assert calls.read_text().splitlines() == [f"-v en-us -s 160 -w {good} --stdin"]  # the answer was still written
