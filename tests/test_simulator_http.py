"""The simulator's --url target against the production server, with signed requests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from skill.content import load_content
from skill.simulator.testpki import ensure_test_chain
from tests.servers import ROOT, Server, serving

SKILL_ID = "amzn1.ask.skill.22222222-3333-4444-5555-666666666666"
DIALOGS = sorted((ROOT / "tests" / "dialogs").glob("*.yaml"))

pytestmark = pytest.mark.slow  # a real server, requests over HTTP, the simulator in a subprocess


@pytest.fixture(scope="module")
def sign_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("signing")
    ensure_test_chain(directory)  # what `ask --sign DIR` makes on first use
    return directory


@pytest.fixture(scope="module")
def production_server(tmp_path_factory: pytest.TempPathFactory, sign_dir: Path) -> Iterator[Server]:
    """Verification on, trusting only the test root, chains read from the signing folder."""
    env = {
        "ALEXA_SKILL_ID": SKILL_ID,
        "ALEXA_CA_BUNDLE": str(sign_dir / "root.pem"),
        "ALEXA_CERT_DIR": str(sign_dir),
    }
    with serving(tmp_path_factory.mktemp("server"), env) as server:
        yield server


def simulate(server: Server, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    host, port = server.base
    return subprocess.run(
        [sys.executable, "-m", "skill", *args, "--url", f"http://{host}:{port}/", "--skill-id", SKILL_ID],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120,
    )


def test_signed_ask_is_answered_by_the_production_server(production_server, sign_dir):
    result = simulate(production_server, "ask", "ask leg cramp guide what about magnesium", "--sign", str(sign_dir))
    assert result.returncode == 0, result.stderr
    detail = load_content("en-US").causes[2].detail
    assert result.stdout.startswith(f"[CauseDetailIntent]\nAlexa: {detail}")
    assert "Card: Electrolyte Imbalance" in result.stdout


def test_unsigned_ask_is_refused_with_the_servers_reason(production_server):
    result = simulate(production_server, "ask", "help")
    assert result.returncode == 2
    assert "answered HTTP 400" in result.stderr
    assert "missing_header" in result.stderr


def test_the_main_conversations_replay_over_signed_http(production_server, sign_dir):
    result = simulate(production_server, "replay", *map(str, DIALOGS), "--sign", str(sign_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok: ") == len(DIALOGS)


def test_chat_over_http_keeps_its_session(production_server, sign_dir):
    result = simulate(production_server, "chat", "--sign", str(sign_dir),
                      stdin="open leg cramp guide\nnext\nnext\ngo back\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Card: Nerve Compression") == 2  # next, then back to it


def test_an_unreachable_url_is_a_clear_error():
    result = subprocess.run(
        [sys.executable, "-m", "skill", "ask", "help", "--url", "http://127.0.0.1:9/"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("ask: cannot reach http://127.0.0.1:9/")


def test_signed_ask_name_free_shows_the_verdict_then_the_answer(production_server, sign_dir):
    result = simulate(production_server, "ask", "--name-free", "how can i avoid leg cramps", "--sign", str(sign_dir))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "[name-free] Alexa asks the skill: CanFulfillIntentRequest for PreventionIntent"
    assert "Skill: YES" in lines and "[PreventionIntent]" in lines and lines[-1] == "(session ended)"


def test_an_ask_dialog_recording_replays_over_signed_http(production_server, sign_dir):
    recording = ROOT / "tests" / "dialogs" / "recorded" / "ask_dialog.json"
    result = simulate(production_server, "replay", str(recording), "--sign", str(sign_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Card: Nerve Compression" in result.stdout
    assert result.stdout.splitlines()[-1] == f"ok: {recording}: 4 steps"
